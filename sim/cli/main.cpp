#include <cstdio>
int main() { std::puts("clsim " CLSIM_VERSION); return 0; }
