// Differential test program: quicksort and heapsort over static arrays in linear memory, plus raw loads/stores
// whose addresses come from the caller (out-of-bounds accesses must trap the same way).
#define EXPORT(name) __attribute__((export_name(#name)))
#define N 20000

static int data[N];
static unsigned long long keys[2048];
static unsigned rng = 1;

static unsigned next(void) { rng = rng * 1103515245u + 12345u; return rng ^ (rng >> 16); }

EXPORT(array_ptr) int *array_ptr(void) { return data; }

EXPORT(fill) void fill(unsigned seed, int n) {
    rng = seed;
    n = (unsigned)n % (N + 1);
    for (int i = 0; i < n; i++) data[i] = (int)next();
}

static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }

static void qsort_rec(int *a, int lo, int hi) {
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(&a[mid], &a[lo]);
        if (a[hi] < a[lo]) swap(&a[hi], &a[lo]);
        if (a[hi] < a[mid]) swap(&a[hi], &a[mid]);
        int pivot = a[mid], i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { swap(&a[i], &a[j]); i++; j--; }
        }
        if (j - lo < hi - i) { qsort_rec(a, lo, j); lo = i; } else { qsort_rec(a, i, hi); hi = j; }
    }
}

EXPORT(quicksort) int quicksort(int n) {
    n = (unsigned)n % (N + 1);
    if (n > 1) qsort_rec(data, 0, n - 1);
    int sorted = 1;
    for (int i = 1; i < n; i++) sorted &= data[i - 1] <= data[i];
    return sorted;
}

EXPORT(checksum) unsigned checksum(int n) {
    n = (unsigned)n % (N + 1);
    unsigned h = 0;
    for (int i = 0; i < n; i++) h = (h ^ (unsigned)data[i]) * 0x01000193u + (unsigned)i;
    return h;
}

static void sift(unsigned long long *a, int start, int end) {
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1;
        if (child + 1 <= end && a[child] < a[child + 1]) child++;
        if (a[root] < a[child]) { unsigned long long t = a[root]; a[root] = a[child]; a[child] = t; root = child; }
        else return;
    }
}

// Heapsort of 64-bit unsigned keys; returns the xor of key*position.
EXPORT(heapsort64) unsigned long long heapsort64(unsigned long long seed, int n) {
    n = (unsigned)n % 2049u;
    for (int i = 0; i < n; i++) { seed = seed * 6364136223846793005ull + 1442695040888963407ull; keys[i] = seed ^ (seed >> 29); }
    for (int s = (n - 2) / 2; s >= 0; s--) sift(keys, s, n - 1);
    for (int e = n - 1; e > 0; e--) { unsigned long long t = keys[0]; keys[0] = keys[e]; keys[e] = t; sift(keys, 0, e - 1); }
    unsigned long long h = 0;
    for (int i = 0; i < n; i++) h ^= keys[i] * (unsigned long long)(i + 1);
    return h;
}

// Raw memory accesses at caller-chosen addresses (traps when out of bounds).
EXPORT(load32) int load32(unsigned addr) { return *(volatile int *)addr; }
EXPORT(load8s) int load8s(unsigned addr) { return *(volatile signed char *)addr; }
EXPORT(load16u) int load16u(unsigned addr) { return *(volatile unsigned short *)addr; }
EXPORT(load64) long long load64(unsigned addr) { return *(volatile long long *)addr; }
EXPORT(loadf64) double loadf64(unsigned addr) { return *(volatile double *)addr; }
EXPORT(store32) void store32(unsigned addr, int v) { *(volatile int *)addr = v; }
EXPORT(store16) void store16(unsigned addr, int v) { *(volatile short *)addr = (short)v; }
EXPORT(store64) void store64(unsigned addr, long long v) { *(volatile long long *)addr = v; }
EXPORT(offset_load) int offset_load(unsigned addr) { return ((volatile int *)addr)[1000]; }
