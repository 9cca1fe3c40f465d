// test-c.mjs: tests of the C SDK (sdk/c/wasql_plugin.h) and the C example plugins, with the mock host.
//
//   examples/plugins/build-c.sh build/c && node sdk/testing/test-c.mjs build/c
//
// BUILD_DIR holds deny_unbounded_writes.wasm, mask_columns.wasm and allow_all.wasm. The test also compiles a
// self-test plugin (below, into BUILD_DIR/sdk_selftest.wasm) with clang (CLANG, default clang-14) that exercises the
// SDK's helpers, its Arrow decoder and its Arrow writer. Exits non-zero when a test fails.

import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import {
    Table, tableFromIPC, tableToIPC, vectorFromArray, Int16, Int32, Int64, Uint8, Uint64, Float32, Float64, Bool, Utf8,
    Binary, LargeUtf8, LargeBinary, Type,
} from 'apache-arrow';
import { runHook, loadPlugin, createKv, kvGet, kvGetString, kvSet, validatePlugin } from './mock_host.mjs';

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv.length !== 3) {
    console.error('usage: node sdk/testing/test-c.mjs BUILD_DIR');
    process.exit(2);
}
const buildDir = process.argv[2];

let passed = 0;
const failed = [];
async function test(name, fn) {
    try {
        await fn();
        passed++;
    } catch (e) {
        failed.push(name);
        console.log(`FAIL ${name}\n     ${String(e && e.stack || e).split('\n').slice(0, 12).join('\n     ')}`);
    }
}

const wasm = (name) => readFileSync(join(buildDir, `${name}.wasm`));
const values = (table, name) => [...table.getChild(name)].map(v => typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v);
const typeOf = (table, name) => String(table.schema.fields.find(f => f.name === name).type);
const okCalls = (r, name) => r.calls.filter(c => c.name === name && c.status === 'OK');

// ---------------------------------------------------------------------------------------------------------------
// The modules

for (const name of ['allow_all', 'deny_unbounded_writes', 'mask_columns']) {
    await test(`${name}: passes CREATE PLUGIN checks`, () => {
        const v = validatePlugin(wasm(name));
        assert.deepEqual(v.errors, []);
    });
}

await test('allow_all: on_query continues, no host calls', async () => {
    const r = await runHook(wasm('allow_all'), 'on_query', { query: 'DELETE FROM t', kind: 'DELETE' });
    assert.equal(r.code, 0);
    assert.equal(r.outcome, 'continue');
    assert.deepEqual(r.calls, []);
});

// ---------------------------------------------------------------------------------------------------------------
// deny_unbounded_writes

const denyPlugin = await loadPlugin(wasm('deny_unbounded_writes'));
const onQuery = (query, extra = {}) => denyPlugin.run('on_query', { query, plugin: 'deny_unbounded_writes', ...extra });
const denyMessage = (verb) => `${verb} without WHERE is not allowed (plugin deny_unbounded_writes); add a WHERE clause`;

const mustDeny = [
    ['UPDATE users SET admin = 1', 'UPDATE'],
    ['DELETE FROM orders', 'DELETE'],
    ['delete from t;', 'DELETE'],
    ['  update\tt\nset a = 1', 'UPDATE'],
    ['/* WHERE */ DELETE FROM t -- WHERE id = 1', 'DELETE'],
    ['DELETE FROM t /* WHERE id = 1 */', 'DELETE'],
    ["UPDATE t SET note = 'WHERE x = 1'", 'UPDATE'],
    ["UPDATE t SET note = 'it''s WHERE x = 1'", 'UPDATE'],
    ["UPDATE t SET note = E'it\\'s WHERE x = 1'", 'UPDATE'],
    ['UPDATE t SET "where" = 1', 'UPDATE'],
    ['UPDATE t SET "a "" WHERE" = 1', 'UPDATE'],
    ['UPDATE t SET `where` = 1', 'UPDATE'],
    ['UPDATE [where] SET a = 1', 'UPDATE'],
    ['UPDATE t SET body = $$ WHERE x $$', 'UPDATE'],
    ["UPDATE t SET body = $tag$ it's $$ WHERE $tag$", 'UPDATE'],
    ['UPDATE t SET a = (SELECT b FROM u WHERE u.id = t.id)', 'UPDATE'],
    ['DELETE FROM t RETURNING (SELECT 1 WHERE true)', 'DELETE'],
    ['WITH old AS (SELECT id FROM t WHERE ts < 5) DELETE FROM t', 'DELETE'],
    ['WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) UPDATE t SET a = 1', 'UPDATE'],
    ['DELETE FROM t WHERE id = 1; DELETE FROM u', 'DELETE'],
    ['SELECT 1; UPDATE t SET a = 2', 'UPDATE'],
    ['DELETE FROM t -- unterminated comment is fine\n', 'DELETE'],
];
for (const [q, verb] of mustDeny) {
    await test(`deny_unbounded_writes denies ${JSON.stringify(q)}`, () => {
        const r = onQuery(q);
        assert.equal(r.failure, null);
        assert.equal(r.code, 1);
        assert.deepEqual(r.denied, { sqlstate: '42501', message: denyMessage(verb) });
    });
}

const mustAllow = [
    'UPDATE t SET a = 1 WHERE id = 2',
    'delete from t where id in (select id from u)',
    'DELETE FROM t WHERE id = 1;',
    'DELETE FROM t WHERE id = 1; SELECT 1',
    'WITH x AS (SELECT 1) UPDATE t SET a = 1 WHERE id IN (SELECT * FROM x)',
    "UPDATE t SET s = 'a''b' WHERE id = 1",
    'UPDATE t SET "a""b" = 1 WHERE id = 1',
    "UPDATE t SET s = E'back\\\\slash' WHERE id = 1",
    'UPDATE t SET a = $1 WHERE id = $2',
    'UPDATE t SET a$b = 1 WHERE id = 1',
    'UPDATE t SET a = (1 + 2) * 3 WHERE (id = 1)',
    'UPDATE t SET a = 1 /* no WHERE here */ WHERE id = 1',
    'INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2',
    'INSERT INTO t SELECT * FROM u',
    'CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u WHERE id = new.id; END',
    'SELECT * FROM t',
    'SELECT 1 -- DELETE FROM t',
    "SELECT 'DELETE FROM t'",
    'EXPLAIN QUERY PLAN SELECT 1',
    '',
];
for (const q of mustAllow) {
    await test(`deny_unbounded_writes allows ${JSON.stringify(q)}`, () => {
        const r = onQuery(q);
        assert.equal(r.failure, null);
        assert.equal(r.code, 0);
        assert.equal(r.denied, null);
        assert.equal(r.query, null);
    });
}

await test('deny_unbounded_writes leaves SELECT untouched (one property read, nothing else)', () => {
    const r = onQuery('SELECT * FROM users WHERE id = 1', { kind: 'SELECT' });
    assert.equal(r.code, 0);
    assert.equal(r.query, null);
    assert.deepEqual(r.logs, []);
    assert.deepEqual(r.calls, [{ name: 'wasql_get', status: 'OK' }]);
});

await test('deny_unbounded_writes reads long statements (buffer protocol, second call)', () => {
    const long = `UPDATE t SET a = '${'x'.repeat(5000)}'`;
    const r = onQuery(long);
    assert.equal(r.code, 1);
    assert.deepEqual(r.calls.slice(0, 2).map(c => c.status), ['BUFFER_TOO_SMALL', 'OK']);
    assert.equal(onQuery(`${long} WHERE id = 1`).code, 0);
});

await test('deny_unbounded_writes names the plugin it is registered as', async () => {
    const r = await runHook(wasm('deny_unbounded_writes'), 'on_query', { query: 'DELETE FROM t', plugin: 'no_wild_deletes' });
    assert.equal(r.denied.message, 'DELETE without WHERE is not allowed (plugin no_wild_deletes); add a WHERE clause');
});

await test('deny_unbounded_writes keeps working on a reused instance (many calls)', () => {
    for (let i = 0; i < 300; i++) {
        assert.equal(onQuery(`DELETE FROM t${i}`).code, 1);
        assert.equal(onQuery(`DELETE FROM t${i} WHERE id = ${i}`).code, 0);
    }
});
denyPlugin.close();

// ---------------------------------------------------------------------------------------------------------------
// mask_columns

const people = () => new Table({
    id: vectorFromArray([1, 2, 3, 4], new Int32()),
    email: vectorFromArray(['alice@example.com', null, '', 'émile@exämple.fr'], new Utf8()),
    phone: vectorFromArray(['+1 555 0100', '0612345678', null, 'x'], new Utf8()),
    Work_Email: vectorFromArray(['bob@corp.example', 'not an email @ all', 'no-at-sign', '@lead'], new Utf8()),
    score: vectorFromArray([1.5, null, 100, -0.25], new Float64()),
});
const original = {
    id: [1, 2, 3, 4],
    email: ['alice@example.com', null, '', 'émile@exämple.fr'],
    phone: ['+1 555 0100', '0612345678', null, 'x'],
    Work_Email: ['bob@corp.example', 'not an email @ all', 'no-at-sign', '@lead'],
    score: [1.5, null, 100, -0.25],
};
const mask = (config, result = people(), extra = {}) =>
    runHook(wasm('mask_columns'), 'on_result', { query: 'SELECT * FROM people', kind: 'SELECT', config, result, plugin: 'mask_columns', ...extra });

await test('mask_columns with the default config masks *email* columns (case-insensitive)', async () => {
    const r = await mask({});
    assert.equal(r.failure, null);
    assert.equal(r.code, 0);
    assert.deepEqual(values(r.table, 'email'), ['a***@example.com', null, '', 'é***@exämple.fr']);
    assert.deepEqual(values(r.table, 'Work_Email'), ['b***@corp.example', 'n***', 'n***', '@***']);
    for (const c of ['id', 'phone', 'score']) assert.deepEqual(values(r.table, c), original[c], c);
    assert.deepEqual(r.table.schema.fields.map(f => f.name), ['id', 'email', 'phone', 'Work_Email', 'score']);
    assert.equal(typeOf(r.table, 'id'), 'Int64');
    assert.equal(typeOf(r.table, 'score'), 'Float64');
    assert.deepEqual(okCalls(r, 'wasql_result_get_column').map(c => c.index), [1, 3], 'reads only the masked columns');
    assert.deepEqual(okCalls(r, 'wasql_result_set_column').map(c => c.index), [1, 3]);
});

await test('mask_columns with columns = "phone, ID" masks those, numbers become text', async () => {
    const r = await mask({ columns: 'phone, ID' });
    assert.equal(r.code, 0);
    assert.deepEqual(values(r.table, 'phone'), ['+***', '0***', null, 'x***']);
    assert.deepEqual(values(r.table, 'id'), ['1***', '2***', '3***', '4***']);
    assert.equal(typeOf(r.table, 'id'), 'Utf8');
    for (const c of ['email', 'Work_Email', 'score']) assert.deepEqual(values(r.table, c), original[c], c);
    assert.deepEqual(r.changedColumns, [0, 2]);
});

await test('mask_columns with columns = "*" masks everything, floats and NULLs included', async () => {
    const r = await mask({ columns: '*' });
    assert.equal(r.code, 0);
    assert.deepEqual(values(r.table, 'score'), ['1***', null, '1***', '-***']);
    assert.deepEqual(values(r.table, 'email'), ['a***@example.com', null, '', 'é***@exämple.fr']);
    assert.deepEqual(values(r.table, 'id'), ['1***', '2***', '3***', '4***']);
    assert.deepEqual(okCalls(r, 'wasql_result_get_column').map(c => c.index), [0, 1, 2, 3, 4]);
});

await test('mask_columns with ? and spaces in patterns', async () => {
    const r = await mask({ columns: ' e?ail ,  nothing ' });
    assert.deepEqual(values(r.table, 'email'), ['a***@example.com', null, '', 'é***@exämple.fr']);
    assert.deepEqual(values(r.table, 'Work_Email'), original.Work_Email);
    assert.deepEqual(r.changedColumns, [1]);
});

await test('mask_columns with no matching column reads and writes nothing', async () => {
    const table = people();
    const r = await mask({ columns: 'ssn,card_*' }, table);
    assert.equal(r.code, 0);
    assert.equal(r.table, table);
    assert.deepEqual(r.calls.filter(c => c.name.startsWith('wasql_result_')), []);
});

await test('mask_columns on an empty result (0 rows) and on a statement without a row set', async () => {
    const empty = new Table({ email: vectorFromArray([], new Utf8()), id: vectorFromArray([], new Int64()) });
    const r = await mask({}, empty);
    assert.equal(r.code, 0);
    assert.equal(r.table.numRows, 0);
    assert.deepEqual(r.changedColumns, [0]);
    const r2 = await runHook(wasm('mask_columns'), 'on_result', { query: 'UPDATE t SET a = 1', kind: 'UPDATE', rows_affected: 3 });
    assert.equal(r2.code, 0);
    assert.deepEqual(r2.calls.filter(c => c.name.startsWith('wasql_result_')), []);
});

await test('mask_columns masks blobs, non-ASCII and long values; keeps output valid UTF-8', async () => {
    const table = new Table({
        secret_email: vectorFromArray([
            new Uint8Array([0xff, 0x41, 0x42]), Buffer.from('tom@mail.test'), Buffer.from('ökonom'), null,
        ], new Binary()),
        note_email: vectorFromArray(['日本@例え.jp', '𝄞 clef', `${'z'.repeat(10000)}@long.example`, 'a@b'], new Utf8()),
    });
    const r = await mask({ columns: '*EMAIL' }, table);
    assert.equal(r.code, 0);
    assert.deepEqual(values(r.table, 'secret_email'), ['\ufffd***', 't***@mail.test', 'ö***', null]);
    assert.equal(typeOf(r.table, 'secret_email'), 'Utf8');
    assert.deepEqual(values(r.table, 'note_email'), ['日***@例え.jp', '𝄞***', 'z***@long.example', 'a***@b']);
});

await test('mask_columns on a wide result (2000 rows) and a reused instance', async () => {
    const n = 2000;
    const emails = Array.from({ length: n }, (_, i) => i % 7 === 0 ? null : `user${i}@example.com`);
    const plugin = await loadPlugin(wasm('mask_columns'));
    for (let round = 0; round < 5; round++) {
        const r = plugin.run('on_result', { config: {}, result: new Table({ email: vectorFromArray(emails, new Utf8()) }) });
        assert.equal(r.code, 0, r.failure);
        const got = values(r.table, 'email');
        assert.deepEqual(got, emails.map(e => e === null ? null : 'u***@example.com'));
    }
    plugin.close();
});

// ---------------------------------------------------------------------------------------------------------------
// The SDK itself: a self-test plugin compiled here

const SELFTEST = String.raw`
#include "wasql_plugin.h"
WASQL_PLUGIN();

static void store(wasql_ctx ctx, const char *key, wasql_arrow_builder *b, const char *name) {
    uint8_t *ipc;
    size_t n;
    int32_t st = wasql_arrow_finish(b, name, &ipc, &n);
    if (st) { wasql_logf(ctx, 3, "finish %s: %d", key, (int)st); return; }
    wasql_kv_set(ctx, 0, key, (int32_t)strlen(key), ipc, (int32_t)n, 0);
    free(ipc);
    wasql_arrow_builder_free(b);
}

static void log_column(wasql_ctx ctx, const char *tag, const wasql_arrow_column *c) {
    size_t cap = 64, len = 0;
    char *line = malloc(cap);
    len = (size_t)snprintf(line, cap, "%s %.*s t=%d w=%d s=%d n=%lld nulls=%lld:", tag, (int)c->name_len, c->name,
                           (int)c->type, (int)c->bit_width, (int)c->is_signed, (long long)c->length, (long long)c->null_count);
    if (len >= cap) len = cap - 1;
    for (int64_t r = 0; r < c->length; r++) {
        size_t n;
        char *t = wasql_arrow_text(c, r, &n);
        if (!t) { t = strdup("\\N"); n = 2; }
        if (len + n + 2 > cap) { cap = (len + n + 2) * 2; line = realloc(line, cap); }
        line[len++] = '|';
        memcpy(line + len, t, n);
        len += n;
        free(t);
    }
    wasql_log(ctx, 1, line, (int32_t)len);
    free(line);
}

WASQL_HOOK(on_query) int32_t on_query(wasql_ctx ctx) {
    char *mode = wasql_config_str(ctx, "mode", "");
    if (!strcmp(mode, "write")) {
        wasql_arrow_builder b;
        wasql_arrow_builder_init(&b, WASQL_ARROW_UTF8);
        wasql_arrow_append_utf8(&b, "alice", 5);
        wasql_arrow_append_null(&b);
        wasql_arrow_append_utf8(&b, "", 0);
        wasql_arrow_append_utf8(&b, "\xc3\xbcn\xc3\xaf", 5);
        wasql_arrow_append_utf8(&b, "x", 1);
        store(ctx, "utf8", &b, "masked");
        wasql_arrow_builder_init(&b, WASQL_ARROW_UTF8);
        for (int i = 0; i < 1000; i++) { char s[16]; int n = snprintf(s, sizeof s, "v%d", i * 7); wasql_arrow_append_utf8(&b, s, (size_t)n); }
        store(ctx, "nonull", &b, "many");
        wasql_arrow_builder_init(&b, WASQL_ARROW_INT);
        wasql_arrow_append_int64(&b, 1);
        wasql_arrow_append_null(&b);
        wasql_arrow_append_int64(&b, -5);
        wasql_arrow_append_int64(&b, INT64_MAX);
        wasql_arrow_append_int64(&b, INT64_MIN);
        store(ctx, "int", &b, "n");
        wasql_arrow_builder_init(&b, WASQL_ARROW_FLOAT);
        wasql_arrow_append_float64(&b, 0.5);
        wasql_arrow_append_null(&b);
        wasql_arrow_append_float64(&b, -1e300);
        store(ctx, "float", &b, "f");
        wasql_arrow_builder_init(&b, WASQL_ARROW_BINARY);
        wasql_arrow_append_utf8(&b, "\x00\xff", 2);
        wasql_arrow_append_null(&b);
        store(ctx, "binary", &b, "blob");
        wasql_arrow_builder_init(&b, WASQL_ARROW_UTF8);
        store(ctx, "empty", &b, NULL);
        wasql_arrow_builder_init(&b, WASQL_ARROW_INT);
        for (int i = 0; i < 9; i++) { if (i % 4 == 3) wasql_arrow_append_null(&b); else wasql_arrow_append_int64(&b, i); }
        store(ctx, "int9", &b, "nine");
    } else if (!strcmp(mode, "kv")) {
        int64_t v = -1;
        int32_t a = wasql_kv_incr_str(ctx, 0, "hits", 1, 60000, &v);
        int32_t b = wasql_kv_cas_str(ctx, 0, "once", NULL, "first", 0);
        char *once = wasql_kv_get_str(ctx, 0, "once");
        int32_t c = wasql_kv_cas_str(ctx, 0, "once", "first", "second", 0);
        int32_t d = wasql_kv_cas_str(ctx, 0, "once", "first", "third", 0);
        int32_t e = wasql_kv_set_str(ctx, 1, "shared", "g", 0);
        int32_t f = wasql_kv_delete_str(ctx, 0, "gone");
        int32_t g = wasql_kv_delete_str(ctx, 0, "temp");
        char *big = wasql_kv_get_str(ctx, 0, "big");
        char *missing = wasql_kv_get_str(ctx, 0, "missing");
        int32_t h = wasql_kv_incr_str(ctx, 0, "text", 1, 0, NULL);
        wasql_logf(ctx, 1, "incr=%d:%lld cas_absent=%d once=%s cas=%d cas_stale=%d set_global=%d del_absent=%d del=%d big=%zu missing=%s incr_text=%d",
                   (int)a, (long long)v, (int)b, once ? once : "-", (int)c, (int)d, (int)e, (int)f, (int)g, big ? strlen(big) : 0,
                   missing ? missing : "-", (int)h);
        free(once);
        free(big);
    } else if (!strcmp(mode, "props")) {
        char *q = wasql_property_str(ctx, "query");
        char *nope = wasql_property_str(ctx, "no.such.key");
        char *dflt = wasql_config_str(ctx, "absent", "fallback");
        char *tables = wasql_property_str(ctx, "tables");
        const char *cur = tables, *item;
        size_t n, count = 0;
        while ((item = wasql_next_item(&cur, '\n', &n))) count++;
        wasql_logf(ctx, 1, "qlen=%zu nope=%s kind_update=%d kind_select=%d limit=%lld bad_int=%lld flag=%d off=%d dflt=%s tables=%zu",
                   q ? strlen(q) : 0, nope ? nope : "-", wasql_kind_is(ctx, "update"), wasql_kind_is(ctx, "SELECT"),
                   (long long)wasql_config_int(ctx, "limit", 7), (long long)wasql_config_int(ctx, "name", -1),
                   wasql_config_bool(ctx, "flag", 0), wasql_config_bool(ctx, "off", 1), dflt, count);
        wasql_log_str(ctx, 4, "notice!");
        int32_t sq = wasql_set_query_str(ctx, "SELECT 2");
        int32_t col = wasql_result_column(ctx, 0, &(wasql_arrow_column){0});
        wasql_logf(ctx, 1, "set_query=%d column=%d", (int)sq, (int)col);
        free(q); free(nope); free(dflt); free(tables);
    } else if (!strcmp(mode, "decode_kv")) {
        /* decode every field of the Arrow bytes stored under "ipc" */
        char *ipc;
        size_t n;
        int32_t st = wasql_kv_get_alloc(ctx, 0, "ipc", 3, &ipc, &n);
        int fields = (int)wasql_config_int(ctx, "fields", 0);
        for (int i = 0; i <= fields && st == 0; i++) {
            wasql_arrow_column c;
            int32_t d = wasql_arrow_decode(ipc, n, i, &c);
            if (d) wasql_logf(ctx, 1, "field %d: %d", i, (int)d);
            else log_column(ctx, "col", &c);
        }
        free(ipc);
    } else if (!strcmp(mode, "deny")) {
        free(mode);
        return wasql_denyf(ctx, "XX001", "custom %s %d", "message", 42);
    } else if (!strcmp(mode, "deny_default")) {
        free(mode);
        return wasql_deny_msg(ctx, NULL, "default state");
    }
    free(mode);
    return WASQL_CONTINUE;
}

WASQL_HOOK(on_result) int32_t on_result(wasql_ctx ctx) {
    char *mode = wasql_config_str(ctx, "mode", "");
    char *count_text = wasql_property_str(ctx, "result.column_count");
    int count = count_text ? atoi(count_text) : 0;
    free(count_text);
    if (!strcmp(mode, "echo")) {
        /* decode every column, log it, write it back with the same type */
        for (int i = 0; i < count; i++) {
            wasql_arrow_column c;
            int32_t st = wasql_result_column(ctx, i, &c);
            if (st) { wasql_logf(ctx, 3, "column %d: %d", i, (int)st); continue; }
            log_column(ctx, "col", &c);
            wasql_arrow_builder b;
            wasql_arrow_builder_init(&b, c.type == WASQL_ARROW_INT ? WASQL_ARROW_INT : c.type == WASQL_ARROW_FLOAT ? WASQL_ARROW_FLOAT : c.type);
            for (int64_t r = 0; r < c.length; r++) {
                size_t n;
                if (wasql_arrow_is_null(&c, r)) wasql_arrow_append_null(&b);
                else if (c.type == WASQL_ARROW_INT) wasql_arrow_append_int64(&b, wasql_arrow_int64(&c, r));
                else if (c.type == WASQL_ARROW_FLOAT) wasql_arrow_append_float64(&b, wasql_arrow_float64(&c, r));
                else { const char *s = wasql_arrow_utf8(&c, r, &n); wasql_arrow_append_utf8(&b, s, n); }
            }
            st = wasql_result_set_builder(ctx, i, &b);
            if (st) wasql_logf(ctx, 3, "set %d: %d", i, (int)st);
            wasql_arrow_builder_free(&b);
            wasql_arrow_column_free(&c);
        }
    } else if (!strcmp(mode, "whole")) {
        uint8_t *ipc;
        size_t n;
        int32_t st = wasql_result_get_column_alloc(ctx, -1, &ipc, &n);
        if (st) { wasql_logf(ctx, 3, "whole: %d", (int)st); free(mode); return 2; }
        for (int i = 0; i < count; i++) {
            wasql_arrow_column c;
            st = wasql_arrow_decode(ipc, n, i, &c);
            if (st) wasql_logf(ctx, 3, "decode %d: %d", i, (int)st);
            else log_column(ctx, "col", &c);
        }
        /* every truncation of the stream is refused or decodes to something sane, never traps */
        int ok_prefixes = 0;
        for (size_t cut = 0; cut < n; cut++) {
            wasql_arrow_column c;
            uint8_t *copy = malloc(cut + 1);
            memcpy(copy, ipc, cut);
            if (wasql_arrow_decode(copy, cut, 0, &c) == 0) { ok_prefixes++; for (int64_t r = 0; r < c.length; r++) free(wasql_arrow_text(&c, r, NULL)); }
            free(copy);
        }
        int32_t past = wasql_arrow_decode(ipc, n, count, &(wasql_arrow_column){0});
        wasql_logf(ctx, 1, "ok_prefixes=%d past_last=%d", ok_prefixes, (int)past);
        free(ipc);
    } else if (!strcmp(mode, "bad_set")) {
        wasql_arrow_builder b;
        wasql_arrow_builder_init(&b, WASQL_ARROW_UTF8);
        wasql_arrow_append_utf8(&b, "only one row", 12);
        int32_t rows = wasql_result_set_builder(ctx, 0, &b);
        int32_t index = wasql_result_set_builder(ctx, 99, &b);
        int32_t garbage = wasql_result_set_column(ctx, 0, "not arrow", 9);
        wasql_logf(ctx, 1, "wrong_rows=%d bad_index=%d garbage=%d", (int)rows, (int)index, (int)garbage);
        wasql_arrow_builder_free(&b);
    }
    free(mode);
    return WASQL_CONTINUE;
}
`;

const selftestPath = join(buildDir, 'sdk_selftest.wasm');
let selftest = null;
await test('sdk self-test plugin compiles with -Wall -Wextra -Werror', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasql-c-test-'));
    try {
        writeFileSync(join(dir, 'selftest.c'), SELFTEST);
        const clang = process.env.CLANG || 'clang-14';
        execFileSync(clang, ['--target=wasm32-wasi', '-O2', '-mexec-model=reactor', '-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror',
            `-I${join(here, '..', 'c')}`, '-Wl,--strip-all', join(dir, 'selftest.c'), '-o', selftestPath], { stdio: 'inherit' });
        selftest = readFileSync(selftestPath);
        assert.deepEqual(validatePlugin(selftest).errors, []);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

const ipcOf = (kv, key) => kvGet(kv, key, { plugin: 'selftest' });
// The stream's messages: 8-byte aligned, continuation markers, EOS at the end.
function checkFraming(bytes) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let p = 0, messages = 0;
    for (;;) {
        assert.equal(p % 8, 0, `message at ${p} is 8-aligned`);
        assert.equal(dv.getUint32(p, true), 0xffffffff, 'continuation marker');
        const len = dv.getUint32(p + 4, true);
        if (len === 0) { assert.equal(p + 8, bytes.length, 'EOS ends the stream'); break; }
        assert.equal(len % 8, 0, 'metadata padded to 8');
        // bodyLength: read it from the flatbuffer the way a reader does (Message field 3)
        const fb = p + 8, root = fb + dv.getUint32(fb, true);
        const vt = root - dv.getInt32(root, true);
        const off = dv.getUint16(vt + 4 + 2 * 3, true);
        const body = off ? Number(dv.getBigInt64(root + off, true)) : 0;
        assert.equal(body % 8, 0, 'body padded to 8');
        p = fb + len + body;
        messages++;
    }
    assert.equal(messages, 2, 'schema + one record batch');
}

if (selftest) {
    await test('sdk Arrow writer: apache-arrow reads every stream back exactly', async () => {
        const kv = createKv();
        const r = await runHook(selftest, 'on_query', { config: { mode: 'write' }, kv, plugin: 'selftest' });
        assert.equal(r.code, 0, r.failure);
        assert.deepEqual(r.logs, []);
        const read = (key) => { const b = ipcOf(kv, key); assert.ok(b, key); checkFraming(b); return tableFromIPC(b); };
        let t = read('utf8');
        assert.equal(t.schema.fields[0].name, 'masked');
        assert.equal(t.schema.fields[0].type.typeId, Type.Utf8);
        assert.equal(t.schema.fields[0].nullable, true);
        assert.deepEqual([...t.getChildAt(0)], ['alice', null, '', 'ünï', 'x']);
        t = read('nonull');
        assert.equal(t.getChildAt(0).nullCount, 0);
        assert.deepEqual([...t.getChildAt(0)], Array.from({ length: 1000 }, (_, i) => `v${i * 7}`));
        t = read('int');
        assert.equal(String(t.schema.fields[0].type), 'Int64');
        assert.deepEqual([...t.getChildAt(0)], [1n, null, -5n, 9223372036854775807n, -9223372036854775808n]);
        t = read('float');
        assert.equal(String(t.schema.fields[0].type), 'Float64');
        assert.deepEqual([...t.getChildAt(0)], [0.5, null, -1e300]);
        t = read('binary');
        assert.equal(t.schema.fields[0].type.typeId, Type.Binary);
        assert.deepEqual([...t.getChildAt(0)].map(v => v && [...v]), [[0, 255], null]);
        t = read('empty');
        assert.equal(t.numRows, 0);
        assert.equal(t.schema.fields[0].name, '');
        t = read('int9');
        assert.deepEqual([...t.getChildAt(0)], [0n, 1n, 2n, null, 4n, 5n, 6n, null, 8n]);
    });

    await test('sdk Arrow decoder: every host column type, NULLs, and a round trip through the writer', async () => {
        const table = new Table({
            i: vectorFromArray([1n, null, -3n, 2n ** 62n], new Int64()),
            f: vectorFromArray([0.1, 2, null, -1.5e-10], new Float64()),
            s: vectorFromArray(['a', null, '', 'ünï|x'], new Utf8()),
            b: vectorFromArray([Buffer.from('AB'), null, new Uint8Array(0), Buffer.from('z')], new Binary()),
            n: vectorFromArray([null, null, null, null], new Utf8()),
        });
        const r = await runHook(selftest, 'on_result', { config: { mode: 'echo' }, result: table });
        assert.equal(r.code, 0, r.failure);
        assert.deepEqual(r.logs.map(l => l.text), [
            'col i t=2 w=64 s=1 n=4 nulls=1:|1|\\N|-3|4611686018427387904',
            'col f t=3 w=64 s=0 n=4 nulls=1:|0.1|2.0|\\N|-1.5e-10',
            'col s t=5 w=0 s=0 n=4 nulls=1:|a|\\N||ünï|x',
            'col b t=4 w=0 s=0 n=4 nulls=1:|AB|\\N||z',
            'col n t=5 w=0 s=0 n=4 nulls=4:|\\N|\\N|\\N|\\N',
        ]);
        assert.deepEqual(r.changedColumns, [0, 1, 2, 3, 4]);
        assert.deepEqual([...r.table.getChild('i')], [1n, null, -3n, 2n ** 62n]);
        assert.deepEqual([...r.table.getChild('f')], [0.1, 2, null, -1.5e-10]);
        assert.deepEqual([...r.table.getChild('s')], ['a', null, '', 'ünï|x']);
        assert.deepEqual([...r.table.getChild('b')].map(v => v && Buffer.from(v).toString()), ['AB', null, '', 'z']);
        assert.deepEqual([...r.table.getChild('n')], [null, null, null, null]);
    });

    await test('sdk Arrow decoder: the whole result (index -1) field by field; truncated streams never trap', async () => {
        const table = new Table({
            id: vectorFromArray([7n, 8n, null], new Int64()),
            name: vectorFromArray(['x', null, 'zz'], new Utf8()),
            v: vectorFromArray([null, 1.25, 3], new Float64()),
        });
        const r = await runHook(selftest, 'on_result', { config: { mode: 'whole' }, result: table });
        assert.equal(r.code, 0, r.failure);
        const lines = r.logs.map(l => l.text);
        assert.deepEqual(lines.slice(0, 3), [
            'col id t=2 w=64 s=1 n=3 nulls=1:|7|8|\\N',
            'col name t=5 w=0 s=0 n=3 nulls=1:|x|\\N|zz',
            'col v t=3 w=64 s=0 n=3 nulls=1:|\\N|1.25|3.0',
        ]);
        // Only cuts at a message boundary decode: after the record batch (a stream may end without EOS) and after
        // the schema (a stream without batches: 0 rows). Every other cut is refused.
        assert.match(lines[3], /^ok_prefixes=2 past_last=2$/);
    });

    await test('sdk Arrow decoder: streams and files written by apache-arrow with other types', async () => {
        const table = new Table({
            i16: vectorFromArray([1, -2, null, 32767], new Int16()),
            u8: vectorFromArray([255, 0, null, 1], new Uint8()),
            u64: vectorFromArray([18446744073709551615n, 0n, 1n, null], new Uint64()),
            f32: vectorFromArray([1.5, null, -2, 0.25], new Float32()),
            bool: vectorFromArray([true, false, null, true], new Bool()),
            lu: vectorFromArray(['large', null, '', 'utf8'], new LargeUtf8()),
            lb: vectorFromArray([Buffer.from('B'), null, Buffer.from(''), Buffer.from('yz')], new LargeBinary()),
            dict: vectorFromArray(['a', 'b', 'a', null]),
        });
        const expected = [
            'col i16 t=2 w=16 s=1 n=4 nulls=1:|1|-2|\\N|32767',
            'col u8 t=2 w=8 s=0 n=4 nulls=1:|255|0|\\N|1',
            'col u64 t=2 w=64 s=0 n=4 nulls=1:|18446744073709551615|0|1|\\N',
            'col f32 t=3 w=32 s=0 n=4 nulls=1:|1.5|\\N|-2.0|0.25',
            'col bool t=6 w=1 s=0 n=4 nulls=1:|1|0|\\N|1',
            'col lu t=5 w=0 s=0 n=4 nulls=1:|large|\\N||utf8',
            'col lb t=4 w=0 s=0 n=4 nulls=1:|B|\\N||yz',
            'field 7: -3', // dictionary-encoded: WASQL_E_UNSUPPORTED
            'field 8: 2',  // past the last field: WASQL_BAD_ARGUMENT
        ];
        for (const format of ['stream', 'file']) {
            const kv = createKv();
            kvSet(kv, 'ipc', tableToIPC(table, format), { plugin: 'selftest' });
            const r = await runHook(selftest, 'on_query', { config: { mode: 'decode_kv', fields: 8 }, kv, plugin: 'selftest' });
            assert.equal(r.code, 0, r.failure);
            assert.deepEqual(r.logs.map(l => l.text), expected, format);
        }
    });

    await test('sdk: wrong row count, bad index and garbage are refused by the host', async () => {
        const table = new Table({ s: vectorFromArray(['a', 'b'], new Utf8()) });
        const r = await runHook(selftest, 'on_result', { config: { mode: 'bad_set' }, result: table });
        assert.equal(r.code, 0, r.failure);
        // an index past the last column: BAD_ARGUMENT by the ABI (the mock), NOT_FOUND from the server
        assert.match(r.logs[0].text, /^wrong_rows=2 bad_index=[12] garbage=2$/);
        assert.deepEqual(values(r.table, 's'), ['a', 'b']);
    });

    await test('sdk KV helpers: incr with a TTL window, cas, delete, global scope, long values', async () => {
        const kv = createKv();
        const t0 = 1_000_000;
        kvSet(kv, 'temp', 'x', { plugin: 'selftest' });
        kvSet(kv, 'big', 'b'.repeat(3000), { plugin: 'selftest' });
        kvSet(kv, 'text', 'abc', { plugin: 'selftest' });
        const run = (now) => runHook(selftest, 'on_query', { config: { mode: 'kv' }, kv, plugin: 'selftest', now });
        let r = await run(t0);
        assert.equal(r.code, 0, r.failure);
        assert.deepEqual(r.logs.map(l => l.text), [
            'incr=0:1 cas_absent=0 once=first cas=0 cas_stale=5 set_global=0 del_absent=1 del=0 big=3000 missing=- incr_text=2',
        ]);
        assert.equal(kvGetString(kv, 'once', { plugin: 'selftest' }), 'second');
        assert.equal(kvGetString(kv, 'shared', { scope: 1 }), 'g');
        assert.equal(kvGetString(kv, 'shared', { plugin: 'selftest' }), null, 'scope 0 is another namespace');
        r = await run(t0 + 30_000);
        assert.match(r.logs[0].text, /^incr=0:2 cas_absent=5 once=second cas=5 cas_stale=5 /);
        r = await run(t0 + 59_999);
        assert.match(r.logs[0].text, /^incr=0:3 /);
        r = await run(t0 + 60_000); // the window created at t0 expired
        assert.match(r.logs[0].text, /^incr=0:1 /);
        assert.equal(kvGetString(kv, 'hits', { plugin: 'selftest', now: t0 + 60_001 }), '1');
    });

    await test('sdk property and config helpers, set_query, result calls in on_query', async () => {
        const query = `UPDATE t SET a = '${'q'.repeat(700)}' WHERE id = 1`;
        const r = await runHook(selftest, 'on_query', {
            query, kind: 'UPDATE', tables: ['t', 'audit'],
            config: { mode: 'props', limit: '250', name: '12x', flag: 'ON', off: 'no' },
        });
        assert.equal(r.code, 0, r.failure);
        assert.deepEqual(r.logs, [
            { level: 1, text: `qlen=${query.length} nope=- kind_update=1 kind_select=0 limit=250 bad_int=-1 flag=1 off=0 dflt=fallback tables=2` },
            { level: 4, text: 'notice!' },
            { level: 1, text: 'set_query=0 column=6' },
        ]);
        assert.equal(r.query, 'SELECT 2');
    });

    await test('sdk deny helpers: custom SQLSTATE with printf, default SQLSTATE', async () => {
        let r = await runHook(selftest, 'on_query', { config: { mode: 'deny' } });
        assert.equal(r.code, 1);
        assert.deepEqual(r.denied, { sqlstate: 'XX001', message: 'custom message 42' });
        r = await runHook(selftest, 'on_query', { config: { mode: 'deny_default' } });
        assert.deepEqual(r.denied, { sqlstate: '42501', message: 'default state' });
    });
}

// ---------------------------------------------------------------------------------------------------------------

console.log(`${passed} passed, ${failed.length} failed`);
if (failed.length) {
    for (const f of failed) console.log(`  failed: ${f}`);
    process.exit(1);
}
