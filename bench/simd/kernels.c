// SIMD benchmark kernels. bench/simd/run.sh builds this file twice with clang-14 for wasm32: a scalar build
// (no -msimd128, no vectorizer) and a SIMD build (-msimd128, where the hand-written wasm_simd128.h paths
// below are used). Freestanding: no libc. Every kernel takes a repetition count and returns a 64-bit
// checksum; the integer kernels give the same checksum in both builds, dot_f32 sums in a different order.
#include <stdint.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define EXPORT(name) __attribute__((export_name(#name)))
#define N 16384

static int16_t a16[N], b16[N];
static float af[N], bf[N];
static uint8_t bytes[4 * N], out8[4 * N];
static int ready;

static void init(void) {
    if (ready) return;
    uint32_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u; a16[i] = (int16_t)((int)(x >> 16) % 256 - 128);
        x = x * 1103515245u + 12345u; b16[i] = (int16_t)((int)(x >> 16) % 256 - 128);
        x = x * 1103515245u + 12345u; af[i] = (float)((int)(x >> 16) % 2001 - 1000) / 256.0f;
        x = x * 1103515245u + 12345u; bf[i] = (float)((int)(x >> 16) % 2001 - 1000) / 256.0f;
    }
    for (int i = 0; i < 4 * N; i++) { x = x * 1103515245u + 12345u; bytes[i] = (uint8_t)(x >> 20); }
    ready = 1;
}

// Integer dot product of two int16 arrays (i32x4.dot_i16x8_s).
static int32_t dot_i16(const int16_t *a, const int16_t *b, int n) {
#ifdef __wasm_simd128__
    v128_t acc = wasm_i32x4_splat(0);
    for (int i = 0; i < n; i += 8)
        acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    return wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
           wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
#else
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
#endif
}

EXPORT(dot_i16_bench) long long dot_i16_bench(int reps) {
    init();
    long long sum = 0;
    for (int r = 0; r < reps; r++) sum += dot_i16(a16, b16, N - (r & 7) * 8);
    return sum;
}

// Float dot product (f32x4.mul + f32x4.add, four lanes of partial sums).
static float dot_f32(const float *a, const float *b, int n) {
#ifdef __wasm_simd128__
    v128_t acc0 = wasm_f32x4_splat(0), acc1 = wasm_f32x4_splat(0);
    for (int i = 0; i < n; i += 8) {
        acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
        acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
    }
    v128_t acc = wasm_f32x4_add(acc0, acc1);
    return wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
           wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
#else
    float s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
#endif
}

EXPORT(dot_f32_bench) long long dot_f32_bench(int reps) {
    init();
    long long sum = 0;
    for (int r = 0; r < reps; r++) sum += (long long)(dot_f32(af, bf, N - (r & 7) * 8) * 16.0f);
    return sum;
}

// Histogram of the high nibble of every byte (16 bins): per bin, an i8x16.eq mask subtracted from a
// byte counter, flushed to 32-bit counts with extadd_pairwise before the counters can wrap.
static void hist16(const uint8_t *p, int n, uint32_t *hist) {
#ifdef __wasm_simd128__
    for (int i = 0; i < n;) {
        v128_t c[16];
        for (int b = 0; b < 16; b++) c[b] = wasm_i8x16_splat(0);
        int end = i + 255 * 16 < n ? i + 255 * 16 : n;
        for (; i < end; i += 16) {
            v128_t hi = wasm_u8x16_shr(wasm_v128_load(p + i), 4);
            for (int b = 0; b < 16; b++) c[b] = wasm_i8x16_sub(c[b], wasm_i8x16_eq(hi, wasm_i8x16_splat(b)));
        }
        for (int b = 0; b < 16; b++) {
            v128_t w = wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(c[b]));
            hist[b] += wasm_i32x4_extract_lane(w, 0) + wasm_i32x4_extract_lane(w, 1) +
                       wasm_i32x4_extract_lane(w, 2) + wasm_i32x4_extract_lane(w, 3);
        }
    }
#else
    for (int i = 0; i < n; i++) hist[p[i] >> 4]++;
#endif
}

EXPORT(hist16_bench) long long hist16_bench(int reps) {
    init();
    long long sum = 0;
    for (int r = 0; r < reps; r++) {
        uint32_t hist[16] = {0};
        hist16(bytes, 4 * N - (r & 7) * 16, hist);
        for (int b = 0; b < 16; b++) sum += (long long)hist[b] * (b + 1);
    }
    return sum;
}

// Brighten 8-bit pixels with saturation (u8x16.add_sat), then sum them (extadd_pairwise).
static uint32_t brighten(const uint8_t *p, uint8_t *o, int n, uint8_t k) {
#ifdef __wasm_simd128__
    v128_t kk = wasm_i8x16_splat((int8_t)k), sum = wasm_i32x4_splat(0);
    for (int i = 0; i < n; i += 16) {
        v128_t v = wasm_u8x16_add_sat(wasm_v128_load(p + i), kk);
        wasm_v128_store(o + i, v);
        sum = wasm_i32x4_add(sum, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(v)));
    }
    return wasm_i32x4_extract_lane(sum, 0) + wasm_i32x4_extract_lane(sum, 1) +
           wasm_i32x4_extract_lane(sum, 2) + wasm_i32x4_extract_lane(sum, 3);
#else
    uint32_t s = 0;
    for (int i = 0; i < n; i++) {
        unsigned v = p[i] + k;
        o[i] = (uint8_t)(v > 255 ? 255 : v);
        s += o[i];
    }
    return s;
#endif
}

EXPORT(brighten_bench) long long brighten_bench(int reps) {
    init();
    long long sum = 0;
    for (int r = 0; r < reps; r++) sum += brighten(bytes, out8, 4 * N, (uint8_t)(r & 63));
    return sum + out8[7];
}
