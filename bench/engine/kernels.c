// Benchmark kernels, compiled both to wasm (clang-14 --target=wasm32) and natively (gcc -O2).
// Freestanding: no libc. Every kernel takes a size and returns a 64-bit checksum, re-initialising its own
// state so repeated runs do the same work.
#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(#name)))
#else
#define EXPORT(name)
#endif

typedef unsigned int u32;
typedef unsigned long long u64;

// One small call, for the host-to-guest crossing cost (what a per-row SQL function pays).
EXPORT(gcd) int gcd(int a, int b) {
    while (b != 0) { int t = a % b; a = b; b = t; }
    return a;
}

// gcd over many pseudo-random pairs (integer division latency, branches).
EXPORT(gcd_bench) long long gcd_bench(int n) {
    u32 x = 12345;
    u64 sum = 0;
    for (int i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        u32 a = x >> 1;
        x = x * 1103515245u + 12345u;
        u32 b = (x >> 1) | 1;
        while (b != 0) { u32 t = a % b; a = b; b = t; }
        sum += a;
    }
    return (long long)sum;
}

// Quicksort of n pseudo-random ints (memory loads/stores, compares, recursion).
#define SORT_MAX (1 << 20)
static int sort_data[SORT_MAX];

static void qsort_rec(int *a, int lo, int hi) {
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        int x = a[lo], y = a[mid], z = a[hi];
        int pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { qsort_rec(a, lo, j); lo = i; } else { qsort_rec(a, i, hi); hi = j; }
    }
    for (int i = lo + 1; i <= hi; i++) {
        int v = a[i], k = i - 1;
        while (k >= lo && a[k] > v) { a[k + 1] = a[k]; k--; }
        a[k + 1] = v;
    }
}

EXPORT(sort_bench) long long sort_bench(int n) {
    if (n > SORT_MAX) n = SORT_MAX;
    u32 x = 42;
    for (int i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; sort_data[i] = (int)x; }
    qsort_rec(sort_data, 0, n - 1);
    u64 h = 0;
    for (int i = 0; i < n; i += 7) h = h * 31 + (u32)sort_data[i];
    for (int i = 1; i < n; i++) if (sort_data[i - 1] > sort_data[i]) return -1;
    return (long long)h;
}

// Mandelbrot set over a size x size grid (f64 multiply/add, data-dependent loop exits).
EXPORT(mandel_bench) long long mandel_bench(int size) {
    u64 total = 0;
    for (int py = 0; py < size; py++) {
        double ci = (double)py * 2.0 / size - 1.0;
        for (int px = 0; px < size; px++) {
            double cr = (double)px * 3.0 / size - 2.0;
            double zr = 0, zi = 0;
            int it = 0;
            while (it < 200 && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                it++;
            }
            total = total * 3 + (u64)it;
        }
    }
    return (long long)total;
}

// N-body simulation (f64 arithmetic with sqrt and division over small arrays in memory).
#define NB 5
static double bx[NB], by[NB], bz[NB], bvx[NB], bvy[NB], bvz[NB], bm[NB];

EXPORT(nbody_bench) long long nbody_bench(int steps) {
    for (int i = 0; i < NB; i++) {
        // Integer numerators over exact divisions: clang-14's wasm32 backend folds expressions like
        // `i * 1.3 - 2.0` of the unrolled loop to constants 1 ulp away from the runtime result, which would
        // make the native and wasm checksums differ for reasons unrelated to the engines.
        bx[i] = (i * 13 - 20) / 10.0; by[i] = ((i * 7 % 5) * 9 - 15) / 10.0; bz[i] = (i % 3) * 4 / 10.0;
        bvx[i] = i / 100.0; bvy[i] = -2 * i / 100.0; bvz[i] = 5 * (NB - i) / 1000.0; bm[i] = (2 + i) / 4.0;
    }
    const double dt = 0.001;
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < NB; i++)
            for (int j = i + 1; j < NB; j++) {
                double dx = bx[i] - bx[j], dy = by[i] - by[j], dz = bz[i] - bz[j];
                double d2 = dx * dx + dy * dy + dz * dz + 1e-3;
                double mag = dt / (d2 * __builtin_sqrt(d2));
                bvx[i] -= dx * bm[j] * mag; bvy[i] -= dy * bm[j] * mag; bvz[i] -= dz * bm[j] * mag;
                bvx[j] += dx * bm[i] * mag; bvy[j] += dy * bm[i] * mag; bvz[j] += dz * bm[i] * mag;
            }
        for (int i = 0; i < NB; i++) { bx[i] += dt * bvx[i]; by[i] += dt * bvy[i]; bz[i] += dt * bvz[i]; }
    }
    double e = 0;
    for (int i = 0; i < NB; i++) e += 0.5 * bm[i] * (bvx[i] * bvx[i] + bvy[i] * bvy[i] + bvz[i] * bvz[i]) + bx[i] + by[i] + bz[i];
    long long bits;
    __builtin_memcpy(&bits, &e, 8);
    return bits;
}

// FNV-1a and a 64-bit multiply-rotate hash over a 1 MiB buffer, `rounds` times (byte and i64 loads, i64 mul).
#define HBUF (1 << 20)
static unsigned char hash_buf[HBUF];

EXPORT(hash_bench) long long hash_bench(int rounds) {
    u64 s = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < HBUF; i++) { s ^= s << 7; s ^= s >> 9; hash_buf[i] = (unsigned char)s; }
    u64 total = 0;
    for (int r = 0; r < rounds; r++) {
        u32 h = 2166136261u ^ (u32)r;
        for (int i = 0; i < HBUF; i++) { h ^= hash_buf[i]; h *= 16777619u; }
        u64 acc = (u64)r;
        for (int i = 0; i < HBUF; i += 8) {
            u64 w;
            __builtin_memcpy(&w, hash_buf + i, 8);
            acc += w * 0xC2B2AE3D27D4EB4Full;
            acc = (acc << 31) | (acc >> 33);
            acc *= 0x9E3779B185EBCA87ull;
        }
        total += h ^ acc;
    }
    return (long long)total;
}

// Sieve of Eratosthenes below n (byte stores with strided addresses).
#define SIEVE_MAX (1 << 24)
static unsigned char composite[SIEVE_MAX];

EXPORT(sieve_bench) long long sieve_bench(int n) {
    if (n > SIEVE_MAX) n = SIEVE_MAX;
    for (int i = 0; i < n; i++) composite[i] = 0;
    long long count = 0, sum = 0;
    for (int i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        sum += i;
        for (long long j = (long long)i * i; j < n; j += i) composite[j] = 1;
    }
    return count * 1000003 + sum;
}
