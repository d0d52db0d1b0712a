"""Run one command as an unprivileged uid within limits and say what happened (runner side)."""

from __future__ import annotations

import builtins
import contextlib
import math
import os
import resource
import select
import signal
import sys
import time
from collections import namedtuple

COMPILE_UID = 10000  # the compiler runs as this uid: it may write the build dir only
RUN_UID = 10001  # the program runs as this uid: it may write its run dir only
CHILD_PATH = "/usr/local/bin:/usr/bin:/bin"
# Where the container's memory cgroup counts OOM kills: cgroup v1, then v2 (both say "oom_kill N").
OOM_COUNTERS = ("/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CPU_CHECK_S = 0.02  # how often the main process's CPU time is looked at while it runs
# `python3 -I -S -c CODE ARGS` with this very interpreter (a syntax check in the Python image)
# runs CODE in the forked child itself: the same interpreter with the same flags, as the same
# uid within the same limits, without starting a second one (about 10 ms a submission).
_OWN_PYTHON = os.path.realpath(sys.executable) if sys.executable else ""
_INLINE_FLAGS = ["-I", "-S", "-c"]
MAX_FD = 1 << 16
LAUNCHER = "/opt/codedev/launch"  # built from launcher/launch.c into every image

# SIGCHLD only wakes the poll loop; the wake-up pipe makes the signal race-free.
_WAKE_R, _WAKE_W = os.pipe()
os.set_blocking(_WAKE_R, False)
os.set_blocking(_WAKE_W, False)
signal.set_wakeup_fd(_WAKE_W, warn_on_full_buffer=False)
signal.signal(signal.SIGCHLD, lambda signum, frame: None)


_LIMIT_FIELDS = "time_ms wall_ms memory_mb output_bytes keep_stderr file_bytes"


class Limits(namedtuple("Limits", _LIMIT_FIELDS)):  # not typing: a box starts faster
    """Limits of one execution as the worker sends them: CPU and wall ms, memory MB, the output
    bytes past which stdout or stderr is killed, the stderr bytes kept, the largest file."""

    __slots__ = ()

    @classmethod
    def from_json(cls, data: dict) -> Limits:
        return cls(**{name: int(data[name]) for name in cls._fields})


class Sink:
    """Collects one stream up to a cap, counting everything."""

    def __init__(self, keep: int, kill_at: int) -> None:
        self.parts: list[bytes] = []
        self.kept = 0
        self.total = 0
        self.keep = keep
        self.kill_at = kill_at

    def add(self, chunk: bytes) -> bool:
        """Take a chunk; True once the stream is past its kill cap."""
        self.total += len(chunk)
        if self.kept < self.keep:
            piece = chunk[: self.keep - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        return self.total > self.kill_at

    def data(self) -> bytes:
        return b"".join(self.parts)


def oom_kills() -> int | None:
    """OOM kills so far in this container's memory cgroup (None if the kernel can't say)."""
    for path in OOM_COUNTERS:
        try:
            with open(path) as handle:
                for line in handle:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except OSError:
            continue
    return None


def cpu_seconds(pid: int) -> float:
    """CPU time of a running process and its waited-for children (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLOCK_TICKS


def kill_all() -> None:
    """Kill every process of the box but the runner, forks and setsid survivors included."""
    if os.getpid() == 1:
        # As PID 1, kill(-1) reaches every other process in the container and, done in one
        # call under the kernel's task list lock, a fork bomb cannot outrun it.
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        return
    for entry in os.listdir("/proc"):  # outside a container (development): by uid
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid in (COMPILE_UID, RUN_UID):
                    os.kill(int(entry), signal.SIGKILL)
            except OSError:
                continue


def reap(main_pid: int) -> tuple[int, resource.struct_rusage] | None:
    """Reap every exited child; return the main process's status and usage if it was one."""
    found = None
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return found
        if pid == 0:
            return found
        if pid == main_pid:
            found = (status, usage)


def reap_all(timeout_s: float = 5.0) -> None:
    """After kill_all: wait until no child is left (orphans are re-parented to PID 1)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            select.select([_WAKE_R], [], [], 0.01)
            _drain_wake()


def _drain_wake() -> None:
    try:
        while os.read(_WAKE_R, 4096):
            pass
    except BlockingIOError:
        pass


def _stdin_fd(data: bytes) -> int:
    """The input as an unnamed in-memory file: it never has a path another run could open."""
    fd = os.memfd_create("input", os.MFD_CLOEXEC)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _spawn(argv: list[str], uid: int, cwd: str, fds: tuple[int, int, int], report: int,
           limits: Limits, env: dict[str, str]) -> int:  # fmt: skip
    """Start argv through the launcher (launcher/launch.c); returns the launcher's pid."""
    # posix_spawn shares the runner's memory until the launcher's exec; a fork would copy it,
    # and every page either side then touched would fault (about 2 ms a test on a VM).
    cpu, file_bytes, stack = _rlimits(limits)
    actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate((*fds, report))]
    wanted = [LAUNCHER, str(uid), cwd, str(cpu), str(file_bytes), str(stack), *argv]
    return os.posix_spawn(LAUNCHER, wanted, env, file_actions=actions)


def _program_of(launcher: int, report: str) -> tuple[int, str]:
    """The program's pid and any setup error, from the launcher's report: "pid N" once the
    program's process exists, then what went wrong, if anything; else the launcher's error."""
    first, newline, rest = report.partition("\n")
    if newline and first.startswith("pid ") and first[4:].isdigit():
        return int(first[4:]), rest
    return launcher, report or "the launcher ended without starting the program"


def _rlimits(limits: Limits) -> tuple[int, int, int]:
    """CPU seconds (a backstop: the poll loop enforces the real limit), file and stack bytes."""
    return math.ceil(limits.time_ms / 1000) + 1, limits.file_bytes, limits.memory_mb << 20


def _inline_child(code: str, args: list[str], uid: int, cwd: str, fds: tuple[int, int, int],
                  report: int, limits: Limits, env: dict[str, str]) -> None:  # fmt: skip
    """In the forked child: drop to uid within limits, then run code inline. Never returns."""
    try:
        # The launcher's steps (launcher/launch.c), in Python: keep the two the same.
        signal.set_wakeup_fd(-1)  # the runner's wake-up pipe is not the program's
        os.setsid()
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
        cpu, file_bytes, stack = _rlimits(limits)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_STACK, (stack, stack))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.chdir(cwd)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        # Python ignores these; the program must get the default behaviour back.
        for signum in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        os.closerange(3, MAX_FD)  # as an exec would close the report pipe, and all the rest
    except BaseException as error:  # noqa: BLE001 (a forked child must never return)
        os.write(report, f"{type(error).__name__}: {error}".encode()[:1000])
        os._exit(127)
    _run_inline(code, args, env)


def inline_python(argv: list[str]) -> bool:
    """Whether argv is `python3 -I -S -c CODE ...` with the runner's own interpreter."""
    return (
        len(argv) >= 5
        and argv[1:4] == _INLINE_FLAGS
        and bool(_OWN_PYTHON)
        and os.path.realpath(argv[0]) == _OWN_PYTHON
    )


def _run_inline(code: str, args: list[str], env: dict[str, str]) -> None:
    """In the forked child: what `python3 -I -S -c code args` does, then exit. Never returns."""
    status = 0
    try:
        os.environ.clear()
        os.environ.update(env)
        # Fresh standard streams on the new fds 0-2 (the runner never used its own).
        sys.stdin = sys.__stdin__ = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = sys.__stderr__ = open(  # noqa: SIM115
            2, "w", encoding="utf-8", errors="backslashreplace", closefd=False
        )
        sys.argv = ["-c", *args]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__", "__builtins__": builtins})  # noqa: S102
    except SystemExit as done:
        status = _exit_status(done.code)
    except BaseException as error:  # noqa: BLE001 (as the interpreter: print it, exit 1)
        traceback = error.__traceback__
        error = error.with_traceback(traceback.tb_next if traceback else None)  # not our frame
        sys.excepthook(type(error), error, error.__traceback__)
        status = 1
    with contextlib.suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


def _exit_status(code: object) -> int:
    """The exit status the interpreter gives `sys.exit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(BaseException):
        print(code, file=sys.stderr)
    return 1


def execute(argv: list[str], *, uid: int, cwd: str, stdin: bytes, limits: Limits,
            merge_output: bool, env: dict[str, str], relay=None) -> dict:  # noqa: ANN001  # fmt: skip
    """Run argv once and report status, exit code/signal, CPU, wall, peak memory and output.

    With a relay (relay.py, an interactive run) stdin is a pipe the relay feeds from the
    worker's frames, and stdout is sent on as it comes (still counted for the output limit)."""
    env = {"PATH": CHILD_PATH, "LANG": "C.UTF-8", **env}
    if relay is None:
        stdin_fd = _stdin_fd(stdin)
    else:
        stdin_fd, relay.stdin_w = os.pipe()
        os.set_blocking(relay.stdin_w, False)
        os.set_inheritable(relay.stdin_w, False)
    out_r, out_w = os.pipe()
    err_r, err_w = (out_r, out_w) if merge_output else os.pipe()
    report_r, report_w = os.pipe()  # close-on-exec: EOF means the program's exec is done
    oom_before = oom_kills()
    _drain_wake()
    start = time.monotonic()
    fds = (stdin_fd, out_w, err_w)
    spawn_error = ""
    launched = not inline_python(argv)
    if not launched:
        pid = os.fork()
        if pid == 0:
            _inline_child(argv[4], argv[5:], uid, cwd, fds, report_w, limits, env)
    else:
        try:
            pid = _spawn(argv, uid, cwd, fds, report_w, limits, env)
        except (OSError, ValueError, TypeError) as error:  # no launcher, or a NUL in argv
            pid, spawn_error = 0, f"launcher: {error}"
    for fd in {stdin_fd, out_w, err_w, report_w}:
        os.close(fd)
    with os.fdopen(report_r, "rb") as handle:
        setup_error = spawn_error or handle.read().decode(errors="replace")
    if pid and launched:  # the program runs in a process of its own (launch.c)
        pid, setup_error = _program_of(pid, setup_error)
    if not pid:
        for fd in {out_r, err_r}:
            os.close(fd)
        if relay is not None:
            relay.close_stdin()
        return _not_started(setup_error)

    keep_err = limits.output_bytes if merge_output else limits.keep_stderr
    keep_out = 0 if relay is not None else limits.output_bytes  # a relay sends it on instead
    sinks = {out_r: Sink(keep_out, limits.output_bytes)}
    if not merge_output:
        sinks[err_r] = Sink(keep_err, limits.output_bytes)
    stdout_sink = sinks[out_r]
    stderr_sink = sinks.get(err_r, Sink(0, 0))
    poller = select.poll()
    for fd in (*sinks, _WAKE_R):
        poller.register(fd, select.POLLIN)
    if relay is not None:
        poller.register(0, select.POLLIN)  # the worker's frames
    writing_fd = None  # the relay's stdin pipe while it is registered for POLLOUT
    open_fds = set(sinks)
    reason = ""
    deadline = start + limits.wall_ms / 1000
    next_check = start + CPU_CHECK_S
    main: tuple[int, resource.struct_rusage] | None = None
    end = start
    while main is None or open_fds:
        now = time.monotonic()
        if main is None:
            if now >= deadline and not reason:
                reason = "wall"
                kill_all()
            if now >= next_check:
                next_check = now + CPU_CHECK_S
                if not reason and cpu_seconds(pid) * 1000 > limits.time_ms:
                    reason = "cpu"
                    kill_all()
            timeout_ms = max(0, math.ceil((min(deadline, next_check) - now) * 1000))
        else:
            timeout_ms = 1000  # everything was killed: the pipes close at once
        if relay is not None:
            relay.maybe_close()
            want = relay.stdin_w if relay.wants_write() else None
            if writing_fd is not None and writing_fd != want:
                poller.unregister(writing_fd)  # before any new fd can take its number
                writing_fd = None
            if want is not None and writing_fd is None:
                poller.register(want, select.POLLOUT)
                writing_fd = want
            if main is not None:
                timeout_ms = min(timeout_ms, 100)
        events = poller.poll(timeout_ms)
        if main is not None and not events:
            break
        for fd, _ in events:
            if fd == _WAKE_R:
                _drain_wake()
                continue
            if relay is not None and fd == 0:
                relay.take(os.read(0, 1 << 16))
                if relay.input_ended and not relay.pending:
                    poller.unregister(0)  # nothing more will come
                continue
            if relay is not None and fd == writing_fd:
                relay.write()
                continue
            if fd not in open_fds:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                poller.unregister(fd)
                open_fds.discard(fd)
                os.close(fd)
                if relay is not None and fd == out_r:
                    relay.output_ended()
            else:
                if relay is not None and fd == out_r and not reason:
                    relay.output(chunk)
                if sinks[fd].add(chunk) and not reason:
                    reason = "output"
                    kill_all()
        if main is None:
            main = reap(pid)
            if main is not None:
                end = time.monotonic()
                kill_all()  # survivors (setsid, double fork) die with the main process
    for fd in open_fds:
        os.close(fd)
    if relay is not None:
        if out_r in open_fds:
            relay.output_ended()
        relay.close_stdin()
    reap_all()
    status, usage = main
    oom_after = oom_kills()
    exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    cpu_ms = round((usage.ru_utime + usage.ru_stime) * 1000)
    oom = oom_before is not None and oom_after is not None and oom_after > oom_before
    outcome, message = _classify(setup_error, reason, signum, exit_code, cpu_ms, oom, limits)
    return {
        "status": outcome,
        "exit_code": exit_code,
        "signal": signum,
        "time_ms": cpu_ms,
        "wall_ms": round((end - start) * 1000),
        "memory_kb": usage.ru_maxrss,
        "message": message,
        "oom_killed": oom,
        "stdout_total": stdout_sink.total,
        "stderr_total": stderr_sink.total,
        "stdout": stdout_sink.data(),
        "stderr": stderr_sink.data(),
    }


def _not_started(setup_error: str) -> dict:
    """The report of a program whose launcher could not even be started."""
    return {
        "status": "sandbox_error", "exit_code": None, "signal": None, "time_ms": 0,
        "wall_ms": 0, "memory_kb": 0, "message": f"could not start the program: {setup_error}",
        "oom_killed": False, "stdout_total": 0, "stderr_total": 0, "stdout": b"", "stderr": b"",
    }  # fmt: skip


def _classify(setup_error: str, reason: str, signum: int | None, exit_code: int | None,
              cpu_ms: int, oom: bool, limits: Limits) -> tuple[str, str]:  # fmt: skip
    """The outcome constant (see worker/sandbox/api.py) and a line for staff."""
    if setup_error:
        return "sandbox_error", f"could not start the program: {setup_error}"
    if reason == "output":
        return "output_limit", f"output passed {limits.output_bytes} bytes"
    # An OOM kill means the memory limit was hit, whatever the survivors did afterwards (a
    # fork bomb's parent may outlive its killed children and then run out of time).
    if oom:
        return "memory_limit", "killed by the out-of-memory killer"
    if reason == "cpu" or signum == signal.SIGXCPU:
        return "time_limit", f"CPU time passed {limits.time_ms} ms"
    if reason == "wall":
        return "time_limit", f"wall time passed {limits.wall_ms} ms"
    if cpu_ms > limits.time_ms:
        return "time_limit", f"CPU time {cpu_ms} ms passed {limits.time_ms} ms"
    if signum is not None:
        name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else ""
        return "signaled", f"killed by signal {signum} {name}".strip()
    if exit_code:
        return "nonzero", f"exit code {exit_code}"
    return "ok", ""
