/* wasql_udf.h: helpers for Wasql direct-ABI UDFs in C (see sdk/DIRECT_ABI.md). No dependencies.
 * Build: clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry  (freestanding: a built-in allocator is used)
 *    or: clang --target=wasm32-wasi -O2 -mexec-model=reactor  (with wasi-libc: define WASQL_USE_MALLOC).
 * Exactly one translation unit per module must define WASQL_UDF_IMPLEMENTATION before including (the
 * default when the module is one file: it is defined unless WASQL_UDF_NO_IMPLEMENTATION is set). */
#ifndef WASQL_UDF_H
#define WASQL_UDF_H

#include <stdint.h>
#include <stddef.h>

/* Exports a function under NAME: WASQL_EXPORT(gcd) int32_t gcd(int32_t a, int32_t b) { ... } */
#define WASQL_EXPORT(name) __attribute__((export_name(#name), visibility("default")))

/* A text/bytea result: (ptr << 32) | len. */
typedef int64_t wasql_result;
#define WASQL_NULL_RESULT ((wasql_result)-1)

static inline wasql_result wasql_result_of(const void *ptr, int32_t len) {
    return (wasql_result)(((uint64_t)(uint32_t)(uintptr_t)ptr << 32) | (uint32_t)len);
}

/* A bytea value in the natural form of inline LANGUAGE c functions: data = 0 is NULL. */
typedef struct { const uint8_t *data; int32_t len; } wasql_bytes;
static inline wasql_bytes wasql_bytes_of(const void *data, int32_t len) { wasql_bytes b = { (const uint8_t *)data, len }; return b; }

void *wasql_alloc(int32_t len, int32_t align);
void wasql_dealloc(void *ptr, int32_t len, int32_t align);

/* A result buffer of len bytes (freed by the host with dealloc(ptr, len, 1)); NULL (0) when len is 0. */
static inline char *wasql_alloc_result(int32_t len) { return len > 0 ? (char *)wasql_alloc(len, 1) : (char *)0; }

/* Copies bytes into a new result. */
static inline wasql_result wasql_result_copy(const void *src, int32_t len) {
    char *out = wasql_alloc_result(len);
    for (int32_t i = 0; i < len; i++) out[i] = ((const char *)src)[i];
    return wasql_result_of(out, len);
}

#if !defined(WASQL_UDF_NO_IMPLEMENTATION)
#if defined(WASQL_USE_MALLOC)
#include <stdlib.h>
void *wasql_alloc(int32_t len, int32_t align) { return aligned_alloc(align < 16 ? 16 : align, (size_t)((len + 15) & ~15)); }
void wasql_dealloc(void *ptr, int32_t len, int32_t align) { (void)len; (void)align; free(ptr); }
#else
/* Freestanding allocator: a bump arena over memory.grow that resets when every block has been freed. The host
 * frees argument and result blocks after each call, so the arena is empty between rows. */
extern unsigned char __heap_base;
static uintptr_t wasql__top, wasql__limit;
static int32_t wasql__live;
void *wasql_alloc(int32_t len, int32_t align) {
    if (len < 0 || align <= 0 || (align & (align - 1))) return 0;
    if (wasql__top == 0) { wasql__top = (uintptr_t)&__heap_base; wasql__limit = __builtin_wasm_memory_size(0) * 65536u; }
    uintptr_t p = (wasql__top + (uintptr_t)align - 1) & ~((uintptr_t)align - 1);
    uintptr_t end = p + (uintptr_t)len;
    if (end < p) return 0;
    if (end > wasql__limit) {
        uintptr_t pages = (end - wasql__limit + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
        wasql__limit += pages * 65536u;
    }
    wasql__top = end;
    wasql__live++;
    return (void *)p;
}
void wasql_dealloc(void *ptr, int32_t len, int32_t align) {
    (void)ptr; (void)len; (void)align;
    if (--wasql__live <= 0) { wasql__live = 0; wasql__top = (uintptr_t)&__heap_base; }
}
/* Support for the wrapper Wasql generates around natural-form inline C functions (see the header of CWrapper.cs and
 * sdk/DIRECT_ABI.md): arguments copied NUL-terminated, and the result moved to where the call's allocations began. */
typedef struct { uintptr_t top; int32_t live; } wasql__mark;
static wasql__mark wasql__mark_now(void) {
    if (wasql__top == 0) { wasql__top = (uintptr_t)&__heap_base; wasql__limit = __builtin_wasm_memory_size(0) * 65536u; }
    wasql__mark m = { wasql__top, wasql__live };
    return m;
}
static void wasql__release(wasql__mark m) { wasql__top = m.top; wasql__live = m.live; }
static const char *wasql__cstr(int32_t ptr, int32_t len) {
    char *s = (char *)wasql_alloc(len + 1, 1);
    if (!s) __builtin_trap();
    for (int32_t i = 0; i < len; i++) s[i] = ((const char *)(uintptr_t)ptr)[i];
    s[len] = 0;
    return s;
}
static wasql_bytes wasql__bytes_arg(int32_t ptr, int32_t len, int32_t null) {
    static const uint8_t empty[1];
    return null ? wasql_bytes_of(0, 0) : wasql_bytes_of(len ? (const void *)(uintptr_t)ptr : empty, len);
}
/* Moves len bytes from src to the mark (src is above the mark or outside the arena, so a forward copy is safe) and
 * keeps them as the one live block of the call: the host frees it, and the arena is empty again. */
static int64_t wasql__move_result(wasql__mark m, const uint8_t *src, int32_t len) {
    if (len <= 0) { wasql__release(m); return 0; }
    uint8_t *dst = (uint8_t *)m.top;
    if ((uintptr_t)dst + (uintptr_t)len > wasql__limit) {
        wasql__release(m);
        uint8_t *fresh = (uint8_t *)wasql_alloc(len, 1);
        if (!fresh) __builtin_trap();
        for (int32_t i = 0; i < len; i++) fresh[i] = src[i];
        return wasql_result_of(fresh, len);
    }
    for (int32_t i = 0; i < len; i++) dst[i] = src[i];
    wasql__top = (uintptr_t)dst + (uintptr_t)len;
    wasql__live = m.live + 1;
    return wasql_result_of(dst, len);
}
static int64_t wasql__text_result(wasql__mark m, const char *r) {
    if (!r) { wasql__release(m); return WASQL_NULL_RESULT; }
    int32_t len = 0;
    while (r[len]) len++;
    return wasql__move_result(m, (const uint8_t *)r, len);
}
static int64_t wasql__bytes_result(wasql__mark m, wasql_bytes r) {
    if (!r.data) { wasql__release(m); return WASQL_NULL_RESULT; }
    return wasql__move_result(m, r.data, r.len);
}
#endif
/* The allocator exports the host uses. */
__attribute__((export_name("alloc"))) void *wasql__export_alloc(int32_t len, int32_t align) { return wasql_alloc(len, align); }
__attribute__((export_name("dealloc"))) void wasql__export_dealloc(void *ptr, int32_t len, int32_t align) { wasql_dealloc(ptr, len, align); }
#endif

#endif /* WASQL_UDF_H */
