#include <string.h>
#include <unistd.h>
int main(void) { static char buf[1 << 16]; memset(buf, 'x', sizeof buf); for (long i = 0; i < (1L << 30) / (long)sizeof buf; i++) write(1, buf, sizeof buf); return 0; }
