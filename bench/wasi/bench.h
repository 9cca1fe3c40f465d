/* Shared by the corpus programs: a kernel timer (CLOCK_MONOTONIC, reported on stderr as "kernel_ms <ms>" so that
 * native, node:wasi and wasql runs all report the in-program time without start-up) and the size argument. */
#ifndef WASQL_BENCH_H
#define WASQL_BENCH_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static struct timespec bench_t0;

static void kernel_begin(void) { clock_gettime(CLOCK_MONOTONIC, &bench_t0); }

static void kernel_end(void)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fflush(stdout);
    fprintf(stderr, "kernel_ms %.3f\n", (double)(t1.tv_sec - bench_t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - bench_t0.tv_nsec) / 1e6);
}

static long size_arg(int argc, char **argv, long dflt) { return argc > 1 ? atol(argv[1]) : dflt; }

#endif
