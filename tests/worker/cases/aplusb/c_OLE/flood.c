#include <stdio.h>
int main(void) { for (;;) fputs("9999999999999999999999999999999999999999\n", stdout); }
