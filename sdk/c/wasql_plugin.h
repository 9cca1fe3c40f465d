/* wasql_plugin.h: a C SDK for Wasql query plugins (sdk/PLUGIN_ABI.md, version 1). Needs wasi-libc (malloc).
 * Build: clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-all plugin.c -o plugin.wasm
 * Exactly one translation unit per module gets the implementation: it is included unless
 * WASQL_PLUGIN_NO_IMPLEMENTATION is defined before including. That unit should also use WASQL_PLUGIN() once.
 *
 *   #include "wasql_plugin.h"
 *   WASQL_PLUGIN();
 *   WASQL_HOOK(on_query) int32_t on_query(wasql_ctx ctx) {
 *       if (wasql_kind_is(ctx, "DROP TABLE")) return wasql_deny_msg(ctx, "42501", "no DROP TABLE here");
 *       return WASQL_CONTINUE;
 *   }
 *
 * Conventions: functions returning int32_t give a host status (WASQL_OK...) or, when the SDK itself failed, a
 * negative WASQL_E_* code. Strings the SDK returns are malloc'd, NUL-terminated, and the caller frees them.
 * Instances are reused between statements, so free what you allocate and keep no state in globals. */
#ifndef WASQL_PLUGIN_H
#define WASQL_PLUGIN_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Exports ------------------------------------------------------------------------------------------------ */

/* The ABI version marker, once per module: WASQL_PLUGIN(); */
#define WASQL_PLUGIN() \
    __attribute__((export_name("wasql_plugin_abi_v1"), visibility("default"))) void wasql__plugin_abi_v1(void) {} \
    typedef int wasql__plugin_marker_defined
/* Exports a hook: WASQL_HOOK(on_query) int32_t on_query(wasql_ctx ctx) { ... } (also on_result). */
#define WASQL_HOOK(name) __attribute__((export_name(#name), visibility("default")))

typedef int32_t wasql_ctx;

/* Hook return values. */
#define WASQL_CONTINUE 0
#define WASQL_DENY 1

/* Host statuses. */
#define WASQL_OK 0
#define WASQL_NOT_FOUND 1
#define WASQL_BAD_ARGUMENT 2
#define WASQL_BUFFER_TOO_SMALL 3
#define WASQL_BAD_HANDLE 4
#define WASQL_CAS_MISMATCH 5
#define WASQL_NOT_ALLOWED 6
#define WASQL_LIMIT 7
/* SDK errors (never returned by the host). */
#define WASQL_E_NOMEM (-1)       /* malloc failed */
#define WASQL_E_MALFORMED (-2)   /* Arrow data that does not parse or is out of bounds */
#define WASQL_E_UNSUPPORTED (-3) /* Arrow data this SDK does not read (type, compression, several batches) */

/* wasql_log levels. */
#define WASQL_LOG_DEBUG 0
#define WASQL_LOG_INFO 1
#define WASQL_LOG_WARNING 2
#define WASQL_LOG_ERROR 3
#define WASQL_LOG_NOTICE 4

/* Key/value store scopes. */
#define WASQL_SCOPE_PLUGIN 0
#define WASQL_SCOPE_GLOBAL 1

/* ---- Host imports (the raw ABI; lengths are byte counts, strings are not NUL-terminated) -------------------- */

#define WASQL__IMPORT(name) __attribute__((import_module("wasql"), import_name(#name)))
WASQL__IMPORT(wasql_get) int32_t wasql_get(wasql_ctx ctx, const char *key, int32_t key_len, void *buf, int32_t buf_cap, uint32_t *out_len);
WASQL__IMPORT(wasql_deny) int32_t wasql_deny(wasql_ctx ctx, const char *sqlstate, int32_t sqlstate_len, const char *msg, int32_t msg_len);
WASQL__IMPORT(wasql_set_query) int32_t wasql_set_query(wasql_ctx ctx, const char *query, int32_t len);
WASQL__IMPORT(wasql_log) int32_t wasql_log(wasql_ctx ctx, int32_t level, const char *text, int32_t len);
WASQL__IMPORT(wasql_result_get_column) int32_t wasql_result_get_column(wasql_ctx ctx, int32_t index, void *buf, int32_t buf_cap, uint32_t *out_len);
WASQL__IMPORT(wasql_result_set_column) int32_t wasql_result_set_column(wasql_ctx ctx, int32_t index, const void *ipc, int32_t len);
WASQL__IMPORT(wasql_kv_get) int32_t wasql_kv_get(wasql_ctx ctx, int32_t scope, const void *key, int32_t key_len, void *buf, int32_t buf_cap, uint32_t *out_len);
WASQL__IMPORT(wasql_kv_set) int32_t wasql_kv_set(wasql_ctx ctx, int32_t scope, const void *key, int32_t key_len, const void *val, int32_t val_len, int64_t ttl_ms);
WASQL__IMPORT(wasql_kv_delete) int32_t wasql_kv_delete(wasql_ctx ctx, int32_t scope, const void *key, int32_t key_len);
WASQL__IMPORT(wasql_kv_cas) int32_t wasql_kv_cas(wasql_ctx ctx, int32_t scope, const void *key, int32_t key_len, const void *expected, int32_t expected_len, const void *val, int32_t val_len, int64_t ttl_ms);
WASQL__IMPORT(wasql_kv_incr) int32_t wasql_kv_incr(wasql_ctx ctx, int32_t scope, const void *key, int32_t key_len, int64_t delta, int64_t ttl_ms, int64_t *out_value);
#undef WASQL__IMPORT

/* ---- Statement properties ----------------------------------------------------------------------------------- */

/* Reads property KEY (see PLUGIN_ABI.md: "query", "kind", "config.<key>", "result.columns"...) into a new buffer
 * (*out, NUL-terminated, *out_len bytes without the NUL). Returns WASQL_OK, WASQL_NOT_FOUND (*out = NULL)... */
int32_t wasql_property(wasql_ctx ctx, const char *key, char **out, size_t *out_len);
/* The property as a new string, or NULL when absent (or on any error). */
char *wasql_property_str(wasql_ctx ctx, const char *key);
/* "column_origins": where each result column comes from, one "table.column\n" line per result column (an empty
 * line for a computed column); "columns_read": one "table.column\n" line per column reference the statement reads.
 * Both as new strings (NULL on error); iterate with wasql_next_item(&cur, '\n', &len): an empty item is a computed column. */
char *wasql_column_origins(wasql_ctx ctx);
char *wasql_columns_read(wasql_ctx ctx);
/* 1 when the statement's kind equals KIND (ignoring case), e.g. wasql_kind_is(ctx, "UPDATE"). */
int wasql_kind_is(wasql_ctx ctx, const char *kind);
/* Configuration value KEY as a new string; a copy of DEFAULT_VALUE (or NULL when that is NULL) when absent. */
char *wasql_config_str(wasql_ctx ctx, const char *key, const char *default_value);
/* Configuration value KEY as an integer; DEFAULT_VALUE when absent or not a decimal integer. */
int64_t wasql_config_int(wasql_ctx ctx, const char *key, int64_t default_value);
/* Configuration value KEY as a boolean (true/false, on/off, yes/no, 1/0); DEFAULT_VALUE when absent or other. */
int wasql_config_bool(wasql_ctx ctx, const char *key, int default_value);
/* Iterates over the SEP-separated items of a string (an empty string has none, a trailing SEP adds none):
 *   const char *cur = text, *item; size_t len;
 *   while ((item = wasql_next_item(&cur, '\n', &len))) ...   (items are not NUL-terminated) */
const char *wasql_next_item(const char **cursor, char sep, size_t *len);

/* ---- Acting on the statement -------------------------------------------------------------------------------- */

/* Sets the error for DENY and returns WASQL_DENY, so `return wasql_deny_msg(ctx, "42501", "...");` works.
 * SQLSTATE is 5 characters, or NULL for the default (42501). */
int32_t wasql_deny_msg(wasql_ctx ctx, const char *sqlstate, const char *message);
/* Like wasql_deny_msg with a printf-style message. */
int32_t wasql_denyf(wasql_ctx ctx, const char *sqlstate, const char *format, ...) __attribute__((format(printf, 3, 4)));
/* Replaces the statement text (on_query only). */
int32_t wasql_set_query_str(wasql_ctx ctx, const char *query);
/* Writes a log line; LEVEL is WASQL_LOG_*. */
int32_t wasql_log_str(wasql_ctx ctx, int32_t level, const char *text);
int32_t wasql_logf(wasql_ctx ctx, int32_t level, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* ---- Shared key/value store --------------------------------------------------------------------------------- */

/* Reads a key's value (bytes) into a new buffer (NUL-terminated for convenience). WASQL_NOT_FOUND when absent. */
int32_t wasql_kv_get_alloc(wasql_ctx ctx, int32_t scope, const void *key, size_t key_len, char **out, size_t *out_len);
/* A key's value as a new string, or NULL when absent (or on any error). */
char *wasql_kv_get_str(wasql_ctx ctx, int32_t scope, const char *key);
int32_t wasql_kv_set_str(wasql_ctx ctx, int32_t scope, const char *key, const char *value, int64_t ttl_ms);
int32_t wasql_kv_delete_str(wasql_ctx ctx, int32_t scope, const char *key);
/* Stores VALUE only if the current value is EXPECTED (NULL: only if the key is absent); else WASQL_CAS_MISMATCH. */
int32_t wasql_kv_cas_str(wasql_ctx ctx, int32_t scope, const char *key, const char *expected, const char *value, int64_t ttl_ms);
/* Adds DELTA to the key's decimal value (absent = 0; TTL_MS applies when the key is created); the new value in
 * *out_value (may be NULL). */
int32_t wasql_kv_incr_str(wasql_ctx ctx, int32_t scope, const char *key, int64_t delta, int64_t ttl_ms, int64_t *out_value);

/* ---- Arrow columns (on_result) ------------------------------------------------------------------------------ */

/* Column types, numbered like Arrow's Type union. */
#define WASQL_ARROW_NULL 1
#define WASQL_ARROW_INT 2    /* bit_width 8/16/32/64, is_signed; the host writes int64 */
#define WASQL_ARROW_FLOAT 3  /* bit_width 32/64; the host writes float64 */
#define WASQL_ARROW_BINARY 4 /* also large_binary (large = 1) */
#define WASQL_ARROW_UTF8 5   /* also large_utf8 (large = 1) */
#define WASQL_ARROW_BOOL 6

/* One decoded column. Pointers point into the IPC bytes (kept alive by the caller, or owned when filled by
 * wasql_result_column). */
typedef struct wasql_arrow_column {
    int32_t type;       /* WASQL_ARROW_* */
    int32_t bit_width;  /* INT: 8..64, FLOAT: 32/64, BOOL: 1 */
    int32_t is_signed;  /* INT */
    int32_t large;      /* BINARY/UTF8 with 64-bit offsets */
    const char *name;   /* the field name, name_len bytes, not NUL-terminated */
    size_t name_len;
    int64_t length;     /* rows */
    int64_t null_count;
    const uint8_t *validity; /* bitmap, NULL when there are no nulls */
    const uint8_t *offsets;  /* BINARY/UTF8: (length + 1) int32 (int64 when large) */
    const uint8_t *values;   /* fixed-width values, bits for BOOL, or the bytes of BINARY/UTF8 */
    size_t values_len;
    void *owned;             /* freed by wasql_arrow_column_free */
} wasql_arrow_column;

/* Decodes field FIELD_INDEX (0 for a one-column stream) of an Arrow IPC stream (or file) with at most one record
 * batch (none = 0 rows). Checks every offset and length; COL points into IPC afterwards. Types: null, int8-64,
 * uint8-64, float32/64, bool, utf8, binary, large_utf8, large_binary. Dictionary-encoded or nested fields,
 * compression, big-endian data and several batches give WASQL_E_UNSUPPORTED; FIELD_INDEX past the last field
 * WASQL_BAD_ARGUMENT; anything that does not parse WASQL_E_MALFORMED. */
int32_t wasql_arrow_decode(const void *ipc, size_t len, int32_t field_index, wasql_arrow_column *col);
/* Fetches result column INDEX from the host and decodes it (col->owned holds the bytes). WASQL_NOT_FOUND when
 * the statement has no row set. Free with wasql_arrow_column_free. */
int32_t wasql_result_column(wasql_ctx ctx, int32_t index, wasql_arrow_column *col);
void wasql_arrow_column_free(wasql_arrow_column *col);
/* The raw IPC bytes of result column INDEX (-1: every column) in a new buffer. */
int32_t wasql_result_get_column_alloc(wasql_ctx ctx, int32_t index, uint8_t **out, size_t *out_len);

/* Accessors; ROW outside [0, length) counts as NULL. */
int wasql_arrow_is_null(const wasql_arrow_column *col, int64_t row);
/* INT and BOOL values (FLOAT truncated); 0 for NULL or other types. */
int64_t wasql_arrow_int64(const wasql_arrow_column *col, int64_t row);
/* FLOAT values (INT converted); 0 for NULL or other types. */
double wasql_arrow_float64(const wasql_arrow_column *col, int64_t row);
/* UTF8/BINARY values: a pointer to LEN bytes (not NUL-terminated); NULL for NULL or other types. */
const char *wasql_arrow_utf8(const wasql_arrow_column *col, int64_t row, size_t *len);
/* Any value as new NUL-terminated text, like SQLite's CAST(x AS TEXT) (binary bytes as they are); NULL for NULL. */
char *wasql_arrow_text(const wasql_arrow_column *col, int64_t row, size_t *len);

/* Builds a one-column Arrow IPC stream (schema, one record batch, end-of-stream; 8-byte aligned) of type
 * WASQL_ARROW_UTF8, WASQL_ARROW_BINARY, WASQL_ARROW_INT (int64) or WASQL_ARROW_FLOAT (float64). */
typedef struct wasql_arrow_builder {
    int32_t type;
    int32_t error;       /* first error (WASQL_E_NOMEM) or 0 */
    int64_t length, null_count;
    uint8_t *validity;   /* one bit per row, 1 = valid */
    size_t validity_cap;
    uint8_t *values;     /* fixed-width values or string bytes */
    size_t values_len, values_cap;
    int32_t *offsets;    /* UTF8/BINARY: length + 1 entries */
    size_t offsets_cap;
} wasql_arrow_builder;

void wasql_arrow_builder_init(wasql_arrow_builder *b, int32_t type);
/* Appends return 0 or a negative WASQL_E_* (also kept in b->error; later appends then do nothing). */
int32_t wasql_arrow_append_null(wasql_arrow_builder *b);
int32_t wasql_arrow_append_utf8(wasql_arrow_builder *b, const char *s, size_t len); /* UTF8 or BINARY */
int32_t wasql_arrow_append_int64(wasql_arrow_builder *b, int64_t v);
int32_t wasql_arrow_append_float64(wasql_arrow_builder *b, double v);
/* Writes the stream (field NAME, may be NULL) into a new buffer. The builder stays usable (free it after). */
int32_t wasql_arrow_finish(const wasql_arrow_builder *b, const char *name, uint8_t **out, size_t *out_len);
void wasql_arrow_builder_free(wasql_arrow_builder *b);
/* Finishes B and replaces result column INDEX with it (the name stays the host's). Does not free B. */
int32_t wasql_result_set_builder(wasql_ctx ctx, int32_t index, const wasql_arrow_builder *b);

#ifdef __cplusplus
}
#endif

/* ============================================================================================================ */
#if !defined(WASQL_PLUGIN_NO_IMPLEMENTATION)
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdarg.h>

/* ---- Buffer protocol ---- */

enum { WASQL__GET, WASQL__KV_GET, WASQL__COLUMN };

static int32_t wasql__call(int which, wasql_ctx ctx, int32_t arg, const void *key, size_t key_len, void *buf, uint32_t cap, uint32_t *out_len) {
    switch (which) {
    case WASQL__GET: return wasql_get(ctx, (const char *)key, (int32_t)key_len, buf, (int32_t)cap, out_len);
    case WASQL__KV_GET: return wasql_kv_get(ctx, arg, key, (int32_t)key_len, buf, (int32_t)cap, out_len);
    default: return wasql_result_get_column(ctx, arg, buf, (int32_t)cap, out_len);
    }
}

/* Calls a buffer-protocol function with a growing malloc'd buffer; the result gets a NUL after it. */
static int32_t wasql__fetch(int which, wasql_ctx ctx, int32_t arg, const void *key, size_t key_len, uint32_t first_cap, char **out, size_t *out_len) {
    *out = NULL;
    if (out_len) *out_len = 0;
    if (key_len > INT32_MAX) return WASQL_BAD_ARGUMENT;
    uint32_t cap = first_cap, len = 0;
    char *buf = NULL;
    for (int attempt = 0; attempt < 4; attempt++) {
        char *nb = (char *)realloc(buf, (size_t)cap + 1);
        if (!nb) { free(buf); return WASQL_E_NOMEM; }
        buf = nb;
        int32_t st = wasql__call(which, ctx, arg, key, key_len, buf, cap, &len);
        if (st == WASQL_BUFFER_TOO_SMALL && len > cap) {
            if (len == UINT32_MAX) { free(buf); return WASQL_E_NOMEM; }
            cap = len;
            continue;
        }
        if (st != WASQL_OK) { free(buf); return st; }
        buf[len] = 0;
        *out = buf;
        if (out_len) *out_len = len;
        return WASQL_OK;
    }
    free(buf);
    return WASQL_BUFFER_TOO_SMALL;
}

/* ---- Properties ---- */

int32_t wasql_property(wasql_ctx ctx, const char *key, char **out, size_t *out_len) {
    return wasql__fetch(WASQL__GET, ctx, 0, key, strlen(key), 255, out, out_len);
}

char *wasql_property_str(wasql_ctx ctx, const char *key) {
    char *s;
    return wasql_property(ctx, key, &s, NULL) == WASQL_OK ? s : NULL;
}

static int wasql__lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int wasql__ieq(const char *a, size_t alen, const char *b) {
    size_t i = 0;
    for (; i < alen && b[i]; i++) if (wasql__lower((unsigned char)a[i]) != wasql__lower((unsigned char)b[i])) return 0;
    return i == alen && b[i] == 0;
}

char *wasql_column_origins(wasql_ctx ctx) { return wasql_property_str(ctx, "column_origins"); }
char *wasql_columns_read(wasql_ctx ctx) { return wasql_property_str(ctx, "columns_read"); }

int wasql_kind_is(wasql_ctx ctx, const char *kind) {
    char buf[64];
    uint32_t len = 0;
    if (wasql_get(ctx, "kind", 4, buf, sizeof buf, &len) != WASQL_OK) return 0;
    return wasql__ieq(buf, len, kind);
}

static char *wasql__config_raw(wasql_ctx ctx, const char *key) {
    size_t klen = strlen(key);
    char *full = (char *)malloc(klen + 8);
    if (!full) return NULL;
    memcpy(full, "config.", 7);
    memcpy(full + 7, key, klen + 1);
    char *v = wasql_property_str(ctx, full);
    free(full);
    return v;
}

char *wasql_config_str(wasql_ctx ctx, const char *key, const char *default_value) {
    char *v = wasql__config_raw(ctx, key);
    if (v || !default_value) return v;
    size_t n = strlen(default_value) + 1;
    v = (char *)malloc(n);
    if (v) memcpy(v, default_value, n);
    return v;
}

static int wasql__parse_i64(const char *s, int64_t *out) {
    while (*s == ' ' || *s == '\t') s++;
    int neg = 0;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    if (*s < '0' || *s > '9') return 0;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_C(9223372036854775808) - (uint64_t)(*s - '0')) / 10) return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    while (*s == ' ' || *s == '\t') s++;
    if (*s || (!neg && v > (uint64_t)INT64_MAX)) return 0;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

int64_t wasql_config_int(wasql_ctx ctx, const char *key, int64_t default_value) {
    char *v = wasql__config_raw(ctx, key);
    int64_t r = default_value;
    if (v && !wasql__parse_i64(v, &r)) r = default_value;
    free(v);
    return r;
}

int wasql_config_bool(wasql_ctx ctx, const char *key, int default_value) {
    char *v = wasql__config_raw(ctx, key);
    int r = default_value;
    if (v) {
        size_t n = strlen(v);
        if (wasql__ieq(v, n, "true") || wasql__ieq(v, n, "on") || wasql__ieq(v, n, "yes") || wasql__ieq(v, n, "1")) r = 1;
        else if (wasql__ieq(v, n, "false") || wasql__ieq(v, n, "off") || wasql__ieq(v, n, "no") || wasql__ieq(v, n, "0")) r = 0;
        free(v);
    }
    return r;
}

const char *wasql_next_item(const char **cursor, char sep, size_t *len) {
    const char *s = *cursor;
    if (!s || !*s) { *cursor = NULL; return NULL; }
    const char *e = s;
    while (*e && *e != sep) e++;
    *len = (size_t)(e - s);
    *cursor = *e ? e + 1 : NULL; /* a trailing separator ends the list */
    return s;
}

/* ---- Acting ---- */

int32_t wasql_deny_msg(wasql_ctx ctx, const char *sqlstate, const char *message) {
    if (!message) message = "";
    wasql_deny(ctx, sqlstate ? sqlstate : "", sqlstate ? (int32_t)strlen(sqlstate) : 0, message, (int32_t)strlen(message));
    return WASQL_DENY;
}

static char *wasql__vformat(const char *format, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, format, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *s = (char *)malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, format, ap);
    return s;
}

int32_t wasql_denyf(wasql_ctx ctx, const char *sqlstate, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    char *msg = wasql__vformat(format, ap);
    va_end(ap);
    wasql_deny_msg(ctx, sqlstate, msg ? msg : format);
    free(msg);
    return WASQL_DENY;
}

int32_t wasql_set_query_str(wasql_ctx ctx, const char *query) {
    return wasql_set_query(ctx, query, (int32_t)strlen(query));
}

int32_t wasql_log_str(wasql_ctx ctx, int32_t level, const char *text) {
    return wasql_log(ctx, level, text, (int32_t)strlen(text));
}

int32_t wasql_logf(wasql_ctx ctx, int32_t level, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    char *msg = wasql__vformat(format, ap);
    va_end(ap);
    if (!msg) return WASQL_E_NOMEM;
    int32_t st = wasql_log_str(ctx, level, msg);
    free(msg);
    return st;
}

/* ---- Key/value store ---- */

int32_t wasql_kv_get_alloc(wasql_ctx ctx, int32_t scope, const void *key, size_t key_len, char **out, size_t *out_len) {
    return wasql__fetch(WASQL__KV_GET, ctx, scope, key, key_len, 63, out, out_len);
}

char *wasql_kv_get_str(wasql_ctx ctx, int32_t scope, const char *key) {
    char *s;
    return wasql_kv_get_alloc(ctx, scope, key, strlen(key), &s, NULL) == WASQL_OK ? s : NULL;
}

int32_t wasql_kv_set_str(wasql_ctx ctx, int32_t scope, const char *key, const char *value, int64_t ttl_ms) {
    return wasql_kv_set(ctx, scope, key, (int32_t)strlen(key), value, (int32_t)strlen(value), ttl_ms);
}

int32_t wasql_kv_delete_str(wasql_ctx ctx, int32_t scope, const char *key) {
    return wasql_kv_delete(ctx, scope, key, (int32_t)strlen(key));
}

int32_t wasql_kv_cas_str(wasql_ctx ctx, int32_t scope, const char *key, const char *expected, const char *value, int64_t ttl_ms) {
    return wasql_kv_cas(ctx, scope, key, (int32_t)strlen(key), expected ? expected : "", expected ? (int32_t)strlen(expected) : -1,
                        value, (int32_t)strlen(value), ttl_ms);
}

int32_t wasql_kv_incr_str(wasql_ctx ctx, int32_t scope, const char *key, int64_t delta, int64_t ttl_ms, int64_t *out_value) {
    int64_t v = 0;
    int32_t st = wasql_kv_incr(ctx, scope, key, (int32_t)strlen(key), delta, ttl_ms, &v);
    if (out_value) *out_value = v;
    return st;
}

/* ---- Arrow: reading flatbuffers ----
 * A flatbuffer starts with a u32 offset to the root table. A table starts with an i32: the table's position minus
 * its vtable's. A vtable is u16 vtable size, u16 table size, then one u16 per field: the field's offset in the
 * table, 0 when absent. Reference fields hold a u32 offset from the field's own position. */

typedef struct { const uint8_t *p; size_t n; int bad; } wasql__fb;

static uint32_t wasql__rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t wasql__rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static int64_t wasql__rd64(const uint8_t *p) { return (int64_t)((uint64_t)wasql__rd32(p) | (uint64_t)wasql__rd32(p + 4) << 32); }

static int wasql__fb_has(wasql__fb *f, size_t pos, size_t len) {
    if (pos > f->n || len > f->n - pos) { f->bad = 1; return 0; }
    return 1;
}

/* The table referenced by the u32 at REF; 0 when malformed (0 is never a table's position). */
static size_t wasql__fb_table_at(wasql__fb *f, size_t ref) {
    if (!wasql__fb_has(f, ref, 4)) return 0;
    size_t t = ref + wasql__rd32(f->p + ref);
    if (t < ref || !wasql__fb_has(f, t, 4)) { f->bad = 1; return 0; }
    int64_t vt = (int64_t)t - (int32_t)wasql__rd32(f->p + t);
    if (vt < 0 || !wasql__fb_has(f, (size_t)vt, 4)) { f->bad = 1; return 0; }
    uint16_t vsize = wasql__rd16(f->p + vt), tsize = wasql__rd16(f->p + vt + 2);
    if (vsize < 4 || (vsize & 1) || !wasql__fb_has(f, (size_t)vt, vsize) || tsize < 4 || !wasql__fb_has(f, t, tsize)) { f->bad = 1; return 0; }
    return t;
}

/* Position of field I of table T with SIZE bytes, or 0 when the field is absent. */
static size_t wasql__fb_field(wasql__fb *f, size_t t, int i, size_t size) {
    if (!t) return 0;
    size_t vt = (size_t)((int64_t)t - (int32_t)wasql__rd32(f->p + t));
    uint16_t vsize = wasql__rd16(f->p + vt), tsize = wasql__rd16(f->p + vt + 2);
    size_t slot = 4 + 2 * (size_t)i;
    if (slot + 2 > vsize) return 0;
    uint16_t off = wasql__rd16(f->p + vt + slot);
    if (!off) return 0;
    if (off < 4 || (size_t)off + size > tsize) { f->bad = 1; return 0; }
    return t + off;
}

static int64_t wasql__fb_int(wasql__fb *f, size_t t, int i, size_t size, int64_t dflt) {
    size_t p = wasql__fb_field(f, t, i, size);
    if (!p) return dflt;
    switch (size) {
    case 1: return (int8_t)f->p[p];
    case 2: return (int16_t)wasql__rd16(f->p + p);
    case 4: return (int32_t)wasql__rd32(f->p + p);
    default: return wasql__rd64(f->p + p);
    }
}

static uint8_t wasql__fb_u8(wasql__fb *f, size_t t, int i, uint8_t dflt) {
    size_t p = wasql__fb_field(f, t, i, 1);
    return p ? f->p[p] : dflt;
}

static size_t wasql__fb_subtable(wasql__fb *f, size_t t, int i) {
    size_t p = wasql__fb_field(f, t, i, 4);
    return p ? wasql__fb_table_at(f, p) : 0;
}

/* A vector field: the position of its first element and its length; 0 when absent. */
static size_t wasql__fb_vector(wasql__fb *f, size_t t, int i, size_t elem_size, uint32_t *count) {
    *count = 0;
    size_t p = wasql__fb_field(f, t, i, 4);
    if (!p) return 0;
    size_t v = p + wasql__rd32(f->p + p);
    if (v < p || !wasql__fb_has(f, v, 4)) { f->bad = 1; return 0; }
    uint32_t n = wasql__rd32(f->p + v);
    if ((uint64_t)n * elem_size > f->n || !wasql__fb_has(f, v + 4, (size_t)n * elem_size)) { f->bad = 1; return 0; }
    *count = n;
    return v + 4;
}

/* ---- Arrow: messages ----
 * A stream is a sequence of messages: 0xFFFFFFFF, a u32 metadata size, the Message flatbuffer (padded), then the
 * body; an end marker (0xFFFFFFFF 0) or the end of the data ends it. Older writers leave out the 0xFFFFFFFF. */

typedef struct {
    wasql__fb fb;
    size_t header;        /* the Schema or RecordBatch table */
    int header_type;      /* 1 Schema, 2 DictionaryBatch, 3 RecordBatch */
    const uint8_t *body;
    size_t body_len;
} wasql__msg;

/* Reads the message at *pos; returns 1 when one was read, 0 at the end, negative on errors. */
static int wasql__next_message(const uint8_t *p, size_t n, size_t *pos, wasql__msg *m) {
    size_t at = *pos;
    if (at == n) return 0;
    if (n - at < 4) return WASQL_E_MALFORMED;
    uint32_t len = wasql__rd32(p + at);
    at += 4;
    if (len == 0xFFFFFFFFu) {
        if (n - at < 4) return WASQL_E_MALFORMED;
        len = wasql__rd32(p + at);
        at += 4;
    }
    if (len == 0) { *pos = n; return 0; }
    if (len > n - at) return WASQL_E_MALFORMED;
    m->fb.p = p + at;
    m->fb.n = len;
    m->fb.bad = 0;
    size_t msg = wasql__fb_table_at(&m->fb, 0);
    int64_t version = wasql__fb_int(&m->fb, msg, 0, 2, 0);
    m->header_type = wasql__fb_u8(&m->fb, msg, 1, 0);
    m->header = wasql__fb_subtable(&m->fb, msg, 2);
    int64_t body_len = wasql__fb_int(&m->fb, msg, 3, 8, 0);
    if (m->fb.bad || !msg || !m->header) return WASQL_E_MALFORMED;
    if (version < 3) return WASQL_E_UNSUPPORTED; /* before V4 */
    at += len;
    if (body_len < 0 || (uint64_t)body_len > n - at) return WASQL_E_MALFORMED;
    m->body = p + at;
    m->body_len = (size_t)body_len;
    *pos = at + (size_t)body_len;
    return 1;
}

/* Body buffers per field type (validity + data, + offsets for variable width); Null has none. */
static int wasql__buffer_count(int type) {
    switch (type) {
    case 1: return 0;
    case 2: case 3: case 6: return 2;
    case 4: case 5: case 19: case 20: return 3;
    default: return -1;
    }
}

/* Reads field FIELD_INDEX of the Schema table SCHEMA into COL; counts the nodes and buffers of the fields
 * before it. */
static int32_t wasql__arrow_field(wasql__fb *f, size_t schema, int32_t field_index, wasql_arrow_column *col, int *nodes_before_out, int *buffers_before_out) {
    if (!schema) return WASQL_E_MALFORMED;
    if (wasql__fb_int(f, schema, 0, 2, 0) != 0) return WASQL_E_UNSUPPORTED; /* big endian */
    uint32_t nfields;
    size_t fields = wasql__fb_vector(f, schema, 1, 4, &nfields);
    if (f->bad) return WASQL_E_MALFORMED;
    if ((uint32_t)field_index >= nfields) return WASQL_BAD_ARGUMENT;
    int buffers_before = 0, nodes_before = 0;
    for (uint32_t i = 0; i <= (uint32_t)field_index; i++) {
        size_t field = wasql__fb_table_at(f, fields + 4 * (size_t)i);
        int type = wasql__fb_u8(f, field, 2, 0);
        size_t type_table = wasql__fb_subtable(f, field, 3);
        uint32_t nchildren;
        wasql__fb_vector(f, field, 5, 4, &nchildren);
        if (f->bad || !field) return WASQL_E_MALFORMED;
        int nbuf = wasql__buffer_count(type);
        if (nbuf < 0 || nchildren != 0 || wasql__fb_subtable(f, field, 4) != 0) return WASQL_E_UNSUPPORTED; /* nested, dictionary... */
        if (i < (uint32_t)field_index) { buffers_before += nbuf; nodes_before++; continue; }
        col->type = type == 19 ? WASQL_ARROW_BINARY : type == 20 ? WASQL_ARROW_UTF8 : type;
        col->large = type == 19 || type == 20;
        if (type == 2) {
            col->bit_width = (int32_t)wasql__fb_int(f, type_table, 0, 4, 0);
            col->is_signed = wasql__fb_u8(f, type_table, 1, 0) != 0;
            if (col->bit_width != 8 && col->bit_width != 16 && col->bit_width != 32 && col->bit_width != 64) return WASQL_E_UNSUPPORTED;
        } else if (type == 3) {
            int64_t precision = wasql__fb_int(f, type_table, 0, 2, 0);
            if (precision != 1 && precision != 2) return WASQL_E_UNSUPPORTED; /* half */
            col->bit_width = precision == 1 ? 32 : 64;
        } else if (type == 6) {
            col->bit_width = 1;
        }
        size_t name = wasql__fb_field(f, field, 0, 4);
        if (name) {
            size_t s = name + wasql__rd32(f->p + name);
            if (s < name || !wasql__fb_has(f, s, 4) || !wasql__fb_has(f, s + 4, wasql__rd32(f->p + s))) return WASQL_E_MALFORMED;
            col->name = (const char *)f->p + s + 4;
            col->name_len = wasql__rd32(f->p + s);
        }
        if (f->bad) return WASQL_E_MALFORMED;
    }

    *nodes_before_out = nodes_before;
    *buffers_before_out = buffers_before;
    return WASQL_OK;
}

/* Reads COL's node and buffers from the RecordBatch message M. */
static int32_t wasql__arrow_batch(wasql__msg *m, wasql_arrow_column *col, int nodes_before, int buffers_before) {
    wasql__fb *f = &m->fb;
    if (m->header_type != 3) return WASQL_E_UNSUPPORTED; /* dictionaries, tensors */
    if (wasql__fb_subtable(f, m->header, 3) != 0) return WASQL_E_UNSUPPORTED; /* compressed */
    uint32_t nnodes, nbuffers;
    size_t nodes = wasql__fb_vector(f, m->header, 1, 16, &nnodes);
    size_t buffers = wasql__fb_vector(f, m->header, 2, 16, &nbuffers);
    if (f->bad) return WASQL_E_MALFORMED;
    int nbuf = wasql__buffer_count(col->type == WASQL_ARROW_BINARY && col->large ? 19 : col->type == WASQL_ARROW_UTF8 && col->large ? 20 : col->type);
    if ((uint32_t)nodes_before >= nnodes || (uint32_t)(buffers_before + nbuf) > nbuffers) return WASQL_E_MALFORMED;
    int64_t length = wasql__rd64(f->p + nodes + 16 * (size_t)nodes_before);
    int64_t null_count = wasql__rd64(f->p + nodes + 16 * (size_t)nodes_before + 8);
    if (length < 0 || null_count < 0 || null_count > length || length > (int64_t)INT32_MAX) return WASQL_E_MALFORMED;
    col->length = length;
    col->null_count = null_count;
    if (col->type == WASQL_ARROW_NULL) { col->null_count = length; return WASQL_OK; }

    const uint8_t *buf[3] = {0, 0, 0};
    size_t blen[3] = {0, 0, 0};
    for (int b = 0; b < nbuf; b++) {
        const uint8_t *e = f->p + buffers + 16 * (size_t)(buffers_before + b);
        int64_t off = wasql__rd64(e), n = wasql__rd64(e + 8);
        if (off < 0 || n < 0 || (uint64_t)off > m->body_len || (uint64_t)n > m->body_len - (uint64_t)off) return WASQL_E_MALFORMED;
        buf[b] = m->body + off;
        blen[b] = (size_t)n;
    }
    size_t rows = (size_t)length;
    if (null_count > 0) {
        if (blen[0] < (rows + 7) / 8) return WASQL_E_MALFORMED;
        col->validity = buf[0];
    }
    if (nbuf == 2) {
        size_t need = col->type == WASQL_ARROW_BOOL ? (rows + 7) / 8 : rows * (size_t)(col->bit_width / 8);
        if (blen[1] < need) return WASQL_E_MALFORMED;
        col->values = buf[1];
        col->values_len = blen[1];
    } else {
        size_t w = col->large ? 8 : 4;
        if (rows > 0 || blen[1] > 0) {
            if (blen[1] < (rows + 1) * w) return WASQL_E_MALFORMED;
            int64_t prev = col->large ? wasql__rd64(buf[1]) : (int32_t)wasql__rd32(buf[1]);
            if (prev < 0) return WASQL_E_MALFORMED;
            for (size_t i = 1; i <= rows; i++) {
                int64_t o = col->large ? wasql__rd64(buf[1] + i * 8) : (int32_t)wasql__rd32(buf[1] + i * 4);
                if (o < prev || (uint64_t)o > blen[2]) return WASQL_E_MALFORMED;
                prev = o;
            }
            col->offsets = buf[1];
        }
        col->values = buf[2];
        col->values_len = blen[2];
    }
    return WASQL_OK;
}

int32_t wasql_arrow_decode(const void *ipc, size_t len, int32_t field_index, wasql_arrow_column *col) {
    const uint8_t *p = (const uint8_t *)ipc;
    size_t pos = 0;
    int nodes_before, buffers_before, r;
    int32_t st;
    wasql__msg m;
    memset(col, 0, sizeof *col);
    if (field_index < 0) return WASQL_BAD_ARGUMENT;

    if (len >= 8 && memcmp(p, "ARROW1", 6) == 0) {
        /* The file format: "ARROW1\0\0", messages, a Footer flatbuffer, its i32 size, "ARROW1". The Footer holds
         * the schema (field 1) and the record batches' Blocks (field 3: offset i64, metadata size i32, body
         * size i64; 24 bytes). */
        if (len < 18 || memcmp(p + len - 6, "ARROW1", 6) != 0) return WASQL_E_MALFORMED;
        uint32_t size = wasql__rd32(p + len - 10);
        if (size > len - 18) return WASQL_E_MALFORMED;
        size_t end = len - 10 - size;
        wasql__fb footer = {p + end, size, 0};
        size_t root = wasql__fb_table_at(&footer, 0);
        size_t schema = wasql__fb_subtable(&footer, root, 1);
        if (footer.bad || !root) return WASQL_E_MALFORMED;
        if ((st = wasql__arrow_field(&footer, schema, field_index, col, &nodes_before, &buffers_before)) != WASQL_OK) return st;
        uint32_t nblocks;
        size_t blocks = wasql__fb_vector(&footer, root, 3, 24, &nblocks);
        if (footer.bad) return WASQL_E_MALFORMED;
        if (nblocks == 0) return WASQL_OK; /* no batch: 0 rows */
        if (nblocks > 1) return WASQL_E_UNSUPPORTED;
        int64_t at = wasql__rd64(footer.p + blocks);
        if (at < 8 || (uint64_t)at >= end) return WASQL_E_MALFORMED;
        pos = (size_t)at;
        r = wasql__next_message(p, end, &pos, &m);
        if (r <= 0) return r < 0 ? r : WASQL_E_MALFORMED;
        return wasql__arrow_batch(&m, col, nodes_before, buffers_before);
    }

    /* The stream format: a Schema message, at most one RecordBatch message, the end (or the end marker). */
    r = wasql__next_message(p, len, &pos, &m);
    if (r <= 0) return r < 0 ? r : WASQL_E_MALFORMED;
    if (m.header_type != 1) return WASQL_E_MALFORMED;
    if ((st = wasql__arrow_field(&m.fb, m.header, field_index, col, &nodes_before, &buffers_before)) != WASQL_OK) return st;
    /* Dictionary batches (for other fields: a dictionary-encoded field is refused above) are skipped. */
    do r = wasql__next_message(p, len, &pos, &m); while (r > 0 && m.header_type == 2);
    if (r < 0) return r;
    if (r == 0) return WASQL_OK; /* no batch: 0 rows */
    wasql__msg extra;
    size_t after = pos;
    while ((r = wasql__next_message(p, len, &after, &extra)) > 0)
        if (extra.header_type == 3) return WASQL_E_UNSUPPORTED; /* several batches */
    if (r < 0) return r;
    return wasql__arrow_batch(&m, col, nodes_before, buffers_before);
}

int32_t wasql_result_get_column_alloc(wasql_ctx ctx, int32_t index, uint8_t **out, size_t *out_len) {
    return wasql__fetch(WASQL__COLUMN, ctx, index, NULL, 0, 0, (char **)out, out_len);
}

int32_t wasql_result_column(wasql_ctx ctx, int32_t index, wasql_arrow_column *col) {
    uint8_t *bytes;
    size_t len;
    memset(col, 0, sizeof *col);
    int32_t st = wasql_result_get_column_alloc(ctx, index, &bytes, &len);
    if (st != WASQL_OK) return st;
    st = wasql_arrow_decode(bytes, len, 0, col);
    if (st != WASQL_OK) { free(bytes); memset(col, 0, sizeof *col); return st; }
    col->owned = bytes;
    return WASQL_OK;
}

void wasql_arrow_column_free(wasql_arrow_column *col) {
    free(col->owned);
    memset(col, 0, sizeof *col);
}

int wasql_arrow_is_null(const wasql_arrow_column *col, int64_t row) {
    if (row < 0 || row >= col->length || col->type == WASQL_ARROW_NULL) return 1;
    if (!col->validity) return 0;
    return !(col->validity[row >> 3] >> (row & 7) & 1);
}

int64_t wasql_arrow_int64(const wasql_arrow_column *col, int64_t row) {
    if (wasql_arrow_is_null(col, row)) return 0;
    const uint8_t *v = col->values;
    size_t i = (size_t)row;
    switch (col->type) {
    case WASQL_ARROW_BOOL: return v[i >> 3] >> (i & 7) & 1;
    case WASQL_ARROW_INT:
        switch (col->bit_width) {
        case 8: return col->is_signed ? (int64_t)(int8_t)v[i] : (int64_t)v[i];
        case 16: return col->is_signed ? (int64_t)(int16_t)wasql__rd16(v + 2 * i) : (int64_t)wasql__rd16(v + 2 * i);
        case 32: return col->is_signed ? (int64_t)(int32_t)wasql__rd32(v + 4 * i) : (int64_t)wasql__rd32(v + 4 * i);
        default: return wasql__rd64(v + 8 * i);
        }
    case WASQL_ARROW_FLOAT: {
        double d = wasql_arrow_float64(col, row);
        return d != d ? 0 : d >= 9.2233720368547758e18 ? INT64_MAX : d <= -9.2233720368547758e18 ? INT64_MIN : (int64_t)d;
    }
    default: return 0;
    }
}

double wasql_arrow_float64(const wasql_arrow_column *col, int64_t row) {
    if (wasql_arrow_is_null(col, row)) return 0;
    if (col->type == WASQL_ARROW_FLOAT) {
        if (col->bit_width == 32) { uint32_t u = wasql__rd32(col->values + 4 * (size_t)row); float x; memcpy(&x, &u, 4); return x; }
        int64_t u = wasql__rd64(col->values + 8 * (size_t)row);
        double x;
        memcpy(&x, &u, 8);
        return x;
    }
    if (col->type == WASQL_ARROW_INT && col->bit_width == 64 && !col->is_signed) return (double)(uint64_t)wasql_arrow_int64(col, row);
    return (double)wasql_arrow_int64(col, row);
}

const char *wasql_arrow_utf8(const wasql_arrow_column *col, int64_t row, size_t *len) {
    *len = 0;
    if ((col->type != WASQL_ARROW_UTF8 && col->type != WASQL_ARROW_BINARY) || wasql_arrow_is_null(col, row) || !col->offsets) return NULL;
    size_t i = (size_t)row;
    int64_t a = col->large ? wasql__rd64(col->offsets + 8 * i) : (int32_t)wasql__rd32(col->offsets + 4 * i);
    int64_t b = col->large ? wasql__rd64(col->offsets + 8 * i + 8) : (int32_t)wasql__rd32(col->offsets + 4 * i + 4);
    *len = (size_t)(b - a); /* checked by wasql_arrow_decode */
    return (const char *)col->values + a;
}

char *wasql_arrow_text(const wasql_arrow_column *col, int64_t row, size_t *len) {
    char tmp[40];
    const char *src = tmp;
    size_t n = 0;
    if (len) *len = 0;
    if (wasql_arrow_is_null(col, row)) return NULL;
    switch (col->type) {
    case WASQL_ARROW_UTF8: case WASQL_ARROW_BINARY: src = wasql_arrow_utf8(col, row, &n); break;
    case WASQL_ARROW_FLOAT: {
        double d = wasql_arrow_float64(col, row);
        n = (size_t)snprintf(tmp, sizeof tmp, "%.15g", d);
        if (strtod(tmp, NULL) != d) n = (size_t)snprintf(tmp, sizeof tmp, "%.17g", d);
        if (!strpbrk(tmp, ".eEnN")) { memcpy(tmp + n, ".0", 3); n += 2; } /* SQLite prints reals with a point */
        break;
    }
    case WASQL_ARROW_INT:
        if (col->bit_width == 64 && !col->is_signed) n = (size_t)snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)wasql_arrow_int64(col, row));
        else n = (size_t)snprintf(tmp, sizeof tmp, "%lld", (long long)wasql_arrow_int64(col, row));
        break;
    case WASQL_ARROW_BOOL: tmp[0] = (char)('0' + wasql_arrow_int64(col, row)); n = 1; break;
    default: return NULL;
    }
    char *s = (char *)malloc(n + 1);
    if (!s) return NULL;
    memcpy(s, src, n);
    s[n] = 0;
    if (len) *len = n;
    return s;
}

/* ---- Arrow: building ---- */

void wasql_arrow_builder_init(wasql_arrow_builder *b, int32_t type) {
    memset(b, 0, sizeof *b);
    b->type = type;
    if (type != WASQL_ARROW_UTF8 && type != WASQL_ARROW_BINARY && type != WASQL_ARROW_INT && type != WASQL_ARROW_FLOAT) b->error = WASQL_E_UNSUPPORTED;
}

void wasql_arrow_builder_free(wasql_arrow_builder *b) {
    free(b->validity);
    free(b->values);
    free(b->offsets);
    int32_t type = b->type;
    memset(b, 0, sizeof *b);
    b->type = type;
}

static int wasql__grow(void **p, size_t *cap, size_t need) {
    if (need <= *cap) return 1;
    size_t n = *cap ? *cap : 64;
    while (n < need) { if (n > SIZE_MAX / 2) return 0; n *= 2; }
    void *q = realloc(*p, n);
    if (!q) return 0;
    *p = q;
    *cap = n;
    return 1;
}

/* Makes room for one more row: the validity bit, the offsets entry. */
static int32_t wasql__row(wasql_arrow_builder *b, int valid) {
    if (b->error) return b->error;
    size_t row = (size_t)b->length;
    if (row >= INT32_MAX - 1) return b->error = WASQL_E_UNSUPPORTED;
    if (!wasql__grow((void **)&b->validity, &b->validity_cap, row / 8 + 1)) return b->error = WASQL_E_NOMEM;
    if ((row & 7) == 0) b->validity[row / 8] = 0;
    if (valid) b->validity[row / 8] |= (uint8_t)(1u << (row & 7));
    else b->null_count++;
    if (b->type == WASQL_ARROW_UTF8 || b->type == WASQL_ARROW_BINARY) {
        size_t cap_bytes = b->offsets_cap * sizeof(int32_t);
        if (!wasql__grow((void **)&b->offsets, &cap_bytes, (row + 2) * sizeof(int32_t))) return b->error = WASQL_E_NOMEM;
        b->offsets_cap = cap_bytes / sizeof(int32_t);
        if (row == 0) b->offsets[0] = 0;
    }
    return 0;
}

static int32_t wasql__append_bytes(wasql_arrow_builder *b, const void *src, size_t n) {
    if (n && !wasql__grow((void **)&b->values, &b->values_cap, b->values_len + n)) return b->error = WASQL_E_NOMEM;
    if (n) memcpy(b->values + b->values_len, src, n);
    b->values_len += n;
    return 0;
}

int32_t wasql_arrow_append_null(wasql_arrow_builder *b) {
    int32_t st = wasql__row(b, 0);
    if (st) return st;
    if (b->type == WASQL_ARROW_UTF8 || b->type == WASQL_ARROW_BINARY) b->offsets[b->length + 1] = (int32_t)b->values_len;
    else if ((st = wasql__append_bytes(b, "\0\0\0\0\0\0\0\0", 8))) return st;
    b->length++;
    return 0;
}

int32_t wasql_arrow_append_utf8(wasql_arrow_builder *b, const char *s, size_t len) {
    if (b->type != WASQL_ARROW_UTF8 && b->type != WASQL_ARROW_BINARY) return b->error ? b->error : (b->error = WASQL_BAD_ARGUMENT);
    if (len > (size_t)INT32_MAX - b->values_len) return b->error = WASQL_E_UNSUPPORTED;
    int32_t st = wasql__row(b, 1);
    if (st || (st = wasql__append_bytes(b, s, len))) return st;
    b->offsets[b->length + 1] = (int32_t)b->values_len;
    b->length++;
    return 0;
}

int32_t wasql_arrow_append_int64(wasql_arrow_builder *b, int64_t v) {
    if (b->type != WASQL_ARROW_INT) return b->error ? b->error : (b->error = WASQL_BAD_ARGUMENT);
    int32_t st = wasql__row(b, 1);
    if (st || (st = wasql__append_bytes(b, &v, 8))) return st; /* wasm is little-endian */
    b->length++;
    return 0;
}

int32_t wasql_arrow_append_float64(wasql_arrow_builder *b, double v) {
    if (b->type != WASQL_ARROW_FLOAT) return b->error ? b->error : (b->error = WASQL_BAD_ARGUMENT);
    int32_t st = wasql__row(b, 1);
    if (st || (st = wasql__append_bytes(b, &v, 8))) return st;
    b->length++;
    return 0;
}

/* A growing output buffer; positions are byte offsets from its start (which malloc aligns to 8 or more). */
typedef struct { uint8_t *p; size_t len, cap; int oom; } wasql__out;

static size_t wasql__put(wasql__out *o, const void *src, size_t n) {
    size_t at = o->len;
    if (o->oom) return at;
    if (!wasql__grow((void **)&o->p, &o->cap, o->len + n)) { o->oom = 1; return at; }
    if (src) memcpy(o->p + at, src, n);
    else memset(o->p + at, 0, n);
    o->len += n;
    return at;
}
static void wasql__pad(wasql__out *o, size_t align, size_t rem) { while (!o->oom && o->len % align != rem) wasql__put(o, NULL, 1); }
static void wasql__set(wasql__out *o, size_t at, uint64_t v, size_t size) {
    if (o->oom) return;
    for (size_t i = 0; i < size; i++) o->p[at + i] = (uint8_t)(v >> (8 * i));
}
static size_t wasql__put32(wasql__out *o, uint32_t v) { size_t at = wasql__put(o, NULL, 4); wasql__set(o, at, v, 4); return at; }
/* Points the u32 reference at AT to TARGET (which comes after it). */
static void wasql__ref(wasql__out *o, size_t at, size_t target) { wasql__set(o, at, (uint32_t)(target - at), 4); }

/* Writes a vtable and then a table of NF fields. SIZE[i] is 0 (absent), 1, 2, 4 or 8 bytes; VAL[i] its value
 * (references: 0, set later with wasql__ref at POS[i]). Fields are laid out largest first, each aligned to its
 * size, in a table that starts 8-aligned. Returns the table's position. */
static size_t wasql__table(wasql__out *o, int nf, const uint8_t *size, const uint64_t *val, size_t *pos) {
    uint16_t off[8] = {0};
    size_t t = 4;
    for (unsigned s = 8; s >= 1; s >>= 1)
        for (int i = 0; i < nf; i++)
            if (size[i] == s) { t = (t + s - 1) & ~(size_t)(s - 1); off[i] = (uint16_t)t; t += s; }
    t = (t + 3) & ~(size_t)3;
    wasql__pad(o, 2, 0);
    size_t vt = o->len;
    uint16_t head[2] = {(uint16_t)(4 + 2 * nf), (uint16_t)t};
    wasql__set(o, wasql__put(o, NULL, 2), head[0], 2);
    wasql__set(o, wasql__put(o, NULL, 2), head[1], 2);
    for (int i = 0; i < nf; i++) wasql__set(o, wasql__put(o, NULL, 2), off[i], 2);
    wasql__pad(o, 8, 0);
    size_t table = wasql__put(o, NULL, t);
    wasql__set(o, table, (uint32_t)(int32_t)(table - vt), 4);
    for (int i = 0; i < nf; i++) {
        if (!size[i]) { if (pos) pos[i] = 0; continue; }
        wasql__set(o, table + off[i], val[i], size[i]);
        if (pos) pos[i] = table + off[i];
    }
    return table;
}

/* Starts a message: the 0xFFFFFFFF marker, the metadata size (set by wasql__end_metadata) and the root reference.
 * Returns the flatbuffer's start. */
static size_t wasql__begin_message(wasql__out *o) {
    wasql__pad(o, 8, 0);
    wasql__put32(o, 0xFFFFFFFFu);
    wasql__put32(o, 0);
    size_t fb = o->len;
    wasql__put32(o, 0);
    return fb;
}
static void wasql__end_metadata(wasql__out *o, size_t fb) {
    wasql__pad(o, 8, 0);
    wasql__set(o, fb - 4, (uint32_t)(o->len - fb), 4);
}

/* Message { version = V5, header_type, header, bodyLength } */
static size_t wasql__message(wasql__out *o, size_t fb, int header_type, int64_t body_len) {
    const uint8_t size[4] = {2, 1, 4, 8};
    const uint64_t val[4] = {4, (uint64_t)header_type, 0, (uint64_t)body_len};
    size_t pos[4];
    size_t msg = wasql__table(o, 4, size, val, pos);
    wasql__ref(o, fb, msg);
    return pos[2];
}

int32_t wasql_arrow_finish(const wasql_arrow_builder *b, const char *name, uint8_t **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    if (b->error) return b->error;
    int var = b->type == WASQL_ARROW_UTF8 || b->type == WASQL_ARROW_BINARY;
    size_t rows = (size_t)b->length;
    size_t validity_len = b->null_count ? (rows + 7) / 8 : 0;
    size_t offsets_len = var ? (rows + 1) * 4 : 0;
    size_t data_len = var ? b->values_len : rows * 8;
    size_t p_validity = (validity_len + 7) & ~(size_t)7, p_offsets = (offsets_len + 7) & ~(size_t)7, p_data = (data_len + 7) & ~(size_t)7;
    wasql__out o;
    memset(&o, 0, sizeof o);

    /* Schema message: Schema { fields: [Field { name, nullable, type_type, type, children: [] }] } */
    size_t fb = wasql__begin_message(&o);
    size_t header_ref = wasql__message(&o, fb, 1, 0);
    {
        const uint8_t size[2] = {0, 4};
        const uint64_t val[2] = {0, 0};
        size_t pos[2];
        size_t schema = wasql__table(&o, 2, size, val, pos);
        wasql__ref(&o, header_ref, schema);
        wasql__pad(&o, 4, 0);
        size_t vec = wasql__put32(&o, 1);
        size_t slot = wasql__put32(&o, 0);
        wasql__ref(&o, pos[1], vec);
        const uint8_t fsize[6] = {4, 1, 1, 4, 0, 4};
        const uint64_t fval[6] = {0, 1, (uint64_t)b->type, 0, 0, 0};
        size_t fpos[6];
        size_t field = wasql__table(&o, 6, fsize, fval, fpos);
        wasql__ref(&o, slot, field);
        /* name */
        size_t nlen = name ? strlen(name) : 0;
        wasql__pad(&o, 4, 0);
        size_t str = wasql__put32(&o, (uint32_t)nlen);
        wasql__put(&o, name, nlen);
        wasql__put(&o, NULL, 1);
        wasql__ref(&o, fpos[0], str);
        /* type */
        size_t type;
        if (b->type == WASQL_ARROW_INT) {
            const uint8_t tsize[2] = {4, 1};
            const uint64_t tval[2] = {64, 1};
            type = wasql__table(&o, 2, tsize, tval, NULL);
        } else if (b->type == WASQL_ARROW_FLOAT) {
            const uint8_t tsize[1] = {2};
            const uint64_t tval[1] = {2}; /* DOUBLE */
            type = wasql__table(&o, 1, tsize, tval, NULL);
        } else {
            type = wasql__table(&o, 0, NULL, NULL, NULL);
        }
        wasql__ref(&o, fpos[3], type);
        /* children: [] */
        wasql__pad(&o, 4, 0);
        wasql__ref(&o, fpos[5], wasql__put32(&o, 0));
    }
    wasql__end_metadata(&o, fb);

    /* RecordBatch message: RecordBatch { length, nodes: [FieldNode], buffers: [Buffer] } and the body */
    int nbuf = var ? 3 : 2;
    size_t body_len = p_validity + (var ? p_offsets : 0) + p_data;
    fb = wasql__begin_message(&o);
    header_ref = wasql__message(&o, fb, 3, (int64_t)body_len);
    {
        const uint8_t size[3] = {8, 4, 4};
        const uint64_t val[3] = {(uint64_t)rows, 0, 0};
        size_t pos[3];
        size_t batch = wasql__table(&o, 3, size, val, pos);
        wasql__ref(&o, header_ref, batch);
        wasql__pad(&o, 8, 4); /* struct elements 8-aligned */
        size_t nodes = wasql__put32(&o, 1);
        wasql__ref(&o, pos[1], nodes);
        wasql__set(&o, wasql__put(&o, NULL, 8), rows, 8);
        wasql__set(&o, wasql__put(&o, NULL, 8), (uint64_t)b->null_count, 8);
        wasql__pad(&o, 8, 4);
        size_t bufs = wasql__put32(&o, (uint32_t)nbuf);
        wasql__ref(&o, pos[2], bufs);
        /* (offset, length) in the body: validity (empty without nulls), then offsets and data, each 8-aligned */
        const uint64_t spans[3][2] = {
            {0, validity_len},
            {p_validity, var ? offsets_len : data_len},
            {p_validity + p_offsets, data_len},
        };
        for (int i = 0; i < nbuf; i++) {
            wasql__set(&o, wasql__put(&o, NULL, 8), spans[i][0], 8);
            wasql__set(&o, wasql__put(&o, NULL, 8), spans[i][1], 8);
        }
    }
    wasql__end_metadata(&o, fb);
    size_t body = wasql__put(&o, NULL, body_len);
    if (!o.oom) {
        if (validity_len) memcpy(o.p + body, b->validity, validity_len);
        size_t at = body + p_validity;
        if (var) {
            if (rows == 0) memset(o.p + at, 0, 4);
            else memcpy(o.p + at, b->offsets, offsets_len);
            at += p_offsets;
        }
        if (data_len) memcpy(o.p + at, b->values, data_len);
    }
    /* End of stream. */
    wasql__put32(&o, 0xFFFFFFFFu);
    wasql__put32(&o, 0);
    if (o.oom) { free(o.p); return WASQL_E_NOMEM; }
    *out = o.p;
    *out_len = o.len;
    return WASQL_OK;
}

int32_t wasql_result_set_builder(wasql_ctx ctx, int32_t index, const wasql_arrow_builder *b) {
    uint8_t *ipc;
    size_t len;
    int32_t st = wasql_arrow_finish(b, NULL, &ipc, &len);
    if (st != WASQL_OK) return st;
    st = wasql_result_set_column(ctx, index, ipc, (int32_t)len);
    free(ipc);
    return st;
}

#endif /* WASQL_PLUGIN_NO_IMPLEMENTATION */
#endif /* WASQL_PLUGIN_H */
