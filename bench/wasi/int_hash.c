/* Integer kernel: table-driven CRC-32, FNV-1a 64 and a multiply-rotate hash (murmur-style mixing) over a
 * pseudo-random buffer, repeated with varying offsets. Arg: number of passes over a 1 MiB buffer. */
#include <stdint.h>
#include <string.h>
#include "bench.h"

#define BUF (1 << 20)
static uint8_t buf[BUF];
static uint32_t crc_table[256];

static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t mix_hash(const uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t h = seed;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t k;
        memcpy(&k, p + i, 4);
        k *= 0xcc9e2d51u;
        k = rotl32(k, 15);
        k *= 0x1b873593u;
        h ^= k;
        h = rotl32(h, 13) * 5 + 0xe6546b64u;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x01000193u;
    h ^= (uint32_t)n;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

int main(int argc, char **argv)
{
    long passes = size_arg(argc, argv, 60);
    kernel_begin();
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    uint32_t x = 2463534242u;
    for (int i = 0; i < BUF; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf[i] = (uint8_t)(x >> 7);
    }
    uint32_t crc_acc = 0, mix_acc = 0;
    uint64_t fnv = 0xcbf29ce484222325ull;
    for (long p = 0; p < passes; p++) {
        size_t off = (size_t)(p * 7919) % 4096, n = BUF - off;
        uint32_t c = 0xFFFFFFFFu;
        for (size_t i = 0; i < n; i++) c = crc_table[(c ^ buf[off + i]) & 0xFF] ^ (c >> 8);
        crc_acc ^= ~c + (uint32_t)p;
        for (size_t i = 0; i < n; i += 3) fnv = (fnv ^ buf[off + i]) * 0x100000001b3ull;
        mix_acc += mix_hash(buf + off, n, (uint32_t)p);
        buf[(p * 104729) % BUF] ^= (uint8_t)c; /* make passes depend on each other */
    }
    printf("int_hash passes=%ld crc=%08x fnv=%016llx mix=%08x\n", passes, crc_acc, (unsigned long long)fnv, mix_acc);
    kernel_end();
    return 0;
}
