// Allocation-heavy work: many blocks, realloc, free, qsort, a hash table; prints checksums.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 12345;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }
static int cmp(const void *a, const void *b) { uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b; return x < y ? -1 : x > y; }

struct node { struct node *next; uint32_t key; uint32_t count; };

int main(void) {
    enum { N = 20000 };
    char **blocks = calloc(N, sizeof(char *));
    size_t *sizes = calloc(N, sizeof(size_t));
    uint64_t sum = 0;
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < N; i++) {
            size_t sz = 1 + next() % 2000;
            if (blocks[i] && next() % 3 == 0) { free(blocks[i]); blocks[i] = NULL; }
            char *p = realloc(blocks[i], sz);
            if (!p) { printf("out of memory\n"); return 1; }
            memset(p, (int)(sz & 0xff), sz);
            blocks[i] = p;
            sizes[i] = sz;
        }
        for (int i = 0; i < N; i++) sum += (unsigned char)blocks[i][sizes[i] - 1] + sizes[i];
    }
    for (int i = 0; i < N; i++) free(blocks[i]);
    printf("blocks checksum %llu\n", (unsigned long long)sum);

    uint32_t *arr = malloc(200000 * sizeof(uint32_t));
    for (int i = 0; i < 200000; i++) arr[i] = next();
    qsort(arr, 200000, sizeof(uint32_t), cmp);
    int sorted = 1;
    for (int i = 1; i < 200000; i++) if (arr[i - 1] > arr[i]) sorted = 0;
    printf("sorted %d min %u max %u median %u\n", sorted, arr[0], arr[199999], arr[100000]);

    struct node **table = calloc(4096, sizeof(struct node *));
    for (int i = 0; i < 100000; i++) {
        uint32_t k = arr[i] % 50000;
        struct node **slot = &table[k % 4096];
        struct node *n = *slot;
        while (n && n->key != k) n = n->next;
        if (!n) { n = malloc(sizeof *n); n->key = k; n->count = 0; n->next = *slot; *slot = n; }
        n->count++;
    }
    uint64_t distinct = 0, total = 0;
    for (int i = 0; i < 4096; i++)
        for (struct node *n = table[i], *nx; n; n = nx) { nx = n->next; distinct++; total += n->count; free(n); }
    printf("hash distinct %llu total %llu\n", (unsigned long long)distinct, (unsigned long long)total);
    free(table); free(arr); free(blocks); free(sizes);
    return 0;
}
