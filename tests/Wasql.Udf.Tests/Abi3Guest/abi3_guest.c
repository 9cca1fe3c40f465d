/* abi3_guest.c: an arrow-udf ABI 3 guest written in freestanding C (no libc), speaking the same bytes as a module
 * built with the Rust crate arrow-udf 0.3+. It really parses its input: a minimal Arrow IPC FILE reader (magic,
 * footer, Schema and RecordBatch flatbuffers, field nodes and buffers) and a minimal IPC FILE writer (forward
 * flatbuffer builder) for its outputs. Shapes: int32, utf8, binary, list<int32>, struct<utf8,utf8>.
 * Written from the Arrow columnar/IPC specification (Schema.fbs, Message.fbs, File.fbs field numbers) and the
 * flatbuffers binary layout (uoffset/soffset/vtable). Build: clang-14 --target=wasm32 -O2 -nostdlib -Wl,--no-entry.
 *
 * Extra exports for tests: live_allocs() (blocks allocated and not freed), live_bytes(), bad_calls() (dealloc or iterator calls
 * whose pointer, len or align did not match), iterators_live(). */
#include <stdint.h>
#include <stddef.h>

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))

int ARROWUDF_VERSION_3_0;
int arrowudt_S2V5VmFsdWU9a2V5OnN0cmluZyx2YWx1ZTpzdHJpbmc; /* KeyValue=key:string,value:string */

/* ---------- libc bits the compiler may call ---------- */
void *memcpy(void *d, const void *s, size_t n) { unsigned char *a = d; const unsigned char *b = s; while (n--) *a++ = *b++; return d; }
void *memset(void *d, int c, size_t n) { unsigned char *a = d; while (n--) *a++ = (unsigned char)c; return d; }
void *memmove(void *d, const void *s, size_t n) {
    unsigned char *a = d; const unsigned char *b = s;
    if (a < b) while (n--) *a++ = *b++; else { a += n; b += n; while (n--) *--a = *--b; }
    return d;
}
static int mem_eq(const void *x, const void *y, uint32_t n) { const unsigned char *a = x, *b = y; while (n--) if (*a++ != *b++) return 0; return 1; }

/* ---------- allocator: power-of-two size classes with free lists, 16-byte header, checked frees ---------- */
#define HDR 16u
#define MAGIC_LIVE 0xA110C8EDu
#define MAGIC_FREE 0xF4EEB10Cu
typedef struct { uint32_t magic, len, align, cls; } Hdr;
extern unsigned char __heap_base;
static uintptr_t heap_top, heap_limit;
static void *free_lists[32];
static int32_t g_live, g_bad_calls, g_iters;
static int64_t g_live_bytes;

static void *block_alloc(uint32_t len, uint32_t align) {
    if (align == 0 || (align & (align - 1)) || align > 16 || len > (1u << 30)) return 0;
    uint32_t cls = 5;
    while ((1u << cls) < len + HDR) cls++;
    Hdr *h;
    if (free_lists[cls]) {
        h = free_lists[cls];
        free_lists[cls] = *(void **)((unsigned char *)h + HDR);
    } else {
        if (heap_top == 0) { heap_top = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15; heap_limit = __builtin_wasm_memory_size(0) * 65536u; }
        uintptr_t end = heap_top + (1u << cls);
        if (end < heap_top) return 0;
        if (end > heap_limit) {
            uintptr_t pages = (end - heap_limit + 65535u) / 65536u;
            if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
            heap_limit += pages * 65536u;
        }
        h = (Hdr *)heap_top;
        heap_top = end;
    }
    h->magic = MAGIC_LIVE; h->len = len; h->align = align; h->cls = cls;
    g_live++; g_live_bytes += len;
    return (unsigned char *)h + HDR;
}

/* strict: the host must pass back exactly the len/align it allocated with (as Rust's dealloc requires) */
static void block_free(void *p, uint32_t len, uint32_t align, int strict) {
    if (!p) return;
    Hdr *h = (Hdr *)((unsigned char *)p - HDR);
    if ((uintptr_t)p < (uintptr_t)&__heap_base + HDR || (uintptr_t)p >= heap_top || ((uintptr_t)p & 15) || h->magic != MAGIC_LIVE
        || (strict && (h->len != len || h->align != align))) { g_bad_calls++; return; }
    h->magic = MAGIC_FREE;
    g_live--; g_live_bytes -= h->len;
    *(void **)p = free_lists[h->cls];
    free_lists[h->cls] = h;
}

static void *xmalloc(uint32_t n) { return block_alloc(n, 8); }
static void xfree(void *p) { block_free(p, 0, 0, 0); }

EXPORT(alloc) void *export_alloc(int32_t len, int32_t align) { return len < 0 ? 0 : block_alloc((uint32_t)len, (uint32_t)align); }
EXPORT(dealloc) void export_dealloc(void *p, int32_t len, int32_t align) { block_free(p, (uint32_t)len, (uint32_t)align, 1); }
EXPORT(live_allocs) int32_t live_allocs(void) { return g_live; }
EXPORT(live_bytes) int64_t live_bytes(void) { return g_live_bytes; }
EXPORT(bad_calls) int32_t bad_calls(void) { return g_bad_calls; }
EXPORT(iterators_live) int32_t iterators_live(void) { return g_iters; }

/* ---------- growable byte buffer ---------- */
typedef struct { uint8_t *p; uint32_t n, cap; } Buf;
static int g_oom;

static int buf_reserve(Buf *b, uint32_t extra) {
    if (g_oom) return 0;
    if (b->n + extra <= b->cap) return 1;
    uint32_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + extra) { if (cap > (1u << 29)) { g_oom = 1; return 0; } cap *= 2; }
    uint8_t *q = xmalloc(cap);
    if (!q) { g_oom = 1; return 0; }
    if (b->n) memcpy(q, b->p, b->n);
    xfree(b->p);
    b->p = q; b->cap = cap;
    return 1;
}
static void buf_put(Buf *b, const void *d, uint32_t n) { if (buf_reserve(b, n)) { memcpy(b->p + b->n, d, n); b->n += n; } }
static void buf_zero(Buf *b, uint32_t n) { if (buf_reserve(b, n)) { memset(b->p + b->n, 0, n); b->n += n; } }
static void buf_u8(Buf *b, uint8_t v) { buf_put(b, &v, 1); }
static void buf_u16(Buf *b, uint16_t v) { buf_put(b, &v, 2); } /* wasm is little-endian, as Arrow IPC here */
static void buf_u32(Buf *b, uint32_t v) { buf_put(b, &v, 4); }
static void buf_u64(Buf *b, uint64_t v) { buf_put(b, &v, 8); }
static void buf_align(Buf *b, uint32_t a) { while (b->n % a) buf_u8(b, 0); }
static void buf_free(Buf *b) { xfree(b->p); b->p = 0; b->n = b->cap = 0; }
static void patch32(Buf *b, uint32_t at, uint32_t v) { if (!g_oom) memcpy(b->p + at, &v, 4); }

/* ---------- errors ---------- */
static const char *g_err;
static char g_errbuf[160];
static int fail(const char *m) { if (!g_err) g_err = m; return 0; }
static char *fmt_int(char *o, int64_t v) {
    char t[24]; int k = 0; uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;
    do { t[k++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) *o++ = '-';
    while (k) *o++ = t[--k];
    return o;
}
static char *fmt_str(char *o, const char *s) { while (*s) *o++ = *s++; return o; }
static uint32_t str_len(const char *s) { uint32_t n = 0; while (s[n]) n++; return n; }

/* rc -1 with a UTF-8 message in a fresh result buffer */
static int32_t return_error(uint32_t *cs, const char *m) {
    uint32_t n = str_len(m);
    char *o = block_alloc(n, 1);
    if (!o) { cs[0] = 0; cs[1] = 0; return -1; }
    memcpy(o, m, n);
    cs[0] = (uint32_t)(uintptr_t)o; cs[1] = n;
    return -1;
}

/* ================= IPC FILE reader ================= */
/* Flatbuffer type ids (Schema.fbs union Type) and header ids (Message.fbs union MessageHeader). */
enum { T_NULL = 1, T_INT = 2, T_FLOAT = 3, T_BINARY = 4, T_UTF8 = 5, T_BOOL = 6, T_LIST = 12, T_STRUCT = 13 };
enum { H_SCHEMA = 1, H_RECORD_BATCH = 3 };

static const uint8_t *F;  /* the input file */
static uint32_t FN;

static int in_file(uint64_t pos, uint64_t len) { return pos <= FN && len <= FN - pos; }
static uint32_t rd32(uint64_t p) { uint32_t v = 0; if (!in_file(p, 4)) { fail("flatbuffer read out of bounds"); return 0; } memcpy(&v, F + p, 4); return v; }
static uint16_t rd16(uint64_t p) { uint16_t v = 0; if (!in_file(p, 2)) { fail("flatbuffer read out of bounds"); return 0; } memcpy(&v, F + p, 2); return v; }
static uint8_t rd8(uint64_t p) { if (!in_file(p, 1)) { fail("flatbuffer read out of bounds"); return 0; } return F[p]; }
static int64_t rd64(uint64_t p) { int64_t v = 0; if (!in_file(p, 8)) { fail("flatbuffer read out of bounds"); return 0; } memcpy(&v, F + p, 8); return v; }

/* Absolute position of field i of the table at t, or 0 when absent (vtable: u16 size, u16 table size, u16 offsets). */
static uint32_t tfield(uint32_t t, int i) {
    if (g_err) return 0;
    int32_t so = (int32_t)rd32(t);
    int64_t vt = (int64_t)t - so;
    if (vt < 0 || vt > FN) { fail("bad vtable offset"); return 0; }
    uint16_t vsize = rd16((uint64_t)vt);
    if (4u + 2u * (uint32_t)i + 2u > vsize) return 0;
    uint16_t o = rd16((uint64_t)vt + 4 + 2 * (uint32_t)i);
    return o ? t + o : 0;
}
/* Follows an offset field (uoffset relative to the field itself); 0 when absent. */
static uint32_t tref(uint32_t t, int i) {
    uint32_t p = tfield(t, i);
    if (!p) return 0;
    uint64_t q = (uint64_t)p + rd32(p);
    if (q >= FN) { fail("offset out of bounds"); return 0; }
    return (uint32_t)q;
}
static int64_t tint(uint32_t t, int i, int size, int64_t dflt) {
    uint32_t p = tfield(t, i);
    if (!p) return dflt;
    return size == 1 ? rd8(p) : size == 2 ? (int16_t)rd16(p) : size == 4 ? (int32_t)rd32(p) : rd64(p);
}
/* Vector at v: u32 count then elements; checks that count * elem bytes fit. */
static uint32_t vcount(uint32_t v, uint32_t elem) {
    if (!v) return 0;
    uint32_t n = rd32(v);
    if (!in_file((uint64_t)v + 4, (uint64_t)n * elem)) { fail("vector out of bounds"); return 0; }
    return n;
}

typedef struct Col {
    uint8_t type;          /* T_* */
    int32_t bits;          /* Int bit width */
    int64_t len, nulls;
    const uint8_t *valid;  /* NULL: no bitmap (all valid) */
    const uint8_t *b1;     /* values (int) or offsets (utf8/binary/list) */
    const uint8_t *b2;     /* data (utf8/binary) */
    uint64_t n1, n2;
    int nch;
    struct Col *ch;
} Col;

static Col col_pool[96];
static int col_used;

typedef struct { uint32_t nodes, nnodes, ni, bufs, nbufs, bi; uint64_t body, body_len; int64_t rows; } Cursor;

static const uint8_t *take_buffer(Cursor *c, uint64_t *len) {
    if (c->bi >= c->nbufs) { fail("too few buffers in record batch"); return 0; }
    uint64_t at = (uint64_t)c->bufs + 4 + 16ull * c->bi++;
    int64_t off = rd64(at), n = rd64(at + 8);
    if (off < 0 || n < 0 || (uint64_t)off > c->body_len || (uint64_t)n > c->body_len - (uint64_t)off) { fail("buffer outside the body"); return 0; }
    *len = (uint64_t)n;
    return n ? F + c->body + off : 0;
}

static int valid_at(const Col *c, int64_t i) { return !c->valid || ((c->valid[i >> 3] >> (i & 7)) & 1); }

static int check_offsets(const Col *c, uint64_t limit) {
    if (c->len == 0) return 1;
    if (c->n1 < (uint64_t)(c->len + 1) * 4) return fail("offsets buffer too short");
    const int32_t *o = (const int32_t *)c->b1;
    if (o[0] < 0) return fail("negative offset");
    for (int64_t i = 0; i < c->len; i++)
        if (o[i + 1] < o[i]) return fail("offsets not monotonic");
    if ((uint64_t)o[c->len] > limit) return fail("offset past the data");
    return 1;
}

/* Loads one column (pre-order: node, buffers, then children), following the schema field at f. */
static int load_col(Cursor *cur, uint32_t f, Col *c, int depth) {
    if (depth > 8) return fail("nesting too deep");
    if (tref(f, 4)) return fail("dictionary-encoded columns are not supported");
    uint8_t tt = (uint8_t)tint(f, 2, 1, 0);
    uint32_t type = tref(f, 3);
    c->type = tt; c->bits = 0; c->nch = 0; c->ch = 0; c->valid = c->b1 = c->b2 = 0; c->n1 = c->n2 = 0;
    if (cur->ni >= cur->nnodes) return fail("too few field nodes in record batch");
    uint64_t node = (uint64_t)cur->nodes + 4 + 16ull * cur->ni++;
    c->len = rd64(node); c->nulls = rd64(node + 8);
    if (c->len < 0 || c->nulls < 0 || c->nulls > c->len || c->len > (1 << 28)) return fail("bad field node");
    if (tt == T_NULL) return 1; /* no buffers */
    uint64_t vlen;
    c->valid = take_buffer(cur, &vlen);
    if (c->nulls > 0 && vlen < (uint64_t)(c->len + 7) / 8) return fail("validity bitmap too short");
    if (c->nulls == 0) c->valid = 0;
    if (c->valid) { /* the null count must agree with the bitmap */
        int64_t z = 0;
        for (int64_t i = 0; i < c->len; i++) z += !valid_at(c, i);
        if (z != c->nulls) return fail("null count disagrees with the validity bitmap");
    }
    switch (tt) {
    case T_INT:
        if (!type) return fail("Int type table missing");
        c->bits = (int32_t)tint(type, 0, 4, 0);
        if (c->bits != 8 && c->bits != 16 && c->bits != 32 && c->bits != 64) return fail("bad Int bit width");
        c->b1 = take_buffer(cur, &c->n1);
        if (c->n1 < (uint64_t)c->len * (uint64_t)(c->bits / 8)) return fail("values buffer too short");
        return !g_err;
    case T_UTF8: case T_BINARY:
        c->b1 = take_buffer(cur, &c->n1);
        c->b2 = take_buffer(cur, &c->n2);
        return !g_err && check_offsets(c, c->n2);
    case T_LIST: case T_STRUCT: {
        uint32_t kids = tref(f, 5);
        uint32_t nk = vcount(kids, 4);
        if (tt == T_LIST) {
            c->b1 = take_buffer(cur, &c->n1);
            if (nk != 1) return fail("a list has one child");
        }
        if (col_used + (int)nk > (int)(sizeof col_pool / sizeof col_pool[0])) return fail("too many columns");
        c->ch = &col_pool[col_used]; c->nch = (int)nk; col_used += (int)nk;
        for (uint32_t k = 0; k < nk; k++) {
            uint32_t e = kids + 4 + 4 * k;
            if (!load_col(cur, e + rd32(e), &c->ch[k], depth + 1)) return 0;
            if (tt == T_STRUCT && c->ch[k].len < c->len) return fail("struct child shorter than the struct");
        }
        if (tt == T_LIST) return check_offsets(c, (uint64_t)c->ch[0].len);
        return !g_err;
    }
    default: {
        char *o = fmt_str(g_errbuf, "unsupported column type id ");
        o = fmt_int(o, tt); *o = 0;
        return fail(g_errbuf);
    }
    }
}

/* Parses an IPC FILE: returns the number of columns loaded into cols (>= 0) or -1 with g_err set. */
static int read_file(const uint8_t *p, uint32_t n, Col *cols, int max_cols, int64_t *rows) {
    F = p; FN = n; col_used = 0;
    if (n < 6 + 2 + 4 + 6 || !mem_eq(p, "ARROW1", 6) || !mem_eq(p + n - 6, "ARROW1", 6)) { fail("input is not an Arrow IPC file (magic)"); return -1; }
    int32_t flen = (int32_t)rd32(n - 10);
    if (flen <= 0 || (uint32_t)flen > n - 18) { fail("bad footer length"); return -1; }
    uint32_t footer = n - 10 - (uint32_t)flen;
    uint32_t root = footer + rd32(footer);
    uint32_t schema = tref(root, 1);
    if (!schema) { fail("footer has no schema"); return -1; }
    if (tint(schema, 0, 2, 0) != 0) { fail("big-endian data is not supported"); return -1; }
    uint32_t fields = tref(schema, 1);
    uint32_t nf = vcount(fields, 4);
    uint32_t batches = tref(root, 3);
    uint32_t nb = vcount(batches, 24);
    if (g_err) return -1;
    if (nb != 1) { fail("expected exactly one record batch"); return -1; }
    /* Block { offset: long; metaDataLength: int; (pad); bodyLength: long } */
    int64_t boff = rd64(batches + 4), bbody = rd64(batches + 4 + 16);
    int32_t bmeta = (int32_t)rd32(batches + 4 + 8);
    if (boff < 8 || bmeta < 8 || bbody < 0 || !in_file((uint64_t)boff, (uint64_t)bmeta + (uint64_t)bbody)) { fail("record batch block out of bounds"); return -1; }
    uint32_t m = (uint32_t)boff, fb;
    if (rd32(m) == 0xFFFFFFFFu) fb = m + 8; else fb = m + 4; /* continuation marker, or pre-1.0 length prefix */
    uint32_t msg = fb + rd32(fb);
    if (tint(msg, 1, 1, 0) != H_RECORD_BATCH) { fail("block is not a record batch message"); return -1; }
    uint32_t rb = tref(msg, 2);
    if (!rb || g_err) { fail("record batch header missing"); return -1; }
    if (tref(rb, 3)) { fail("compressed bodies are not supported"); return -1; }
    Cursor cur = {0};
    cur.rows = tint(rb, 0, 8, 0);
    cur.nodes = tref(rb, 1); cur.nnodes = vcount(cur.nodes, 16);
    cur.bufs = tref(rb, 2); cur.nbufs = vcount(cur.bufs, 16);
    cur.body = (uint64_t)boff + (uint64_t)bmeta; cur.body_len = (uint64_t)bbody;
    if (g_err) return -1;
    if (cur.rows < 0 || cur.rows > (1 << 28)) { fail("bad row count"); return -1; }
    if ((int)nf > max_cols) { fail("too many columns"); return -1; }
    for (uint32_t i = 0; i < nf; i++) {
        uint32_t e = fields + 4 + 4 * i;
        if (!load_col(&cur, e + rd32(e), &cols[i], 0)) return -1;
        if (cols[i].len != cur.rows) { fail("column length differs from the row count"); return -1; }
    }
    *rows = cur.rows;
    return (int)nf;
}

/* Expected column shapes: 'i' int32, 's' utf8, 'b' binary, 'L' list<int32>. */
static int shape_ok(const Col *c, char s) {
    switch (s) {
    case 'i': return c->type == T_INT && c->bits == 32;
    case 's': return c->type == T_UTF8;
    case 'b': return c->type == T_BINARY;
    case 'L': return c->type == T_LIST && c->nch == 1 && shape_ok(&c->ch[0], 'i');
    default: return 0;
    }
}
static int check_shapes(const Col *cols, int ncols, const char *spec) {
    int want = (int)str_len(spec);
    if (ncols < want) {
        char *o = fmt_str(g_errbuf, "expected ");
        o = fmt_int(o, want); o = fmt_str(o, " columns, got "); o = fmt_int(o, ncols); *o = 0;
        return fail(g_errbuf);
    }
    for (int i = 0; i < want; i++)
        if (!shape_ok(&cols[i], spec[i])) {
            char *o = fmt_str(g_errbuf, "column ");
            o = fmt_int(o, i); o = fmt_str(o, ": expected shape '"); *o++ = spec[i];
            o = fmt_str(o, "', got type id "); o = fmt_int(o, cols[i].type); *o = 0;
            return fail(g_errbuf);
        }
    return 1;
}

static int32_t i32_at(const Col *c, int64_t i) { int32_t v; memcpy(&v, c->b1 + 4 * i, 4); return v; }
static int32_t off_at(const Col *c, int64_t i) { return i32_at(c, i); }
static const uint8_t *bytes_at(const Col *c, int64_t i, uint32_t *n) {
    int32_t a = off_at(c, i), b = off_at(c, i + 1);
    *n = (uint32_t)(b - a);
    return c->b2 + a;
}

/* ================= output columns and the IPC FILE writer ================= */
typedef struct OCol {
    const char *name;
    uint8_t type;          /* T_INT (int32), T_UTF8, T_BINARY, T_STRUCT */
    int64_t len, nulls;
    Buf valid, b1, b2;
    int nch;
    struct OCol *ch;
} OCol;

static void oc_init(OCol *c, const char *name, uint8_t type) {
    memset(c, 0, sizeof *c);
    c->name = name; c->type = type;
    if (type == T_UTF8 || type == T_BINARY) buf_u32(&c->b1, 0);
}
static void oc_bit(OCol *c, int valid) {
    if (c->len % 8 == 0) buf_u8(&c->valid, 0);
    if (valid && !g_oom) c->valid.p[c->len >> 3] |= (uint8_t)(1u << (c->len & 7));
    if (!valid) c->nulls++;
    c->len++;
}
static void oc_null(OCol *c) {
    if (c->type == T_INT) buf_u32(&c->b1, 0);
    else if (c->type == T_UTF8 || c->type == T_BINARY) buf_u32(&c->b1, c->b2.n);
    else for (int k = 0; k < c->nch; k++) oc_null(&c->ch[k]);
    oc_bit(c, 0);
}
static void oc_i32(OCol *c, int32_t v) { buf_u32(&c->b1, (uint32_t)v); oc_bit(c, 1); }
static void oc_bytes(OCol *c, const void *p, uint32_t n) { buf_put(&c->b2, p, n); buf_u32(&c->b1, c->b2.n); oc_bit(c, 1); }
static void oc_free(OCol *c) {
    buf_free(&c->valid); buf_free(&c->b1); buf_free(&c->b2);
    for (int k = 0; k < c->nch; k++) oc_free(&c->ch[k]);
}

/* Forward flatbuffer builder: a table is written as vtable then table (soffset = table - vtable > 0); children are
 * written after their parent, and the parent's uoffset fields are patched (target - field position). */
typedef struct { uint8_t size; uint64_t v; } TF; /* size 0: absent; offset fields: size 4, patched later */

static uint32_t w_table(Buf *w, int n, const TF *f, uint32_t *fpos) {
    uint16_t fo[8];
    uint32_t off = 4;
    for (int i = 0; i < n; i++) {
        if (!f[i].size) { fo[i] = 0; continue; }
        off = (off + f[i].size - 1) & ~(uint32_t)(f[i].size - 1);
        fo[i] = (uint16_t)off;
        off += f[i].size;
    }
    buf_align(w, 2);
    uint32_t vt = w->n;
    buf_u16(w, (uint16_t)(4 + 2 * n));
    buf_u16(w, (uint16_t)off);
    for (int i = 0; i < n; i++) buf_u16(w, fo[i]);
    buf_align(w, 8);
    uint32_t t = w->n;
    buf_u32(w, t - vt);
    buf_zero(w, off - 4);
    for (int i = 0; i < n; i++) {
        if (fpos) fpos[i] = fo[i] ? t + fo[i] : 0;
        if (fo[i] && !g_oom) memcpy(w->p + t + fo[i], &f[i].v, f[i].size);
    }
    return t;
}
static void w_link(Buf *w, uint32_t field, uint32_t target) { patch32(w, field, target - field); }
static uint32_t w_string(Buf *w, const char *s) {
    uint32_t n = str_len(s);
    buf_align(w, 4);
    uint32_t at = w->n;
    buf_u32(w, n); buf_put(w, s, n); buf_u8(w, 0);
    return at;
}
/* A vector of n uoffsets; returns its position; element k is at pos + 4 + 4k. */
static uint32_t w_offvec(Buf *w, uint32_t n) {
    buf_align(w, 4);
    uint32_t at = w->n;
    buf_u32(w, n); buf_zero(w, 4 * n);
    return at;
}
/* A vector of 8-byte-aligned structs: the count sits just before an 8-aligned position. */
static uint32_t w_structvec_begin(Buf *w, uint32_t n) {
    buf_align(w, 4);
    if ((w->n + 4) % 8) buf_u32(w, 0);
    uint32_t at = w->n;
    buf_u32(w, n);
    return at;
}

static uint32_t w_field(Buf *w, const OCol *c) {
    /* Field: 0 name, 1 nullable, 2 type_type, 3 type, 4 dictionary, 5 children, 6 custom_metadata */
    uint8_t tt = c->type;
    TF f[6] = {{4, 0}, {1, 1}, {1, tt}, {4, 0}, {0, 0}, {4, 0}};
    uint32_t fp[6];
    uint32_t t = w_table(w, 6, f, fp);
    w_link(w, fp[0], w_string(w, c->name));
    uint32_t ty;
    if (tt == T_INT) { TF it[2] = {{4, 32}, {1, 1}}; ty = w_table(w, 2, it, 0); } /* Int { bitWidth, is_signed } */
    else ty = w_table(w, 0, 0, 0);                                                /* Utf8 {}, Binary {}, Struct_ {} */
    w_link(w, fp[3], ty);
    uint32_t kids = w_offvec(w, (uint32_t)c->nch);
    w_link(w, fp[5], kids);
    for (int k = 0; k < c->nch; k++) w_link(w, kids + 4 + 4 * k, w_field(w, &c->ch[k]));
    return t;
}
static uint32_t w_schema(Buf *w, const OCol *cols, int n) {
    TF f[2] = {{0, 0}, {4, 0}}; /* Schema: 0 endianness (default Little), 1 fields */
    uint32_t fp[2];
    uint32_t t = w_table(w, 2, f, fp);
    uint32_t v = w_offvec(w, (uint32_t)n);
    w_link(w, fp[1], v);
    for (int i = 0; i < n; i++) w_link(w, v + 4 + 4 * i, w_field(w, &cols[i]));
    return t;
}

typedef struct { const uint8_t *p; uint64_t n; } BufRef;
static BufRef g_bufs[64];
static int64_t g_nodes[64][2];
static int g_nb, g_nn;

static int collect(const OCol *c) {
    if (g_nn >= 64 || g_nb + 3 > 64) return fail("too many output buffers");
    g_nodes[g_nn][0] = c->len; g_nodes[g_nn][1] = c->nulls; g_nn++;
    g_bufs[g_nb].p = c->valid.p; g_bufs[g_nb].n = c->nulls ? (c->len + 7) / 8 : 0; g_nb++;
    if (c->type == T_INT) { g_bufs[g_nb].p = c->b1.p; g_bufs[g_nb].n = 4 * (uint64_t)c->len; g_nb++; }
    else if (c->type == T_UTF8 || c->type == T_BINARY) {
        g_bufs[g_nb].p = c->b1.p; g_bufs[g_nb].n = 4 * (uint64_t)(c->len + 1); g_nb++;
        g_bufs[g_nb].p = c->b2.p; g_bufs[g_nb].n = c->b2.n; g_nb++;
    }
    for (int k = 0; k < c->nch; k++) if (!collect(&c->ch[k])) return 0;
    return 1;
}

/* Starts an encapsulated message: continuation marker, length placeholder, root uoffset; returns the marker position. */
static uint32_t w_message(Buf *w, uint8_t header_type, int64_t body_len, uint32_t *header_field) {
    buf_align(w, 8);
    uint32_t start = w->n;
    buf_u32(w, 0xFFFFFFFFu); buf_u32(w, 0);
    uint32_t fb = w->n;
    buf_u32(w, 0);
    /* Message: 0 version (V5 = 4), 1 header_type, 2 header, 3 bodyLength */
    TF f[4] = {{2, 4}, {1, header_type}, {4, 0}, {8, (uint64_t)body_len}};
    uint32_t fp[4];
    uint32_t t = w_table(w, 4, f, fp);
    w_link(w, fb, t);
    *header_field = fp[2];
    return start;
}
static void w_message_end(Buf *w, uint32_t start) {
    buf_align(w, 8);
    patch32(w, start + 4, w->n - (start + 8));
}

/* Writes cols as an IPC FILE into a fresh result buffer (exact size, align 1) and fills the CSlice. */
static int32_t write_file(OCol *cols, int n, int64_t rows, uint32_t *cs) {
    g_nb = g_nn = 0;
    for (int i = 0; i < n; i++) if (!collect(&cols[i])) return return_error(cs, g_err);
    uint64_t body_len = 0;
    for (int i = 0; i < g_nb; i++) body_len += (g_bufs[i].n + 7) & ~7ull;

    Buf w = {0};
    buf_put(&w, "ARROW1\0\0", 8);
    uint32_t hf;
    uint32_t s = w_message(&w, H_SCHEMA, 0, &hf);
    w_link(&w, hf, w_schema(&w, cols, n));
    w_message_end(&w, s);

    uint32_t rb_start = w_message(&w, H_RECORD_BATCH, (int64_t)body_len, &hf);
    TF f[3] = {{8, (uint64_t)rows}, {4, 0}, {4, 0}}; /* RecordBatch: 0 length, 1 nodes, 2 buffers */
    uint32_t fp[3];
    uint32_t rb = w_table(&w, 3, f, fp);
    w_link(&w, hf, rb);
    uint32_t v = w_structvec_begin(&w, (uint32_t)g_nn);
    w_link(&w, fp[1], v);
    for (int i = 0; i < g_nn; i++) { buf_u64(&w, (uint64_t)g_nodes[i][0]); buf_u64(&w, (uint64_t)g_nodes[i][1]); }
    v = w_structvec_begin(&w, (uint32_t)g_nb);
    w_link(&w, fp[2], v);
    uint64_t off = 0;
    for (int i = 0; i < g_nb; i++) { buf_u64(&w, off); buf_u64(&w, g_bufs[i].n); off += (g_bufs[i].n + 7) & ~7ull; }
    w_message_end(&w, rb_start);
    uint32_t body = w.n;
    for (int i = 0; i < g_nb; i++) { if (g_bufs[i].n) buf_put(&w, g_bufs[i].p, (uint32_t)g_bufs[i].n); buf_align(&w, 8); }

    buf_u32(&w, 0xFFFFFFFFu); buf_u32(&w, 0); /* end-of-stream marker */
    uint32_t footer = w.n;
    buf_u32(&w, 0);
    /* Footer: 0 version, 1 schema, 2 dictionaries, 3 recordBatches */
    TF ff[4] = {{2, 4}, {4, 0}, {0, 0}, {4, 0}};
    uint32_t ffp[4];
    uint32_t ft = w_table(&w, 4, ff, ffp);
    w_link(&w, footer, ft);
    w_link(&w, ffp[1], w_schema(&w, cols, n));
    v = w_structvec_begin(&w, 1);
    w_link(&w, ffp[3], v);
    buf_u64(&w, rb_start); buf_u32(&w, body - rb_start); buf_u32(&w, 0); buf_u64(&w, body_len);
    uint32_t flen = w.n - footer;
    buf_u32(&w, flen);
    buf_put(&w, "ARROW1", 6);

    if (g_oom) { buf_free(&w); return return_error(cs, "out of memory"); }
    uint8_t *out = block_alloc(w.n, 1);
    if (!out) { buf_free(&w); return return_error(cs, "out of memory"); }
    memcpy(out, w.p, w.n);
    cs[0] = (uint32_t)(uintptr_t)out; cs[1] = w.n;
    buf_free(&w);
    return 0;
}

/* ================= functions ================= */
#define MAX_COLS 20
typedef void (*ScalarBody)(const Col *in, int64_t rows, OCol *out, int *nout);

static int32_t run_scalar(const uint8_t *p, int32_t n, uint32_t *cs, const char *spec, ScalarBody body) {
    static Col cols[MAX_COLS];
    g_err = 0; g_oom = 0;
    int64_t rows = 0;
    int nc = read_file(p, (uint32_t)n, cols, MAX_COLS, &rows);
    if (nc < 0 || !check_shapes(cols, nc, spec)) return return_error(cs, g_err);
    OCol out[2];
    int nout = 0;
    body(cols, rows, out, &nout);
    int32_t rc = g_oom ? return_error(cs, "out of memory") : write_file(out, nout, rows, cs);
    for (int i = 0; i < nout; i++) oc_free(&out[i]);
    return rc;
}

static void gcd_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    oc_init(&out[0], "gcd", T_INT); *nout = 1;
    for (int64_t i = 0; i < rows; i++) {
        if (!valid_at(&in[0], i) || !valid_at(&in[1], i)) { oc_null(&out[0]); continue; }
        int32_t a = i32_at(&in[0], i), b = i32_at(&in[1], i);
        while (b != 0) { int32_t t = a % b; a = b; b = t; }
        oc_i32(&out[0], a);
    }
}

static void div_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    oc_init(&out[0], "div", T_INT); oc_init(&out[1], "error", T_UTF8); *nout = 2;
    for (int64_t i = 0; i < rows; i++) {
        if (!valid_at(&in[0], i) || !valid_at(&in[1], i)) { oc_null(&out[0]); oc_null(&out[1]); continue; }
        int32_t a = i32_at(&in[0], i), b = i32_at(&in[1], i);
        const char *e = b == 0 ? "division by zero" : (a == INT32_MIN && b == -1) ? "integer overflow" : 0;
        if (e) { oc_null(&out[0]); oc_bytes(&out[1], e, str_len(e)); }
        else { oc_i32(&out[0], a / b); oc_null(&out[1]); }
    }
}

static OCol kv_children[2];
static void key_value_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    oc_init(&out[0], "key_value", T_STRUCT); *nout = 1;
    oc_init(&kv_children[0], "key", T_UTF8); oc_init(&kv_children[1], "value", T_UTF8);
    out[0].ch = kv_children; out[0].nch = 2;
    for (int64_t i = 0; i < rows; i++) {
        uint32_t n, eq = 0;
        const uint8_t *s = valid_at(&in[0], i) ? bytes_at(&in[0], i, &n) : 0;
        if (s) while (eq < n && s[eq] != '=') eq++;
        if (!s || eq == n) { oc_null(&out[0]); continue; } /* NULL input, or no '=' (Option::None) */
        oc_bytes(&kv_children[0], s, eq);
        oc_bytes(&kv_children[1], s + eq + 1, n - eq - 1);
        oc_bit(&out[0], 1);
    }
}

static void array_sum_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    oc_init(&out[0], "array_sum", T_INT); *nout = 1;
    const Col *items = &in[0].ch[0];
    for (int64_t i = 0; i < rows; i++) {
        if (!valid_at(&in[0], i)) { oc_null(&out[0]); continue; }
        uint32_t sum = 0;
        for (int32_t k = off_at(&in[0], i); k < off_at(&in[0], i + 1); k++)
            if (valid_at(items, k)) sum += (uint32_t)i32_at(items, k); /* a NULL element counts as 0 */
        oc_i32(&out[0], (int32_t)sum);
    }
}

static void concat_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    oc_init(&out[0], "concat", T_UTF8); *nout = 1;
    for (int64_t i = 0; i < rows; i++) {
        if (!valid_at(&in[0], i) || !valid_at(&in[1], i)) { oc_null(&out[0]); continue; }
        uint32_t na, nb;
        const uint8_t *a = bytes_at(&in[0], i, &na), *b = bytes_at(&in[1], i, &nb);
        buf_put(&out[0].b2, a, na);
        oc_bytes(&out[0], b, nb);
    }
}

static void bytes_len_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    oc_init(&out[0], "bytes_len", T_INT); *nout = 1;
    for (int64_t i = 0; i < rows; i++) {
        uint32_t n;
        if (!valid_at(&in[0], i)) { oc_null(&out[0]); continue; }
        bytes_at(&in[0], i, &n);
        oc_i32(&out[0], (int32_t)n);
    }
}

static void reverse_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    oc_init(&out[0], "reverse", T_BINARY); *nout = 1;
    for (int64_t i = 0; i < rows; i++) {
        uint32_t n;
        if (!valid_at(&in[0], i)) { oc_null(&out[0]); continue; }
        const uint8_t *s = bytes_at(&in[0], i, &n);
        if (!buf_reserve(&out[0].b2, n)) return;
        for (uint32_t k = 0; k < n; k++) out[0].b2.p[out[0].b2.n++] = s[n - 1 - k];
        buf_u32(&out[0].b1, out[0].b2.n);
        oc_bit(&out[0], 1);
    }
}

static void sum16_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    oc_init(&out[0], "sum16", T_INT); *nout = 1;
    for (int64_t i = 0; i < rows; i++) {
        uint32_t sum = 0;
        int null = 0;
        for (int c = 0; c < 16; c++) {
            if (!valid_at(&in[c], i)) { null = 1; break; }
            sum += (uint32_t)i32_at(&in[c], i);
        }
        if (null) oc_null(&out[0]); else oc_i32(&out[0], (int32_t)sum);
    }
}

static void int_42_body(const Col *in, int64_t rows, OCol *out, int *nout) {
    (void)in;
    oc_init(&out[0], "int_42", T_INT); *nout = 1;
    for (int64_t i = 0; i < rows; i++) oc_i32(&out[0], 42); /* no arguments: sized by the batch's row count */
}

#define SCALAR(sym, spec, body) \
    __attribute__((export_name("arrowudf_" sym))) int32_t body##_export(const uint8_t *p, int32_t n, uint32_t *cs) { return run_scalar(p, n, cs, spec, body); }

SCALAR("Z2NkKGludDMyLGludDMyKS0$aW50MzI", "ii", gcd_body)                            /* gcd(int32,int32)->int32 */
SCALAR("ZGl2KGludDMyLGludDMyKS0$aW50MzI", "ii", div_body)                            /* div(int32,int32)->int32 */
SCALAR("a2V5X3ZhbHVlKHN0cmluZyktPnN0cnVjdCBLZXlWYWx1ZQ", "s", key_value_body)        /* key_value(string)->struct KeyValue */
SCALAR("YXJyYXlfc3VtKGludDMyW10pLT5pbnQzMg", "L", array_sum_body)                    /* array_sum(int32[])->int32 */
SCALAR("Y29uY2F0KHN0cmluZyxzdHJpbmcpLT5zdHJpbmc", "ss", concat_body)                 /* concat(string,string)->string */
SCALAR("Ynl0ZXNfbGVuKGJpbmFyeSktPmludDMy", "b", bytes_len_body)                      /* bytes_len(binary)->int32 */
SCALAR("cmV2ZXJzZShiaW5hcnkpLT5iaW5hcnk", "b", reverse_body)                         /* reverse(binary)->binary */
SCALAR("c3VtMTYoaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIsaW50MzIpLT5pbnQzMg",
       "iiiiiiiiiiiiiiii", sum16_body)                                                /* sum16(16 x int32)->int32 */
SCALAR("aW50XzQyKCktPmludDMy", "", int_42_body)                                         /* int_42()->int32 */

/* ---------- table function range(int32)->>int32: for each non-NULL n, rows (input row, 0..n-1) ---------- */
#define ITER_MAGIC 0x17E2A7E5u
#define BATCH_ROWS 1024
typedef struct { uint32_t magic; int64_t rows, row; int32_t next; int32_t *n; } RangeIter;

__attribute__((export_name("arrowudf_cmFuZ2UoaW50MzIpLT4$aW50MzI")))
int32_t range_export(const uint8_t *p, int32_t n, uint32_t *cs) {
    static Col cols[MAX_COLS];
    g_err = 0; g_oom = 0;
    int64_t rows = 0;
    int nc = read_file(p, (uint32_t)n, cols, MAX_COLS, &rows);
    if (nc < 0 || !check_shapes(cols, nc, "i")) return return_error(cs, g_err);
    RangeIter *it = xmalloc(sizeof *it);
    int32_t *copy = rows ? xmalloc((uint32_t)rows * 4) : 0;
    if (!it || (rows && !copy)) { xfree(it); xfree(copy); return return_error(cs, "out of memory"); }
    for (int64_t i = 0; i < rows; i++) copy[i] = valid_at(&cols[0], i) ? i32_at(&cols[0], i) : -1; /* NULL: no rows */
    it->magic = ITER_MAGIC; it->rows = rows; it->row = 0; it->next = 0; it->n = copy;
    g_iters++;
    cs[0] = (uint32_t)(uintptr_t)it;
    cs[1] = 0x5EED; /* not a buffer: the host must not free it */
    return 0;
}

static RangeIter *iter_of(int32_t h) {
    RangeIter *it = (RangeIter *)(uintptr_t)(uint32_t)h;
    if (!it || (uintptr_t)it < (uintptr_t)&__heap_base || (uintptr_t)it >= heap_top || it->magic != ITER_MAGIC) return 0;
    return it;
}

EXPORT(record_batch_iterator_next) void iterator_next(int32_t h, uint32_t *cs) {
    RangeIter *it = iter_of(h);
    cs[0] = 0; cs[1] = 0;
    if (!it) { g_bad_calls++; return; }
    g_err = 0; g_oom = 0;
    OCol out[2];
    oc_init(&out[0], "row", T_INT); oc_init(&out[1], "range", T_INT);
    int64_t count = 0;
    while (count < BATCH_ROWS && it->row < it->rows) {
        if (it->next >= it->n[it->row]) { it->row++; it->next = 0; continue; }
        oc_i32(&out[0], (int32_t)it->row); oc_i32(&out[1], it->next++);
        count++;
    }
    if (count > 0 && !g_oom && write_file(out, 2, count, cs) != 0) { /* an error inside the iterator: plain end of stream */
        if (cs[0]) block_free((void *)(uintptr_t)cs[0], cs[1], 1, 1);
        cs[0] = 0; cs[1] = 0;
    }
    oc_free(&out[0]); oc_free(&out[1]);
}

EXPORT(record_batch_iterator_drop) void iterator_drop(int32_t h) {
    RangeIter *it = iter_of(h);
    if (!it) { g_bad_calls++; return; }
    it->magic = 0;
    xfree(it->n);
    xfree(it);
    g_iters--;
}
