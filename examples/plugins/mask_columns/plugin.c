/* mask_columns: masks the values of result columns that come from a masked table column, and denies statements
 * that use a masked column any other way. The `columns` configuration lists comma-separated patterns, case-insensitive,
 * `*` matching any run of characters and `?` one character (default `*email*`), matched against a column's name or its
 * `table.column`. E.g. CREATE PLUGIN mask USING FILE 'mask_columns.wasm' WITH (columns = 'email, *phone*, users.ssn').
 *
 * A result column is masked when its origin (the table column it comes from, seen through aliases, subqueries, CTEs
 * and views: `select email as e from users` and `select e from (select email as e from users)` are masked) matches,
 * or, for a computed column, when its own name matches (as before origins existed).
 *
 * on_query denies (SQLSTATE `deny_sqlstate`, default 42501) a statement that reads a masked column more often than it
 * returns it as a plain result column: the column is used inside an expression (`substr(email, 1, 100)`, `email || ''`,
 * a computed column of a view), or in a condition, ordering or grouping (`where email like 'a%'`, `order by email`).
 * Conditions are denied too, deliberately: a condition is an oracle that reads the value one guess at a time. A
 * consequence: a view that selects a masked column is usable only when the query selects that column plainly too.
 *
 *   alice@example.com  ->  a***@example.com   (email-like: local part and domain, no spaces)
 *   +1 555 0100        ->  +***               (any other non-empty text: its first character and ***)
 *   ''                 ->  ''
 *   NULL               ->  NULL
 *
 * Numbers and blobs in a masked column are converted to text first (12345 -> 1***), so a masked column is always
 * text. Only the matching columns are read (one wasql_result_get_column each) and written back.
 *
 * Build: examples/plugins/build-c.sh OUTDIR */
#include "wasql_plugin.h"

WASQL_PLUGIN();

static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

/* Glob match of NAME against PATTERN (both with lengths), ASCII case-insensitive. */
static int glob(const char *p, size_t plen, const char *s, size_t slen) {
    size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
    while (si < slen) {
        if (pi < plen && p[pi] == '*') { star = pi++; mark = si; continue; }
        if (pi < plen && (p[pi] == '?' || fold((unsigned char)p[pi]) == fold((unsigned char)s[si]))) { pi++; si++; continue; }
        if (star == (size_t)-1) return 0;
        pi = star + 1;
        si = ++mark;
    }
    while (pi < plen && p[pi] == '*') pi++;
    return pi == plen;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Does NAME match one of the comma-separated PATTERNS? */
static int matches(const char *patterns, const char *name, size_t name_len) {
    const char *cur = patterns, *item;
    size_t len;
    while ((item = wasql_next_item(&cur, ',', &len))) {
        while (len && is_space(*item)) { item++; len--; }
        while (len && is_space(item[len - 1])) len--;
        if (len && glob(item, len, name, name_len)) return 1;
    }
    return 0;
}

/* Does the table column "table.column" (ORIGIN, LEN bytes) match: by its column name or its whole name? */
static int origin_matches(const char *patterns, const char *origin, size_t len) {
    size_t dot = len;
    while (dot > 0 && origin[dot - 1] != '.') dot--;
    return matches(patterns, origin + dot, len - dot) || matches(patterns, origin, len);
}

/* How many of the '\n'-separated ITEMS equal WANTED (LEN bytes)? */
static int count_of(const char *items, const char *wanted, size_t len) {
    const char *cur = items, *item;
    size_t n;
    int count = 0;
    while ((item = wasql_next_item(&cur, '\n', &n)))
        if (n == len && memcmp(item, wanted, len) == 0) count++;
    return count;
}

/* Length of the valid UTF-8 character at S (at most N bytes), or 0 when it is not valid. */
static size_t utf8_char(const unsigned char *s, size_t n) {
    if (n == 0) return 0;
    unsigned char c = s[0];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || len > n) return 0;
    for (size_t i = 1; i < len; i++) if ((s[i] & 0xC0) != 0x80) return 0;
    if (len == 2 && c < 0xC2) return 0;                                   /* overlong */
    if (len == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))) return 0; /* overlong, surrogate */
    if (len == 4 && ((c == 0xF0 && s[1] < 0x90) || c > 0xF4 || (c == 0xF4 && s[1] >= 0x90))) return 0;
    return len;
}

static int valid_utf8(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char(s + i, n - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

/* Appends the first character of S (U+FFFD when it is not valid UTF-8) and "***" to OUT; returns the length. */
static size_t first_char_stars(const unsigned char *s, size_t n, char *out) {
    size_t k = utf8_char(s, n);
    if (k) memcpy(out, s, k);
    else { memcpy(out, "\xEF\xBF\xBD", 3); k = 3; }
    memcpy(out + k, "***", 3);
    return k + 3;
}

/* Masks S (N bytes) into OUT (at least N + 8 bytes); returns the masked length. */
static size_t mask(const char *text, size_t n, char *out) {
    const unsigned char *s = (const unsigned char *)text;
    if (n == 0) return 0;
    size_t at = (size_t)-1;
    int spaces = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '@') at = i;
        else if (is_space((char)s[i])) spaces = 1;
    }
    if (at != (size_t)-1 && at > 0 && at + 1 < n && !spaces && valid_utf8(s + at, n - at)) {
        size_t k = first_char_stars(s, at, out);
        memcpy(out + k, s + at, n - at); /* "@domain" */
        return k + n - at;
    }
    return first_char_stars(s, n, out);
}

/* Replaces result column INDEX with its masked text. */
static int32_t mask_column(wasql_ctx ctx, int32_t index) {
    wasql_arrow_column col;
    int32_t st = wasql_result_column(ctx, index, &col);
    if (st != WASQL_OK) return st;
    wasql_arrow_builder b;
    wasql_arrow_builder_init(&b, WASQL_ARROW_UTF8);
    char *out = NULL;
    size_t out_cap = 0;
    for (int64_t row = 0; row < col.length && !b.error; row++) {
        if (wasql_arrow_is_null(&col, row)) { wasql_arrow_append_null(&b); continue; }
        size_t len;
        char *owned = NULL;
        const char *text = wasql_arrow_utf8(&col, row, &len);
        if (!text) text = owned = wasql_arrow_text(&col, row, &len);
        if (!text) { b.error = WASQL_E_NOMEM; break; }
        if (len + 8 > out_cap) {
            free(out);
            out_cap = len + 64;
            out = (char *)malloc(out_cap);
            if (!out) { free(owned); b.error = WASQL_E_NOMEM; break; }
        }
        wasql_arrow_append_utf8(&b, out, mask(text, len, out));
        free(owned);
    }
    free(out);
    wasql_arrow_column_free(&col);
    st = b.error ? b.error : wasql_result_set_builder(ctx, index, &b);
    wasql_arrow_builder_free(&b);
    return st;
}

/* Denies a statement that reads a masked column more often than it returns it plainly (see the top). */
WASQL_HOOK(on_query) int32_t on_query(wasql_ctx ctx) {
    char *patterns = wasql_config_str(ctx, "columns", "*email*");
    char *reads = wasql_columns_read(ctx);
    char *origins = wasql_column_origins(ctx);
    int32_t verdict = WASQL_CONTINUE;
    if (!patterns || !reads || !origins) verdict = 2;   /* cannot tell: fail (the filter decides open or closed) */
    const char *cur = reads, *read;
    size_t len;
    while (verdict == WASQL_CONTINUE && (read = wasql_next_item(&cur, '\n', &len))) {
        if (!origin_matches(patterns, read, len)) continue;
        if (count_of(reads, read, len) > count_of(origins, read, len)) {
            char *state = wasql_config_str(ctx, "deny_sqlstate", "42501");
            verdict = wasql_denyf(ctx, state ? state : "42501",
                "masked column %.*s may only be selected as it is, not used in an expression or a condition", (int)len, read);
            free(state);
        }
    }
    free(patterns);
    free(reads);
    free(origins);
    return verdict;
}

WASQL_HOOK(on_result) int32_t on_result(wasql_ctx ctx) {
    char *names;
    size_t names_len;
    int32_t st = wasql_property(ctx, "result.columns", &names, &names_len);
    if (st == WASQL_NOT_FOUND) return WASQL_CONTINUE; /* no row set */
    if (st != WASQL_OK) return 2;                       /* anything but 0/1: the plugin failed */
    char *patterns = wasql_config_str(ctx, "columns", "*email*");
    char *origins = wasql_column_origins(ctx);
    if (!patterns || !origins) { free(names); free(patterns); free(origins); return 2; }
    const char *cur = names, *name, *origin_cur = origins, *origin;
    size_t len, origin_len;
    int32_t index = 0, failed = 0;
    while ((name = wasql_next_item(&cur, '\n', &len))) {
        origin = wasql_next_item(&origin_cur, '\n', &origin_len);
        int masked = origin && origin_len ? origin_matches(patterns, origin, origin_len) : matches(patterns, name, len);
        if (masked) {
            st = mask_column(ctx, index);
            /* NOT_FOUND: the statement has no rows to mask. Anything else: fail rather than leak a column. */
            if (st != WASQL_OK && st != WASQL_NOT_FOUND) {
                wasql_logf(ctx, WASQL_LOG_ERROR, "mask_columns: cannot mask column %d (%.*s): status %d", (int)index, (int)len, name, (int)st);
                failed = 1;
                break;
            }
        }
        index++;
    }
    free(patterns);
    free(origins);
    free(names);
    return failed ? 2 : WASQL_CONTINUE;
}
