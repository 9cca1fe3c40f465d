// Differential test program: 64-bit hash mixing (multiplies, rotates, shifts) and byte hashing over memory.
#define EXPORT(name) __attribute__((export_name(#name)))
typedef unsigned long long u64;
typedef unsigned int u32;

static u64 rotl64(u64 x, int r) { return (x << r) | (x >> (64 - r)); }
static u32 rotl32(u32 x, int r) { return (x << r) | (x >> (32 - r)); }

EXPORT(splitmix64) u64 splitmix64(u64 x) {
    u64 z = x + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

EXPORT(fmix32) u32 fmix32(u32 h) {
    h ^= h >> 16; h *= 0x85ebca6b; h ^= h >> 13; h *= 0xc2b2ae35; h ^= h >> 16;
    return h;
}

EXPORT(xxmix) u64 xxmix(u64 acc, u64 input) {
    acc += input * 0xC2B2AE3D27D4EB4Full;
    acc = rotl64(acc, 31);
    acc *= 0x9E3779B185EBCA87ull;
    return acc;
}

// Raw shifts with the count from the caller: wasm masks the count (C would call it UB; the same wasm runs on both sides).
EXPORT(shl64) u64 shl64(u64 a, u64 b) { return a << b; }
EXPORT(shr64) u64 shr64(u64 a, u64 b) { return a >> b; }
EXPORT(sar64) long long sar64(long long a, long long b) { return a >> b; }
EXPORT(shl32) u32 shl32(u32 a, u32 b) { return a << b; }
EXPORT(sar32) int sar32(int a, int b) { return a >> b; }
EXPORT(rotl64v) u64 rotl64v(u64 a, u64 b) { return __builtin_rotateleft64(a, b); }
EXPORT(rotr64v) u64 rotr64v(u64 a, u64 b) { return __builtin_rotateright64(a, b); }
EXPORT(rotl32v) u32 rotl32v(u32 a, u32 b) { return __builtin_rotateleft32(a, b); }
EXPORT(rotr32v) u32 rotr32v(u32 a, u32 b) { return __builtin_rotateright32(a, b); }
EXPORT(cmp64) int cmp64(long long a, long long b) {
    return (a < b) | ((a <= b) << 1) | (((u64)a < (u64)b) << 2) | (((u64)a >= (u64)b) << 3) | ((a == b) << 4);
}

static unsigned char buf[4096];

// Fills buf from a seed, then hashes it with FNV-1a (32-bit) and a 64-bit xxhash-like loop.
EXPORT(fill_buf) void fill_buf(u64 seed) {
    for (int i = 0; i < (int)sizeof buf; i++) { seed = splitmix64(seed); buf[i] = (unsigned char)(seed >> 56); }
}

EXPORT(fnv1a) u32 fnv1a(u32 len) {
    if (len > sizeof buf) len = sizeof buf;
    u32 h = 2166136261u;
    for (u32 i = 0; i < len; i++) { h ^= buf[i]; h *= 16777619u; }
    return h;
}

EXPORT(xxlike) u64 xxlike(u32 len, u64 seed) {
    if (len > sizeof buf) len = sizeof buf;
    u64 acc = seed ^ 0x27D4EB2F165667C5ull;
    u32 i = 0;
    for (; i + 8 <= len; i += 8) {
        u64 w;
        __builtin_memcpy(&w, buf + i, 8);
        acc = xxmix(acc, w);
    }
    for (; i < len; i++) acc = rotl64(acc ^ (buf[i] * 0x165667B19E3779F9ull), 11) * 0x9E3779B185EBCA87ull;
    acc ^= acc >> 33; acc *= 0xC2B2AE3D27D4EB4Full; acc ^= acc >> 29;
    return acc;
}

EXPORT(murmur32) u32 murmur32(u32 len, u32 seed) {
    if (len > sizeof buf) len = sizeof buf;
    u32 h = seed, i = 0;
    for (; i + 4 <= len; i += 4) {
        u32 k = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | ((u32)buf[i + 3] << 24);
        k *= 0xcc9e2d51; k = rotl32(k, 15); k *= 0x1b873593;
        h ^= k; h = rotl32(h, 13); h = h * 5 + 0xe6546b64;
    }
    return fmix32(h ^ len);
}
