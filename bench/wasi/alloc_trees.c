/* Allocator kernel: binary-trees-like (build and check many short-lived perfect trees of malloc'ed nodes next to a
 * long-lived one) plus malloc/realloc/free churn of mixed sizes. Arg: max tree depth. */
#include <stdint.h>
#include <string.h>
#include "bench.h"

typedef struct node { struct node *left, *right; } node;

static node *make(int depth)
{
    node *n = malloc(sizeof(node));
    if (!n) abort();
    if (depth > 0) n->left = make(depth - 1), n->right = make(depth - 1);
    else n->left = n->right = 0;
    return n;
}

static long check(const node *n) { return 1 + (n->left ? check(n->left) + check(n->right) : 0); }

static void release(node *n)
{
    if (n->left) release(n->left), release(n->right);
    free(n);
}

int main(int argc, char **argv)
{
    int max_depth = (int)size_arg(argc, argv, 16);
    kernel_begin();
    node *long_lived = make(max_depth);
    uint64_t sum = 0;
    for (int d = 4; d <= max_depth; d += 2) {
        long iterations = 1L << (max_depth - d + 4), c = 0;
        for (long i = 0; i < iterations; i++) {
            node *t = make(d);
            c += check(t);
            release(t);
        }
        printf("%ld trees of depth %d check %ld\n", iterations, d, c);
        sum += (uint64_t)c;
    }
    /* churn: a ring of live blocks with random sizes, replaced, grown and shrunk */
    enum { SLOTS = 4096 };
    static void *slot[SLOTS];
    static size_t len[SLOTS];
    uint32_t x = 123456789u;
    uint64_t h = 0;
    long rounds = 40000L * max_depth;
    for (long r = 0; r < rounds; r++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        size_t i = x % SLOTS, n = 8 + (x >> 12) % ((x & 7) == 0 ? 16384 : 256);
        if (slot[i] && (x & 0x300) == 0) {
            slot[i] = realloc(slot[i], n);
            if (n > len[i]) memset((char *)slot[i] + len[i], (int)(r & 0xFF), n - len[i]);
        } else {
            if (slot[i]) h = h * 31 + ((unsigned char *)slot[i])[len[i] / 2];
            free(slot[i]);
            slot[i] = malloc(n);
            memset(slot[i], (int)(x & 0xFF), n);
        }
        len[i] = n;
    }
    for (int i = 0; i < SLOTS; i++) free(slot[i]);
    printf("alloc_trees depth=%d long-lived check %ld sum %llu churn %016llx\n", max_depth, check(long_lived),
           (unsigned long long)sum, (unsigned long long)h);
    release(long_lived);
    kernel_end();
    return 0;
}
