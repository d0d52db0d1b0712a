/* POSIX names a contest program may use (pid_t, getline, strdup, M_PI): AC on Kattis, DOMjudge
   and the ICPC World Finals, which build C in a GNU dialect; strict -std=c17 hides them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int main(void) {
    char *line = NULL;
    size_t size = 0;
    if (getline(&line, &size, stdin) < 0) return 1;
    char *copy = strdup(line);
    pid_t self = getpid();
    long long a, b;
    if (copy == NULL || self <= 0 || sscanf(copy, "%lld %lld", &a, &b) != 2) return 1;
    /* cos(M_PI) is -1, computed at run time, so libm is linked (-lm) too. */
    long long minus_one = llround(cos(M_PI * (double)(self > 0)));
    printf("%lld\n", a + b + 1 + minus_one);
    free(copy);
    free(line);
    return 0;
}
