/* The box launcher: how the runner starts every program and compiler in a sandbox.
 *
 * The runner starts it with posix_spawn, which shares the runner's memory until the exec
 * instead of copying it as fork does (a forked Python runner cost about 2 ms a test). Here, in
 * C, it becomes the OOM killer's first choice, sets its limits and drops to the unprivileged
 * uid; then the program's own process takes a session of its own and execs the program.
 *
 *   launch UID CWD CPU_SECONDS FILE_BYTES STACK_BYTES PROGRAM [ARG...]
 *
 * Standard streams arrive on fds 0-2; fd 3 is the report pipe. The program's process (a new
 * one: see the end of main) writes "pid N" there, then execs, which closes fd 3. A failure is
 * written there as "step: reason" (after the pid line if the process exists) and ends with
 * exit code 127. Every other fd is closed.
 * runner/execute.py's _inline_child does the same steps for a program it runs in a fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { REPORT_FD = 3, FIRST_ARG = 6 };

extern char **environ;

static void fail(const char *step) {
    char message[256];
    int length = snprintf(message, sizeof message, "%s: %s", step, strerror(errno));
    if (length > 0) {
        (void)!write(REPORT_FD, message, (size_t)length);
    }
    _exit(127);
}

static unsigned long long number(const char *text, const char *what) {
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *text == '\0' || *end != '\0' || *text == '-') {
        errno = EINVAL;
        fail(what);
    }
    return value;
}

static void limit(int resource, rlim_t soft, rlim_t hard, const char *what) {
    struct rlimit value = {soft, hard};
    if (setrlimit(resource, &value) != 0) {
        fail(what);
    }
}

int main(int argc, char **argv) {
    if (fcntl(REPORT_FD, F_SETFD, FD_CLOEXEC) != 0) {
        _exit(127); /* no report pipe: the runner did not start this */
    }
    if (argc <= FIRST_ARG) {
        errno = EINVAL;
        fail("usage: launch UID CWD CPU_SECONDS FILE_BYTES STACK_BYTES PROGRAM [ARG...]");
    }
    uid_t uid = (uid_t)number(argv[1], "uid");
    rlim_t cpu = (rlim_t)number(argv[3], "cpu seconds");
    rlim_t file = (rlim_t)number(argv[4], "file bytes");
    rlim_t stack = (rlim_t)number(argv[5], "stack bytes");
    if (uid == 0 || uid == (uid_t)-1) { /* -1 would mean "leave the ids as they are": root */
        errno = EPERM;
        fail("uid");
    }

    int adjust = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (adjust < 0 || write(adjust, "1000", 4) != 4) {
        fail("oom_score_adj"); /* the OOM killer takes the program, never the runner */
    }
    close(adjust);
    limit(RLIMIT_CPU, cpu, cpu + 1, "cpu limit");
    limit(RLIMIT_FSIZE, file, file, "file size limit");
    limit(RLIMIT_STACK, stack, stack, "stack limit");
    limit(RLIMIT_CORE, 0, 0, "core limit");
    if (chdir(argv[2]) != 0) {
        fail("chdir");
    }
    if (setgroups(0, NULL) != 0) {
        fail("setgroups");
    }
    if (setresgid(uid, uid, uid) != 0) {
        fail("setresgid");
    }
    if (setresuid(uid, uid, uid) != 0) {
        fail("setresuid");
    }
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0 ||
        ruid != uid || euid != uid || suid != uid || rgid != uid || egid != uid || sgid != uid) {
        errno = EPERM;
        fail("dropping privileges"); /* never run anything as root */
    }

    closefrom(REPORT_FD + 1);
    /* The runner ignores some signals and handles others: the program gets the defaults. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int signum = 1; signum < NSIG; signum++) {
        signal(signum, SIG_DFL); /* fails, harmlessly, for SIGKILL, SIGSTOP and libc's own */
    }
    /* The program runs in a new process, made a child of the runner (CLONE_PARENT): its peak
     * memory then starts from this launcher's few pages. The launcher itself started on the
     * runner's memory (posix_spawn shares it until the exec), and the kernel counts that
     * memory's high-water mark in the peak of the process that exec'd from it. */
    pid_t program = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
    if (program < 0) {
        fail("clone");
    }
    if (program > 0) {
        _exit(0); /* the runner waits for the program; it reaps this launcher too */
    }
    if (setsid() < 0) {
        fail("setsid"); /* own session and process group, detached from the runner's */
    }
    char started[32];
    int length = snprintf(started, sizeof started, "pid %d\n", (int)getpid());
    if (write(REPORT_FD, started, (size_t)length) != length) {
        _exit(127);
    }
    execve(argv[FIRST_ARG], argv + FIRST_ARG, environ);
    fail("exec");
    return 127;
}
