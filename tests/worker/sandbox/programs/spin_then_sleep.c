#include <time.h>
/* Burns 300 ms of its own CPU time, then sleeps 200 ms of wall time using none. */
int main(void) {
    volatile unsigned long i = 0;
    while (clock() < CLOCKS_PER_SEC * 3 / 10) i++;
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, 0);
    return 0;
}
