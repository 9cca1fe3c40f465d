// Differential test program: float kernels, min/max, rounding, conversions (trapping and saturating), NaN bits.
// Functions named *_bits take and return raw IEEE bit patterns so NaN payloads compare exactly (neg, abs and
// copysign are bitwise operations). Functions named *_nan also work on bit patterns but their NaN results are
// nondeterministic by the spec (any arithmetic NaN, canonical if every NaN input is canonical): the test
// accepts any NaN that obeys those rules in either engine, and compares every non-NaN result exactly.
#define EXPORT(name) __attribute__((export_name(#name)))
typedef unsigned long long u64;
typedef unsigned int u32;

static double d(u64 b) { return __builtin_bit_cast(double, b); }
static u64 db(double x) { return __builtin_bit_cast(u64, x); }
static float f(u32 b) { return __builtin_bit_cast(float, b); }
static u32 fb(float x) { return __builtin_bit_cast(u32, x); }

EXPORT(sqrt64) double sqrt64(double x) { return __builtin_sqrt(x); }
EXPORT(sqrt32) float sqrt32(float x) { return __builtin_sqrtf(x); }
EXPORT(hypot_ish) double hypot_ish(double x, double y) { return __builtin_sqrt(x * x + y * y); }
EXPORT(min64) double min64(double a, double b) { return __builtin_wasm_min_f64(a, b); }
EXPORT(max64) double max64(double a, double b) { return __builtin_wasm_max_f64(a, b); }
EXPORT(min32) float min32(float a, float b) { return __builtin_wasm_min_f32(a, b); }
EXPORT(max32) float max32(float a, float b) { return __builtin_wasm_max_f32(a, b); }
EXPORT(round_all) double round_all(double x) {
    return __builtin_floor(x) * 1000.0 + __builtin_ceil(x) * 100.0 + __builtin_trunc(x) * 10.0 + __builtin_nearbyint(x);
}
EXPORT(nearest32) float nearest32(float x) { return __builtin_nearbyintf(x); }
EXPORT(fdiv) double fdiv(double a, double b) { return a / b; }
EXPORT(fmadd) float fmadd(float a, float b) { return a * b + (a - b); }
EXPORT(copysign64) double copysign64(double a, double b) { return __builtin_copysign(a, b); }
EXPORT(fcmp) int fcmp(double a, double b) {
    return (a < b) | ((a <= b) << 1) | ((a > b) << 2) | ((a >= b) << 3) | ((a == b) << 4) | ((a != b) << 5);
}

// Conversions: saturating (trunc_sat) never trap; trapping ones trap on NaN and out-of-range.
EXPORT(sat_i32_f64) int sat_i32_f64(double x) { return __builtin_wasm_trunc_saturate_s_i32_f64(x); }
EXPORT(sat_u32_f32) unsigned sat_u32_f32(float x) { return __builtin_wasm_trunc_saturate_u_i32_f32(x); }
EXPORT(sat_i64_f64) long long sat_i64_f64(double x) { return __builtin_wasm_trunc_saturate_s_i64_f64(x); }
EXPORT(sat_u64_f64) unsigned long long sat_u64_f64(double x) { return __builtin_wasm_trunc_saturate_u_i64_f64(x); }
EXPORT(trunc_i32_f64) int trunc_i32_f64(double x) { return __builtin_wasm_trunc_s_i32_f64(x); }
EXPORT(trunc_u32_f64) unsigned trunc_u32_f64(double x) { return __builtin_wasm_trunc_u_i32_f64(x); }
EXPORT(trunc_i64_f32) long long trunc_i64_f32(float x) { return __builtin_wasm_trunc_s_i64_f32(x); }
EXPORT(trunc_u64_f64) unsigned long long trunc_u64_f64(double x) { return __builtin_wasm_trunc_u_i64_f64(x); }
EXPORT(i64_to_f32) float i64_to_f32(long long x) { return (float)x; }
EXPORT(u64_to_f32) float u64_to_f32(unsigned long long x) { return (float)x; }
EXPORT(u64_to_f64) double u64_to_f64(unsigned long long x) { return (double)x; }
EXPORT(u32_to_f32) float u32_to_f32(unsigned x) { return (float)x; }
EXPORT(i32_to_f64) double i32_to_f64(int x) { return (double)x; }
EXPORT(demote) float demote(double x) { return (float)x; }

// Bit-pattern variants: NaN payloads and signs are compared exactly.
EXPORT(neg_bits) u64 neg_bits(u64 x) { return db(-d(x)); }
EXPORT(abs_bits) u64 abs_bits(u64 x) { return db(__builtin_fabs(d(x))); }
EXPORT(copysign_bits) u32 copysign_bits(u32 a, u32 b) { return fb(__builtin_copysignf(f(a), f(b))); }
EXPORT(promote_nan) u64 promote_nan(u32 x) { return db((double)f(x)); }
EXPORT(demote_nan) u32 demote_nan(u64 x) { return fb((float)d(x)); }
EXPORT(add_nan) u64 add_nan(u64 a, u64 b) { return db(d(a) + d(b)); }
EXPORT(mul32_nan) u32 mul32_nan(u32 a, u32 b) { return fb(f(a) * f(b)); }
EXPORT(min_nan) u64 min_nan(u64 a, u64 b) { return db(__builtin_wasm_min_f64(d(a), d(b))); }
EXPORT(max32_nan) u32 max32_nan(u32 a, u32 b) { return fb(__builtin_wasm_max_f32(f(a), f(b))); }
EXPORT(sqrt_nan) u64 sqrt_nan(u64 x) { return db(__builtin_sqrt(d(x))); }
EXPORT(floor32_nan) u32 floor32_nan(u32 x) { return fb(__builtin_floorf(f(x))); }
EXPORT(nearest_nan) u64 nearest_nan(u64 x) { return db(__builtin_nearbyint(d(x))); }
EXPORT(sat_bits) long long sat_bits(u64 x) { return __builtin_wasm_trunc_saturate_s_i64_f64(d(x)); }
EXPORT(trunc_bits) int trunc_bits(u32 x) { return __builtin_wasm_trunc_s_i32_f32(f(x)); }

// A small float kernel: n-body-like step over a fixed system, returning an energy checksum.
static double px[5], py[5], vx[5], vy[5], m[5];
EXPORT(nbody) double nbody(int steps) {
    steps = (unsigned)steps % 2000u;
    for (int i = 0; i < 5; i++) { px[i] = i * 1.5 - 3.0; py[i] = (i * 7 % 5) * 0.75; vx[i] = 0.1 * i; vy[i] = -0.05 * i; m[i] = 1.0 + i * 0.25; }
    const double dt = 0.01;
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < 5; i++)
            for (int j = i + 1; j < 5; j++) {
                double dx = px[i] - px[j], dy = py[i] - py[j];
                double d2 = dx * dx + dy * dy + 0.01;
                double mag = dt / (d2 * __builtin_sqrt(d2));
                vx[i] -= dx * m[j] * mag; vy[i] -= dy * m[j] * mag;
                vx[j] += dx * m[i] * mag; vy[j] += dy * m[i] * mag;
            }
        for (int i = 0; i < 5; i++) { px[i] += dt * vx[i]; py[i] += dt * vy[i]; }
    }
    double e = 0;
    for (int i = 0; i < 5; i++) e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i]) + px[i] * 1e-3 + py[i] * 1e-6;
    return e;
}

EXPORT(mandel) int mandel(float cx, float cy) {
    float x = 0, y = 0;
    int i = 0;
    while (i < 500 && x * x + y * y <= 4.0f) { float t = x * x - y * y + cx; y = 2 * x * y + cy; x = t; i++; }
    return i;
}
