// Clocks (realtime plausible, monotonic non-decreasing, sleep not short) and random bytes (non-zero, different).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(clockid_t id) { struct timespec t; clock_gettime(id, &t); return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void) {
    int64_t real = ns(CLOCK_REALTIME);
    printf("realtime plausible %d\n", real > (int64_t)1600000000 * 1000000000 && real < (int64_t)4000000000 * 1000000000);
    printf("time() plausible %d\n", time(NULL) > 1600000000);
    int64_t m1 = ns(CLOCK_MONOTONIC), m2 = ns(CLOCK_MONOTONIC);
    printf("monotonic non-decreasing %d\n", m2 >= m1);
    struct timespec res;
    printf("res ok %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0));
    struct timespec req = {0, 2000000};
    nanosleep(&req, NULL);
    int64_t m3 = ns(CLOCK_MONOTONIC);
    printf("slept at least 1ms %d\n", m3 - m2 >= 1000000);
    usleep(1000);
    printf("usleep returned %d\n", ns(CLOCK_MONOTONIC) >= m3);

    unsigned char a[64], b[64];
    memset(a, 0, sizeof a); memset(b, 0, sizeof b);
    if (getentropy(a, sizeof a) != 0 || getentropy(b, sizeof b) != 0) { printf("getentropy failed\n"); return 1; }
    int nonzero = 0;
    for (size_t i = 0; i < sizeof a; i++) nonzero += a[i] != 0;
    printf("random non-zero %d\n", nonzero > 0);
    printf("random different %d\n", memcmp(a, b, sizeof a) != 0);
    uint32_t r1 = arc4random(), r2 = arc4random(), r3 = arc4random();
    printf("arc4random varies %d\n", !(r1 == r2 && r2 == r3));
    return 0;
}
