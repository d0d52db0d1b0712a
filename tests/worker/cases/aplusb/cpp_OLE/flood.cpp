#include <cstdio>
int main() { for (;;) std::fputs("9999999999999999999999999999999999999999\n", stdout); }
