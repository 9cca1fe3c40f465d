// Differential test program: bit tricks (clz/ctz/popcnt/rotates/bswap), sign extension, select and
// bulk memory (memory.copy / memory.fill / memory.grow / memory.size).
#define EXPORT(name) __attribute__((export_name(#name)))
typedef unsigned long long u64;
typedef unsigned int u32;

EXPORT(clz32) int clz32(u32 x) { return x ? __builtin_clz(x) : 32; }
EXPORT(ctz32) int ctz32(u32 x) { return x ? __builtin_ctz(x) : 32; }
EXPORT(popcnt32) int popcnt32(u32 x) { return __builtin_popcount(x); }
EXPORT(clz64) long long clz64(u64 x) { return x ? __builtin_clzll(x) : 64; }
EXPORT(ctz64) long long ctz64(u64 x) { return x ? __builtin_ctzll(x) : 64; }
EXPORT(popcnt64) long long popcnt64(u64 x) { return __builtin_popcountll(x); }
EXPORT(bswap32) u32 bswap32(u32 x) { return __builtin_bswap32(x); }
EXPORT(bswap64) u64 bswap64(u64 x) { return __builtin_bswap64(x); }
EXPORT(next_pow2) u32 next_pow2(u32 x) { return x <= 1 ? 1 : 1u << (32 - __builtin_clz(x - 1)); }
EXPORT(log2_64) int log2_64(u64 x) { return 63 - __builtin_clzll(x | 1); }
EXPORT(bit_reverse) u32 bit_reverse(u32 x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    return __builtin_bswap32(x);
}
EXPORT(ext8) int ext8(int x) { return (signed char)x; }
EXPORT(ext16) int ext16(int x) { return (short)x; }
EXPORT(ext8_64) long long ext8_64(long long x) { return (signed char)x; }
EXPORT(ext16_64) long long ext16_64(long long x) { return (short)x; }
EXPORT(ext32_64) long long ext32_64(long long x) { return (int)x; }
EXPORT(wrap64) int wrap64(long long x) { return (int)x; }
EXPORT(extu32) u64 extu32(u32 x) { return x; }
EXPORT(sel) int sel(int c, int a, int b) { return c ? a : b; }
EXPORT(abs32) int abs32(int x) { return x < 0 ? -x : x; }
EXPORT(eqz64) int eqz64(u64 x) { return x == 0; }

static unsigned char region[8192];

EXPORT(region_ptr) unsigned char *region_ptr(void) { return region; }

EXPORT(init_region) void init_region(u32 seed) {
    for (int i = 0; i < (int)sizeof region; i++) { seed = seed * 1664525u + 1013904223u; region[i] = (unsigned char)(seed >> 24); }
}

// memmove/memset on caller-chosen absolute addresses: memory.copy and memory.fill, which trap when out of bounds.
EXPORT(copy_abs) void copy_abs(u32 dst, u32 src, u32 n) { __builtin_memmove((void *)dst, (void *)src, n); }
EXPORT(fill_abs) void fill_abs(u32 dst, int v, u32 n) { __builtin_memset((void *)dst, v, n); }

EXPORT(shuffle_region) u32 shuffle_region(u32 a, u32 b) {
    u32 n = sizeof region / 4;
    a %= n; b %= n;
    __builtin_memmove(region + a, region + b, n);   // overlapping both directions
    __builtin_memset(region + (a ^ b) % n, (int)a, b % 97);
    u32 h = 0;
    for (u32 i = 0; i < sizeof region; i++) h = h * 31 + region[i];
    return h;
}

EXPORT(mem_size) int mem_size(void) { return (int)__builtin_wasm_memory_size(0); }
EXPORT(mem_grow) int mem_grow(int pages) { return (int)__builtin_wasm_memory_grow(0, (unsigned)pages & 3); }
