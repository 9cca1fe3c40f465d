// Native harness: the benchmark kernels compiled by gcc -O2, timed with clock_gettime.
//   ./native WARMUPS RUNS kernel:arg ...
// Prints one JSON object per kernel: {"kernel", "arg", "checksum", "runs_ms": [...]}.
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kernels.c"

typedef long long (*kernel_fn)(int);

static const struct { const char *name; kernel_fn fn; } kernels[] = {
    {"gcd_bench", gcd_bench}, {"sort_bench", sort_bench}, {"mandel_bench", mandel_bench},
    {"nbody_bench", nbody_bench}, {"hash_bench", hash_bench}, {"sieve_bench", sieve_bench},
};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s WARMUPS RUNS kernel:arg...\n", argv[0]); return 2; }
    int warmups = atoi(argv[1]), runs = atoi(argv[2]);
    for (int a = 3; a < argc; a++) {
        char name[64];
        const char *colon = strchr(argv[a], ':');
        if (!colon || colon - argv[a] >= (int)sizeof name) { fprintf(stderr, "bad kernel spec %s\n", argv[a]); return 2; }
        memcpy(name, argv[a], colon - argv[a]);
        name[colon - argv[a]] = 0;
        int arg = atoi(colon + 1);
        kernel_fn fn = 0;
        for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++) if (strcmp(kernels[k].name, name) == 0) fn = kernels[k].fn;
        if (!fn) { fprintf(stderr, "unknown kernel %s\n", name); return 2; }
        long long checksum = 0;
        for (int w = 0; w < warmups; w++) checksum = fn(arg);
        printf("{\"kernel\":\"%s\",\"arg\":%d,\"checksum\":\"%lld\",\"runs_ms\":[", name, arg, checksum);
        for (int r = 0; r < runs; r++) {
            double t0 = now_ms();
            long long c = fn(arg);
            double t1 = now_ms();
            if (c != checksum) { fprintf(stderr, "%s: checksum changed between runs\n", name); return 1; }
            printf("%s%.3f", r ? "," : "", t1 - t0);
        }
        printf("]}\n");
        fflush(stdout);
    }
    return 0;
}
