/* String kernel: snprintf of mixed records (ints, hex, fixed and exponent floats, strings), then parsing them
 * back with strtol/strtoul/strtod/strchr, plus strlen/strcmp/strstr work. Arg: number of records. */
#include <stdint.h>
#include <string.h>
#include "bench.h"

static const char *const words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};

int main(int argc, char **argv)
{
    long n = size_arg(argc, argv, 300000);
    kernel_begin();
    char line[256], *end;
    uint32_t x = 362436069u;
    uint64_t h = 0;
    double fsum = 0;
    long long isum = 0;
    long found = 0, cmp = 0;
    char prev[256] = "";
    for (long i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        int iv = (int)(x % 2000001) - 1000000;
        double dv = (double)(int32_t)x / 65536.0;
        const char *w = words[x % 8];
        int len = snprintf(line, sizeof line, "%ld,%d,%x,%.4f,%.6e,%s-%05u,%g", i, iv, x, dv, dv * 1e-3, w, x % 100000, dv / 7);
        for (int k = 0; k < len; k++) h = (h ^ (unsigned char)line[k]) * 0x100000001b3ull;
        /* parse it back */
        long id = strtol(line, &end, 10);
        long back = strtol(end + 1, &end, 10);
        unsigned long hex = strtoul(end + 1, &end, 16);
        double d1 = strtod(end + 1, &end);
        double d2 = strtod(end + 1, &end);
        char *dash = strchr(end + 1, '-');
        long tag = dash ? strtol(dash + 1, &end, 10) : -1;
        double d3 = strtod(end + 1, &end);
        isum += id + back + (long)(hex & 0xFFFF) + tag;
        fsum += d1 + d2 * 1000 + d3;
        if (strstr(line, "echo-0")) found++;
        cmp += strcmp(line + strlen(line) / 2, prev) > 0;
        memcpy(prev, line + len / 3, (size_t)(len - len / 3) + 1);
    }
    printf("string_fmt n=%ld hash=%016llx isum=%lld fsum=%.6f found=%ld cmp=%ld\n", n, (unsigned long long)h, isum,
           fsum, found, cmp);
    kernel_end();
    return 0;
}
