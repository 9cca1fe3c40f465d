// Direct-ABI test guest in C (freestanding). Built by the tests with sdk/c/wasql_udf.h.
#include "wasql_udf.h"

WASQL_EXPORT(gcd) int32_t gcd(int32_t a, int32_t b) { while (b) { int32_t t = a % b; a = b; b = t; } return a; }
WASQL_EXPORT(gcd64) int64_t gcd64(int64_t a, int64_t b) { while (b) { int64_t t = a % b; a = b; b = t; } return a; }
WASQL_EXPORT(hyp) double hyp(double a, float b) { return a * a + (double)b * b; }
WASQL_EXPORT(neg2) int32_t neg2(int32_t x) { return (int16_t)(-x); }
WASQL_EXPORT(is_even) int32_t is_even(int32_t x) { return (x & 1) == 0; }
WASQL_EXPORT(upper) wasql_result upper(const char *s, int32_t len) {
    char *out = wasql_alloc_result(len);
    for (int32_t i = 0; i < len; i++) out[i] = (s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i];
    return wasql_result_of(out, len);
}
// repeat(text, int4) -> text; NULL result when n < 0
WASQL_EXPORT(repeat) wasql_result repeat(const char *s, int32_t len, int32_t n) {
    if (n < 0) return WASQL_NULL_RESULT;
    char *out = wasql_alloc_result(len * n);
    for (int32_t k = 0; k < n; k++) for (int32_t i = 0; i < len; i++) out[k * len + i] = s[i];
    return wasql_result_of(out, len * n);
}
// xor_bytes(bytea, bytea) -> bytea
WASQL_EXPORT(xor_bytes) wasql_result xor_bytes(const uint8_t *a, int32_t al, const uint8_t *b, int32_t bl) {
    int32_t n = al < bl ? al : bl;
    char *out = wasql_alloc_result(n);
    for (int32_t i = 0; i < n; i++) out[i] = (char)(a[i] ^ b[i]);
    return wasql_result_of(out, n);
}
WASQL_EXPORT(divide) int32_t divide(int32_t a, int32_t b) { return a / b; }
WASQL_EXPORT(spin) int32_t spin(int32_t x) { volatile int32_t i = 0; for (;;) { i += x; } return i; }
WASQL_EXPORT(hog) int32_t hog(int32_t mb) {
    for (int32_t i = 0; i < mb; i++) if (!wasql_alloc(1 << 20, 1)) __builtin_trap();
    return mb;
}
static int32_t counter;
WASQL_EXPORT(bump) int32_t bump(int32_t x) { counter += x; return counter; }
