/* deny_unbounded_writes: an on_query plugin that refuses UPDATE and DELETE statements without a top-level WHERE
 * clause (SQLSTATE 42501), e.g. `DELETE FROM orders` or `UPDATE users SET admin = true`.
 *
 * It reads the statement text and tokenizes it: 'strings' (also E'...' with backslash escapes), "quoted", `quoted`
 * and [quoted] identifiers, $tag$dollar quotes$tag$, -- and block comments are skipped, and only words at
 * parenthesis depth 0 count. So a WHERE in a subquery (`DELETE FROM t WHERE ...` is fine, `UPDATE t SET a =
 * (SELECT b FROM u WHERE ...)` is not) or in a CTE (`WITH x AS (SELECT ... WHERE ...) DELETE FROM t`) does not
 * count for the outer statement. Several statements separated by ';' are checked one by one.
 *
 * Build: examples/plugins/build-c.sh OUTDIR */
#include "wasql_plugin.h"

WASQL_PLUGIN();

enum { TOK_END, TOK_WORD, TOK_OPEN, TOK_CLOSE, TOK_SEMI, TOK_OTHER };

typedef struct {
    const char *s;
    size_t n, i;
    const char *word; /* TOK_WORD: the word and its length */
    size_t len;
} lexer;

static int is_ident(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

static int word_is(const lexer *lx, const char *kw) {
    size_t i = 0;
    for (; i < lx->len && kw[i]; i++) {
        char c = lx->word[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (c != kw[i]) return 0;
    }
    return i == lx->len && !kw[i];
}

/* Skips a quoted run that starts at lx->i (the opening quote) and ends with CLOSE; a doubled CLOSE is an
 * escaped one; with BACKSLASH, \x escapes x. An unterminated run ends the text. */
static void skip_quoted(lexer *lx, char close, int backslash) {
    size_t i = lx->i + 1;
    while (i < lx->n) {
        char c = lx->s[i];
        if (backslash && c == '\\') { i += 2; continue; }
        if (c == close) {
            if (i + 1 < lx->n && lx->s[i + 1] == close && close != ']') { i += 2; continue; }
            lx->i = i + 1;
            return;
        }
        i++;
    }
    lx->i = lx->n;
}

/* At a '$': when it opens a dollar quote ($$ or $tag$), skips to after the closing tag and returns 1. */
static int skip_dollar(lexer *lx) {
    size_t i = lx->i + 1;
    if (lx->i > 0 && is_ident((unsigned char)lx->s[lx->i - 1])) return 0; /* part of a name like a$b */
    if (i < lx->n && lx->s[i] >= '0' && lx->s[i] <= '9') return 0;          /* a parameter like $1 */
    while (i < lx->n && lx->s[i] != '$') {
        if (!is_ident((unsigned char)lx->s[i]) || lx->s[i] == '$') return 0;
        i++;
    }
    if (i >= lx->n) return 0;
    size_t tag = lx->i, tag_len = i + 1 - lx->i; /* "$tag$" */
    for (size_t j = i + 1; j + tag_len <= lx->n; j++) {
        if (memcmp(lx->s + j, lx->s + tag, tag_len) == 0) { lx->i = j + tag_len; return 1; }
    }
    lx->i = lx->n;
    return 1;
}

static int next_token(lexer *lx) {
    for (;;) {
        if (lx->i >= lx->n) return TOK_END;
        char c = lx->s[lx->i];
        char d = lx->i + 1 < lx->n ? lx->s[lx->i + 1] : 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') { lx->i++; continue; }
        if (c == '-' && d == '-') {
            while (lx->i < lx->n && lx->s[lx->i] != '\n') lx->i++;
            continue;
        }
        if (c == '/' && d == '*') {
            size_t i = lx->i + 2;
            while (i + 1 < lx->n && !(lx->s[i] == '*' && lx->s[i + 1] == '/')) i++;
            lx->i = i + 1 < lx->n ? i + 2 : lx->n;
            continue;
        }
        if (c == '\'') { skip_quoted(lx, '\'', 0); return TOK_OTHER; }
        if (c == '"') { skip_quoted(lx, '"', 0); return TOK_OTHER; }
        if (c == '`') { skip_quoted(lx, '`', 0); return TOK_OTHER; }
        if (c == '[') { skip_quoted(lx, ']', 0); return TOK_OTHER; }
        if (c == '$' && skip_dollar(lx)) return TOK_OTHER;
        if (c == '(') { lx->i++; return TOK_OPEN; }
        if (c == ')') { lx->i++; return TOK_CLOSE; }
        if (c == ';') { lx->i++; return TOK_SEMI; }
        if (is_ident((unsigned char)c)) {
            size_t start = lx->i;
            while (lx->i < lx->n && is_ident((unsigned char)lx->s[lx->i])) lx->i++;
            lx->word = lx->s + start;
            lx->len = lx->i - start;
            /* E'...': a string with backslash escapes */
            if (lx->len == 1 && (c == 'E' || c == 'e') && lx->i < lx->n && lx->s[lx->i] == '\'') {
                skip_quoted(lx, '\'', 1);
                return TOK_OTHER;
            }
            return TOK_WORD;
        }
        lx->i++;
        return TOK_OTHER;
    }
}

/* Words that start the main statement after a WITH clause. */
static int is_verb(const lexer *lx) {
    return word_is(lx, "SELECT") || word_is(lx, "INSERT") || word_is(lx, "REPLACE") || word_is(lx, "UPDATE") ||
           word_is(lx, "DELETE") || word_is(lx, "VALUES");
}

/* Finds the first statement of TEXT that is an UPDATE or DELETE without a top-level WHERE; returns "UPDATE",
 * "DELETE" or NULL. */
static const char *unbounded_write(const char *text, size_t len) {
    lexer lx = {text, len, 0, NULL, 0};
    int depth = 0, in_with = 0, tokens = 0, has_where = 0;
    const char *verb = NULL; /* "UPDATE", "DELETE", or "" for other statements */
    for (;;) {
        int t = next_token(&lx);
        if (t == TOK_END || (t == TOK_SEMI && depth == 0)) {
            if (verb && *verb && !has_where) return verb;
            if (t == TOK_END) return NULL;
            depth = in_with = tokens = has_where = 0;
            verb = NULL;
            continue;
        }
        if (t == TOK_OPEN) { depth++; continue; }
        if (t == TOK_CLOSE) { if (depth > 0) depth--; continue; }
        if (depth > 0) continue;
        tokens++;
        if (t != TOK_WORD) continue;
        if (!verb) {
            if (tokens == 1 && word_is(&lx, "WITH")) { in_with = 1; continue; }
            if (in_with && !is_verb(&lx)) continue; /* RECURSIVE, CTE names, AS, MATERIALIZED... */
            verb = word_is(&lx, "UPDATE") ? "UPDATE" : word_is(&lx, "DELETE") ? "DELETE" : "";
            continue;
        }
        if (*verb && word_is(&lx, "WHERE")) has_where = 1;
    }
}

WASQL_HOOK(on_query) int32_t on_query(wasql_ctx ctx) {
    char *query;
    size_t len;
    int32_t st = wasql_property(ctx, "query", &query, &len);
    if (st != WASQL_OK) return st == WASQL_NOT_FOUND ? WASQL_CONTINUE : 2; /* 2: fail, the text is needed */
    const char *verb = unbounded_write(query, len);
    free(query);
    if (!verb) return WASQL_CONTINUE;
    /* "<VERB> without WHERE is not allowed (plugin <name>); add a WHERE clause" (no printf: a smaller module) */
    char *plugin = wasql_property_str(ctx, "plugin");
    const char *parts[4] = {verb, " without WHERE is not allowed (plugin ", plugin ? plugin : "deny_unbounded_writes",
                            "); add a WHERE clause"};
    char message[512];
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        size_t k = strlen(parts[i]);
        if (k > sizeof message - 1 - n) k = sizeof message - 1 - n;
        memcpy(message + n, parts[i], k);
        n += k;
    }
    message[n] = 0;
    free(plugin);
    wasql_deny_msg(ctx, "42501", message);
    return WASQL_DENY;
}
