template <int D, long N> struct T { static constexpr long v = T<D - 1, 2 * N>::v + T<D - 1, 2 * N + 1>::v; };
template <long N> struct T<0, N> { static constexpr long v = N; };
long x = T<30, 0>::v;
int main() { return 0; }
