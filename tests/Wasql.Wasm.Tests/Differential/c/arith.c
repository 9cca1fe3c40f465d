// Differential test program: integer arithmetic, recursion, division traps.
// Freestanding (no libc); every export takes and returns plain numbers.
#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(gcd) unsigned gcd(unsigned a, unsigned b) {
    while (b != 0) { unsigned t = a % b; a = b; b = t; }
    return a;
}

EXPORT(gcd64) unsigned long long gcd64(unsigned long long a, unsigned long long b) {
    while (b != 0) { unsigned long long t = a % b; a = b; b = t; }
    return a;
}

static int fib_rec(int n) { return n < 2 ? n : fib_rec(n - 1) + fib_rec(n - 2); }
EXPORT(fib) int fib(int n) { return fib_rec((unsigned)n % 24u); }

static unsigned ack_rec(unsigned m, unsigned n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack_rec(m - 1, 1);
    return ack_rec(m - 1, ack_rec(m, n - 1));
}
EXPORT(ack) unsigned ack(unsigned m, unsigned n) { return ack_rec(m & 3, n & 7); }

// Plain C division: clang emits i32.div_s / rem_s etc., which trap on zero and INT_MIN / -1.
EXPORT(div_s) int div_s(int a, int b) { return a / b; }
EXPORT(rem_s) int rem_s(int a, int b) { return a % b; }
EXPORT(div_u) unsigned div_u(unsigned a, unsigned b) { return a / b; }
EXPORT(rem_u) unsigned rem_u(unsigned a, unsigned b) { return a % b; }
EXPORT(div_s64) long long div_s64(long long a, long long b) { return a / b; }
EXPORT(rem_s64) long long rem_s64(long long a, long long b) { return a % b; }
EXPORT(div_u64) unsigned long long div_u64(unsigned long long a, unsigned long long b) { return a / b; }

EXPORT(mix_arith) int mix_arith(int a, int b) {
    int r = a * 31 + b;
    r ^= (unsigned)r >> 7;
    r += (a < b) ? a - b : b - a;
    r = r * (b | 1);
    return r + (int)((unsigned)a >= (unsigned)b);
}

EXPORT(mul_hi) long long mul_hi(int a, int b) { return (long long)a * (long long)b; }
EXPORT(mul_hi_u) unsigned long long mul_hi_u(unsigned a, unsigned b) { return (unsigned long long)a * b; }

EXPORT(collatz) int collatz(unsigned n) {
    n = n % 100000u + 1;
    int steps = 0;
    while (n != 1) { n = (n & 1) ? 3 * n + 1 : n / 2; steps++; }
    return steps;
}

EXPORT(trap_if) int trap_if(int x) {
    if (x == 42) __builtin_trap();
    return x + 1;
}
