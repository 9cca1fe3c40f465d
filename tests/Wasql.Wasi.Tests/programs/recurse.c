// Unbounded recursion on the wasm call stack (no locals in linear memory, not a tail call).
#include <stdio.h>

volatile int live;

#pragma clang diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static int depth(int n) {
    live++;
    int r = depth(n + 1);
    live--;
    return r + n;
}

int main(void) {
    puts("recursing");
    fflush(stdout);
    return depth(0);
}
