#include <ctype.h>
#include <stdio.h>
int main(void) { int c; while ((c = getchar()) != EOF) if (c != '\n') putchar(toupper(c)); putchar('\n'); return 0; }
