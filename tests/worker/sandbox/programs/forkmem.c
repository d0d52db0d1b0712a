#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    for (int i = 0; i < 16; i++) if (fork() == 0) break;
    for (int i = 0; i < 64; i++) { char *p = malloc(1 << 20); if (p) memset(p, 1, 1 << 20); }
    while (wait(NULL) > 0) {}
    sleep(5);
    return 0;
}
