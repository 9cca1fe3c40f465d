/* Memory kernel: memcpy/memmove-heavy buffer shuffling and sorting (qsort with a total-order comparator, and a
 * bottom-up merge sort that copies runs with memcpy). Arg: number of 32-bit elements. */
#include <stdint.h>
#include <string.h>
#include "bench.h"

typedef struct { uint32_t key; uint32_t payload[3]; } rec;

static int cmp_rec(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->payload[0] < y->payload[0] ? -1 : x->payload[0] > y->payload[0];
}

static void merge_sort(uint32_t *a, uint32_t *tmp, size_t n)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n, i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
            memcpy(tmp + k, a + i, (mid - i) * 4);
            k += mid - i;
            memcpy(tmp + k, a + j, (hi - j) * 4);
        }
        uint32_t *t = a; a = tmp; tmp = t;
        memcpy(tmp, a, n * 4); /* keep the result in both buffers: costs a copy per round, on purpose */
    }
}

int main(int argc, char **argv)
{
    size_t n = (size_t)size_arg(argc, argv, 2000000);
    kernel_begin();
    uint32_t *a = malloc(n * 4), *tmp = malloc(n * 4);
    uint32_t x = 88172645u;
    for (size_t i = 0; i < n; i++) x ^= x << 13, x ^= x >> 17, x ^= x << 5, a[i] = x % (uint32_t)(n * 4);
    /* memmove: slide overlapping windows back and forth */
    uint64_t acc = 0;
    for (int r = 0; r < 64; r++) {
        size_t len = n / 2, shift = 1 + (size_t)r * 37 % 1000;
        memmove(a + shift, a, len * 4);
        memmove(a, a + shift + 3, len * 4);
        acc = acc * 31 + a[(size_t)r * 7777 % n];
    }
    merge_sort(a, tmp, n);
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++) h = h * 1000003 + a[i];
    int sorted = 1;
    for (size_t i = 1; i < n; i++) sorted &= a[i - 1] <= a[i];
    size_t m = n / 4;
    rec *rs = malloc(m * sizeof(rec));
    for (size_t i = 0; i < m; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        rs[i].key = x % 50000, rs[i].payload[0] = (uint32_t)i, rs[i].payload[1] = x, rs[i].payload[2] = ~x;
    }
    qsort(rs, m, sizeof(rec), cmp_rec);
    uint64_t hq = 0;
    for (size_t i = 0; i < m; i++) hq = hq * 1000003 + rs[i].key * 7 + rs[i].payload[0];
    printf("mem_sort n=%zu moved=%016llx merge=%016llx sorted=%d qsort=%016llx\n", n, (unsigned long long)acc,
           (unsigned long long)h, sorted, (unsigned long long)hq);
    free(rs), free(a), free(tmp);
    kernel_end();
    return 0;
}
