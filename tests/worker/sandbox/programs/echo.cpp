#include <algorithm>
#include <iostream>
#include <string>
int main() { std::string s; std::cin >> s; std::transform(s.begin(), s.end(), s.begin(), ::toupper); std::cout << s << "\n"; }
