// test-as.mjs: tests of the AssemblyScript SDK (sdk/assemblyscript/) and its example plugin
// (examples/plugins/audit/) against the mock host.
//
//   node sdk/testing/test-as.mjs BUILD_DIR
//
// Builds examples/plugins/*/plugin.ts (examples/plugins/build-as.sh) and the probe guest
// sdk/testing/guests/as_probe.ts into BUILD_DIR, then runs the tests. Exit status 0 when every test passed.

import { readFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import {
    Table, tableFromIPC, tableToIPC, vectorFromArray, Type,
    Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, Float32, Float64, Bool, Null, Utf8, LargeUtf8, Binary, LargeBinary,
} from 'apache-arrow';
import { runHook, loadPlugin, createKv, kvGet, kvGetString, kvSet, validatePlugin } from './mock_host.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
if (process.argv.length !== 3) {
    console.error('usage: node sdk/testing/test-as.mjs BUILD_DIR');
    process.exit(2);
}
const buildDir = resolve(process.argv[2]);
mkdirSync(buildDir, { recursive: true });

// ---------------------------------------------------------------------------------------------------------------
// Build

try {
    execFileSync(join(root, 'examples/plugins/build-as.sh'), [buildDir], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, [join(root, 'node_modules/assemblyscript/bin/asc.js'), 'sdk/testing/guests/as_probe.ts',
        '-o', join(buildDir, 'as_probe.wasm'), '-O3'], { cwd: root, stdio: 'inherit' });
    console.log(`built ${join(buildDir, 'as_probe.wasm')}`);
} catch (e) {
    console.error(`build failed: ${e.message}`);
    process.exit(1);
}
const audit = new WebAssembly.Module(readFileSync(join(buildDir, 'audit.wasm')));
const probe = new WebAssembly.Module(readFileSync(join(buildDir, 'as_probe.wasm')));

// ---------------------------------------------------------------------------------------------------------------
// A tiny runner

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// table({ name: [values, arrowType] }); numbers are made BigInts for 64-bit integer types.
const big = (values, type) => type.typeId === Type.Int && type.bitWidth === 64 ? values.map(v => typeof v === 'number' ? BigInt(v) : v) : values;
const table = (cols) => new Table(Object.fromEntries(Object.entries(cols).map(([k, [values, type]]) => [k, vectorFromArray(big(values, type), type)])));
const ok = (r) => { assert.equal(r.failure, null, `hook failed: ${r.failure}`); return r; };
const lines = (r) => r.logs.map(l => l.text);
const auditLine = (r) => {
    ok(r);
    assert.equal(r.code, 0);
    assert.equal(r.logs.length, 1, `one log line expected, got ${JSON.stringify(r.logs)}`);
    assert.equal(r.logs[0].level, 1, 'level info');
    return r.logs[0].text;
};

// ---------------------------------------------------------------------------------------------------------------
// The audit plugin

test('audit: module exports and imports', () => {
    const v = validatePlugin(readFileSync(join(buildDir, 'audit.wasm')));
    assert.deepEqual(v.errors, []);
    assert.deepEqual(v.hooks, ['on_result']);
    const imports = WebAssembly.Module.imports(audit).map(i => `${i.module}.${i.name}`);
    for (const i of imports) assert.ok(i.startsWith('wasql.') || i === 'env.abort', `unexpected import ${i}`);
});

test('audit: SELECT with a result table', async () => {
    const r = await runHook(audit, 'on_result', {
        user: 'alice', database: 'main', query: 'SELECT id, name FROM t', kind: 'SELECT',
        result: table({ id: [[1, 2, 3], new Int32()], name: [['a', null, 'c'], new Utf8()] }),
    });
    assert.equal(auditLine(r), 'audit user=alice db=main kind=SELECT rows=3 tag="SELECT 3" query="SELECT id, name FROM t"');
});

test('audit: SELECT with no rows', async () => {
    const r = await runHook(audit, 'on_result', {
        user: 'alice', database: 'shop', query: 'SELECT * FROM t WHERE 0', kind: 'SELECT',
        result: table({ id: [[], new Int64()] }),
    });
    assert.equal(auditLine(r), 'audit user=alice db=shop kind=SELECT rows=0 tag="SELECT 0" query="SELECT * FROM t WHERE 0"');
});

test('audit: UPDATE with rows_affected', async () => {
    const r = await runHook(audit, 'on_result', {
        user: 'alice', query: 'UPDATE t SET x = 1 WHERE id < 4', kind: 'UPDATE', rows_affected: 3,
    });
    assert.equal(auditLine(r), 'audit user=alice db=main kind=UPDATE rows=3 tag="UPDATE 3" query="UPDATE t SET x = 1 WHERE id < 4"');
});

test('audit: INSERT and DELETE use rows_affected, DDL has no rows', async () => {
    let r = await runHook(audit, 'on_result', { user: 'bob', query: 'INSERT INTO t VALUES (1), (2)', kind: 'INSERT', rows_affected: 2 });
    assert.equal(auditLine(r), 'audit user=bob db=main kind=INSERT rows=2 tag="INSERT 0 2" query="INSERT INTO t VALUES (1), (2)"');
    r = await runHook(audit, 'on_result', { user: 'bob', query: 'DELETE FROM t', kind: 'DELETE', rows_affected: 0, command_tag: 'DELETE 0' });
    assert.equal(auditLine(r), 'audit user=bob db=main kind=DELETE rows=0 tag="DELETE 0" query="DELETE FROM t"');
    r = await runHook(audit, 'on_result', { user: 'bob', query: 'CREATE TABLE u (a)', kind: 'CREATE TABLE', command_tag: 'CREATE TABLE' });
    assert.equal(auditLine(r), 'audit user=bob db=main kind="CREATE TABLE" tag="CREATE TABLE" query="CREATE TABLE u (a)"');
});

test('audit: failed statement', async () => {
    const r = await runHook(audit, 'on_result', {
        user: 'carol', query: 'INSERT INTO t VALUES (1)', kind: 'INSERT',
        error: { sqlstate: '23505', message: 'UNIQUE constraint failed: t.id' },
    });
    assert.equal(auditLine(r), 'audit user=carol db=main kind=INSERT error=23505 "UNIQUE constraint failed: t.id" query="INSERT INTO t VALUES (1)"');
});

test('audit: quoting of values with spaces, quotes and backslashes', async () => {
    const r = await runHook(audit, 'on_result', {
        user: 'eve smith', database: '', query: 'SELECT "a\\b" FROM t', kind: 'SELECT',
        result: table({ x: [['1'], new Utf8()] }),
    });
    assert.equal(auditLine(r), 'audit user="eve smith" db="" kind=SELECT rows=1 tag="SELECT 1" query="SELECT \\"a\\\\b\\" FROM t"');
});

test('audit: newlines become spaces', async () => {
    const r = await runHook(audit, 'on_result', { user: 'a', query: 'UPDATE t\nSET x = 1\r\nWHERE y\r= 2\n', kind: 'UPDATE', rows_affected: 1 });
    assert.equal(auditLine(r), 'audit user=a db=main kind=UPDATE rows=1 tag="UPDATE 1" query="UPDATE t SET x = 1 WHERE y = 2 "');
});

test('audit: query shortened to max_query_chars (default 200)', async () => {
    const long = 'SELECT ' + 'x, '.repeat(100) + '1';
    let r = await runHook(audit, 'on_result', { user: 'a', query: long, kind: 'SELECT', result: table({ x: [[1], new Int64()] }) });
    assert.ok(auditLine(r).endsWith(` query="${long.slice(0, 200)}..."`), auditLine(r));

    r = await runHook(audit, 'on_result', { user: 'a', query: long, kind: 'SELECT', config: { max_query_chars: '12' }, result: table({ x: [[1], new Int64()] }) });
    assert.ok(auditLine(r).endsWith(' query="SELECT x, x,..."'), auditLine(r));

    // exactly at the limit: not cut
    r = await runHook(audit, 'on_result', { user: 'a', query: 'DELETE FROM t', kind: 'DELETE', config: { max_query_chars: '13' } });
    assert.ok(auditLine(r).endsWith(' query="DELETE FROM t"'), auditLine(r));

    // newlines are replaced before cutting; a character outside the BMP counts once and is never split
    r = await runHook(audit, 'on_result', { user: 'a', query: 'a\nb😀c😀d', kind: 'SELECT', config: { max_query_chars: '4' }, result: table({ x: [[1], new Int64()] }) });
    assert.ok(auditLine(r).endsWith(' query="a b😀..."'), auditLine(r));

    r = await runHook(audit, 'on_result', { user: 'a', query: 'DELETE FROM t', kind: 'DELETE', config: { max_query_chars: '0' } });
    assert.ok(auditLine(r).endsWith(' query="..."'), auditLine(r));

    // not a number, or negative: the default
    for (const bad of ['abc', '-5', '']) {
        r = await runHook(audit, 'on_result', { user: 'a', query: long, kind: 'SELECT', config: { max_query_chars: bad }, result: table({ x: [[1], new Int64()] }) });
        assert.ok(auditLine(r).endsWith(` query="${long.slice(0, 200)}..."`), `max_query_chars=${bad}: ${auditLine(r)}`);
    }
});

test('audit: statement count per user in the plugin scope', async () => {
    const kv = createKv();
    const run = (user, extra = {}) => runHook(audit, 'on_result', { plugin: 'audit', user, query: 'SELECT 1', kind: 'SELECT', kv, ...extra });
    ok(await run('alice'));
    ok(await run('alice', { error: { sqlstate: '42P01', message: 'no such table: x' } }));
    ok(await run('bob'));
    ok(await run('alice', { result: table({ x: [[1], new Int64()] }) }));
    assert.equal(kvGetString(kv, 'count:alice', { plugin: 'audit' }), '3');
    assert.equal(kvGetString(kv, 'count:bob', { plugin: 'audit' }), '1');
    assert.equal(kvGetString(kv, 'count:alice', { scope: 1 }), null, 'not in the global scope');
    assert.equal(kvGetString(kv, 'count:alice', { plugin: 'other' }), null, "not in another plugin's namespace");
});

test('audit: a full store is logged as a warning, the statement continues', async () => {
    const kv = createKv();
    kvSet(kv, 'count:dave', 'not a number', { plugin: 'audit' });
    const r = ok(await runHook(audit, 'on_result', { plugin: 'audit', user: 'dave', query: 'SELECT 1', kind: 'SELECT', kv }));
    assert.equal(r.code, 0);
    assert.equal(r.logs.length, 2);
    assert.deepEqual(r.logs[1], { level: 2, text: 'audit: statement count of "dave" not updated: BAD_ARGUMENT' });
});

test('audit: one pooled instance serves 3000 statements (garbage is collected)', async () => {
    const plugin = await loadPlugin(audit);
    const kv = createKv();
    const result = table({ id: [Array.from({ length: 50 }, (_, i) => i), new Int32()], name: [Array.from({ length: 50 }, (_, i) => `n${i}`), new Utf8()] });
    try {
        for (let i = 0; i < 3000; i++) {
            const user = `u${i % 3}`;
            const r = i % 2
                ? plugin.run('on_result', { user, query: `UPDATE t SET x = ${i} WHERE ${'y = 1 AND '.repeat(40)}z`, kind: 'UPDATE', rows_affected: i, kv })
                : plugin.run('on_result', { user, query: 'SELECT id, name FROM t', kind: 'SELECT', result, kv });
            assert.equal(r.failure, null, `statement ${i}: ${r.failure}`);
        }
    } finally { plugin.close(); }
    assert.equal(kvGetString(kv, 'count:u0'), '1000');
    assert.equal(kvGetString(kv, 'count:u2'), '1000');
});

// ---------------------------------------------------------------------------------------------------------------
// SDK: properties, deny, rewrite, log, KV (through the probe guest)

test('sdk: properties and config', async () => {
    const r = ok(await runHook(probe, 'on_query', {
        query: 'SELECT * FROM a JOIN b', kind: 'SELECT', user: 'zoë', database: 'db1', client_address: '10.0.0.7',
        application_name: 'psql', tables: ['a', 'b'], in_transaction: true, rewrites: 2,
        config: { op: 'props', n: '42', flag: 'On' },
    }));
    assert.deepEqual(lines(r), [
        'query=SELECT * FROM a JOIN b', 'kind=SELECT', 'user=zoë', 'database=db1', 'client_address=10.0.0.7',
        'application_name=psql', 'hook=on_query', 'plugin=test_plugin', 'filter=test_filter',
        'query()=SELECT * FROM a JOIN b', 'kind()=SELECT', 'user()=zoë', 'database()=db1', 'hook()=on_query',
        'tables()=a|b (2)', 'inTransaction()=true', 'rewrites()=2', 'config(n)=42', 'config(missing)=<default>',
        'configInt(n)=42', 'configInt(op)=-7', 'configBool(flag)=true', 'get(no.such.key)=null status=NOT_FOUND',
        'rowCount()=-1',
    ]);
});

test('sdk: empty tables list', async () => {
    const r = ok(await runHook(probe, 'on_query', { query: 'SELECT 1', config: { op: 'props' } }));
    assert.ok(lines(r).includes('tables()= (0)'));
});

test('sdk: values larger than the 4 KiB scratch buffer (BUFFER_TOO_SMALL, then retry)', async () => {
    const query = 'SELECT ' + 'é'.repeat(9000) + ' -- the end';
    const r = ok(await runHook(probe, 'on_query', { query, config: { op: 'big' } }));
    assert.deepEqual(lines(r), [`len=${query.length} tail=${query.slice(-12)}`]);
    const gets = r.calls.filter(c => c.name === 'wasql_get').map(c => c.status);
    assert.ok(gets.includes('BUFFER_TOO_SMALL'), JSON.stringify(r.calls));
});

test('sdk: deny with a SQLSTATE, the default SQLSTATE, and an invalid one', async () => {
    let r = ok(await runHook(probe, 'on_query', { config: { op: 'deny', sqlstate: '28000', message: 'nope ✋' } }));
    assert.equal(r.code, 1);
    assert.deepEqual(r.denied, { sqlstate: '28000', message: 'nope ✋' });
    r = ok(await runHook(probe, 'on_query', { config: { op: 'deny', sqlstate: '', message: 'default' } }));
    assert.deepEqual(r.denied, { sqlstate: '42501', message: 'default' });
    r = ok(await runHook(probe, 'on_query', { config: { op: 'deny', sqlstate: 'bad!', message: 'kept' } }));
    assert.equal(r.code, 1, 'still DENY');
    assert.deepEqual(r.denied, { sqlstate: '42501', message: 'kept' });
});

test('sdk: setQuery in on_query, NOT_ALLOWED in on_result', async () => {
    let r = ok(await runHook(probe, 'on_query', { query: 'SELECT 1', config: { op: 'rewrite', text: 'SELECT 2 -- ünïcode' } }));
    assert.equal(r.query, 'SELECT 2 -- ünïcode');
    assert.deepEqual(lines(r), ['setQuery=true status=OK']);
    r = ok(await runHook(probe, 'on_result', { query: 'SELECT 1', config: { op: 'result' } }));
    assert.ok(lines(r).includes('setQuery=false NOT_ALLOWED'), lines(r).join('\n'));
});

test('sdk: shared store', async () => {
    const kv = createKv();
    const r = ok(await runHook(probe, 'on_query', { kv, now: 5000, config: { op: 'kv', big: '20000' } }));
    assert.deepEqual(lines(r), [
        'get missing: null NOT_FOUND',
        'set: true OK',
        'get: "välue"',
        'get global: null',
        'cas wrong: false CAS_MISMATCH',
        'cas right: true OK',
        'cas absent on present: false CAS_MISMATCH',
        'cas absent: true OK',
        'incr: 5 3 OK',
        'incr non-number: 0 BAD_ARGUMENT',
        'delete: true false NOT_FOUND',
        'set big: true OK',
        'get big: 20000 true',
        'set bytes: true',
        'get bytes: 3:0,255,7',
        'ttl: true',
    ]);
    assert.equal(kvGetString(kv, 'fresh', { scope: 1 }), 'f');
    assert.equal(kvGetString(kv, 'n'), '3');
    assert.equal(kvGetString(kv, 't', { now: 5999 }), '1');
    assert.equal(kvGetString(kv, 't', { now: 6000 }), null, 'expired after ttl');
    const big = r.calls.filter(c => c.name === 'wasql_kv_get').map(c => c.status);
    assert.ok(big.includes('BUFFER_TOO_SMALL'));
});

test('sdk: a throw traps through env.abort with the message', async () => {
    const r = await runHook(probe, 'on_query', { config: { op: 'abort', message: 'boom' } });
    assert.equal(r.outcome, 'failed');
    assert.match(r.failure, /probe abort: boom/);
});

test('sdk: result properties', async () => {
    let r = ok(await runHook(probe, 'on_result', {
        query: 'SELECT a, b FROM t', kind: 'SELECT', config: { op: 'result' },
        result: table({ a: [[1, 2], new Int64()], b: [['x', 'y'], new Utf8()] }),
    }));
    assert.deepEqual(lines(r).slice(0, 9), [
        'rowCount=2', 'rowsAffected=0', 'columnCount=2', 'columnNames=a|b', 'commandTag=SELECT 2', 'failed=false',
        'errorSqlstate=null', 'errorMessage=null', 'getColumn(0)=column',
    ]);
    r = ok(await runHook(probe, 'on_result', {
        query: 'DELETE FROM t', kind: 'DELETE', rows_affected: 7, config: { op: 'result' },
        error: { sqlstate: '40001', message: 'busy' },
    }));
    assert.deepEqual(lines(r).slice(0, 9), [
        'rowCount=0', 'rowsAffected=7', 'columnCount=0', 'columnNames=', 'commandTag=DELETE 7', 'failed=true',
        'errorSqlstate="40001"', 'errorMessage="busy"', 'getColumn(0)=null NOT_FOUND',
    ]);
});

// ---------------------------------------------------------------------------------------------------------------
// SDK: Arrow reader (host-written columns and apache-arrow-written streams)

const hex = (u8) => '\\x' + Buffer.from(u8).toString('hex');
// What the probe's describe() prints for an apache-arrow vector.
function expectDescribe(name, typeName, values, { float = false, binary = false } = {}) {
    const nulls = values.filter(v => v === null).length;
    return [`col name=${name} type=${typeName} length=${values.length} nulls=${nulls}`,
        ...values.map(v => v === null ? 'N' : binary ? 'V' + hex(v) : float ? Number(v) : 'V' + String(v))];
}
// Compares describe() output; float values numerically (AssemblyScript prints 2.0 where JS prints 2).
function assertDescribe(actual, expected) {
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
        if (typeof expected[i] === 'number') {
            assert.ok(actual[i].startsWith('V'), actual[i]);
            assert.equal(Number(actual[i].slice(1)), expected[i], `line ${i}: ${actual[i]}`);
        } else assert.equal(actual[i], expected[i], `line ${i}`);
    }
    assert.equal(actual.length, expected.length, 'number of lines');
}

const sample = () => table({
    id: [[1, -2, 9007199254740993n, null], new Int64()],
    score: [[1.5, null, -2, 1e300], new Float64()],
    name: [['alice', null, 'bøb ✓ 😀', ''], new Utf8()],
    blob: [[new Uint8Array([0, 255, 7]), null, new Uint8Array([]), new Uint8Array([0x41])], new Binary()],
    nothing: [[null, null, null, null], new Utf8()],
});
const sampleExpected = [
    expectDescribe('id', 'int64', [1, -2, 9007199254740993n, null]),
    expectDescribe('score', 'float64', [1.5, null, -2, 1e300], { float: true }),
    expectDescribe('name', 'utf8', ['alice', null, 'bøb ✓ 😀', '']),
    expectDescribe('blob', 'binary', [new Uint8Array([0, 255, 7]), null, new Uint8Array([]), new Uint8Array([0x41])], { binary: true }),
    expectDescribe('nothing', 'utf8', [null, null, null, null]),
];

test('arrow reader: every host column type, NULLs, one column at a time', async () => {
    for (let i = 0; i < 5; i++) {
        const r = ok(await runHook(probe, 'on_result', { query: 'SELECT *', result: sample(), config: { op: 'describe', column: String(i) } }));
        assertDescribe(lines(r), sampleExpected[i]);
    }
});

test('arrow reader: the whole result (index -1)', async () => {
    const r = ok(await runHook(probe, 'on_result', { query: 'SELECT *', result: sample(), config: { op: 'describe', column: '-1' } }));
    assertDescribe(lines(r), sampleExpected.flat());
});

test('arrow reader: empty result, no row set, bad index', async () => {
    // a column without values is written as utf8 (like an all-NULL one)
    let r = ok(await runHook(probe, 'on_result', { query: 'SELECT *', result: table({ a: [[], new Int64()] }), config: { op: 'describe' } }));
    assert.deepEqual(lines(r), ['col name=a type=utf8 length=0 nulls=0']);
    r = ok(await runHook(probe, 'on_result', { query: 'UPDATE t SET a = 1', config: { op: 'describe' } }));
    assert.deepEqual(lines(r), ['null NOT_FOUND ']);
    r = ok(await runHook(probe, 'on_result', { query: 'SELECT *', result: table({ a: [[1], new Int64()] }), config: { op: 'describe', column: '3' } }));
    // out of range: the mock says BAD_ARGUMENT, the server NOT_FOUND (the ABI's status table); either is null
    assert.match(lines(r)[0], /^null (BAD_ARGUMENT|NOT_FOUND) $/);
    assert.equal(lines(r).length, 1);
});

test('arrow reader: a column larger than the scratch buffer', async () => {
    const values = Array.from({ length: 3000 }, (_, i) => i % 7 === 0 ? null : `value ${i} ${'z'.repeat(i % 13)}`);
    const r = ok(await runHook(probe, 'on_result', { query: 'SELECT *', result: table({ v: [values, new Utf8()] }), config: { op: 'describe' } }));
    assertDescribe(lines(r), expectDescribe('v', 'utf8', values));
    assert.ok(r.calls.some(c => c.name === 'wasql_result_get_column' && c.status === 'BUFFER_TOO_SMALL'));
});

// Streams written by apache-arrow itself, passed to the guest through the store.
async function decodeInGuest(bytes, extra = {}, plugin = null) {
    const kv = createKv();
    kvSet(kv, 'ipc_in', bytes);
    const props = { query: 'SELECT 1', kv, config: { op: 'decode_kv', ...extra } };
    return plugin ? plugin.run('on_result', props) : runHook(probe, 'on_result', props);
}

test('arrow reader: other types written by apache-arrow (ints, uints, float32, bool, null, large types)', async () => {
    const cols = {
        i8: [[-128, 127, null], new Int8(), 'int8'],
        i16: [[-32768, 32767, null], new Int16(), 'int16'],
        i32: [[-2147483648, 2147483647, null], new Int32(), 'int32'],
        u8: [[0, 255, null], new Uint8(), 'uint8'],
        u16: [[0, 65535, null], new Uint16(), 'uint16'],
        u32: [[0, 4294967295, null], new Uint32(), 'uint32'],
        u64: [[0n, 18446744073709551615n, null], new Uint64(), 'uint64'],
        f32: [[0.5, -1.25, null], new Float32(), 'float32', { float: true }],
        b: [[true, false, null], new Bool(), 'bool'],
        n: [[null, null, null], new Null(), 'null'],
        ls: [['x', null, 'long ü'], new LargeUtf8(), 'large_utf8'],
        lb: [[new Uint8Array([1, 2]), null, new Uint8Array([255])], new LargeBinary(), 'large_binary', { binary: true }],
    };
    const t = new Table(Object.fromEntries(Object.entries(cols).map(([k, [v, type]]) => [k, vectorFromArray(v, type)])));
    for (const format of ['stream', 'file']) {
        const r = ok(await decodeInGuest(tableToIPC(t, format)));
        const expected = Object.entries(cols).flatMap(([k, [v, , typeName, opts]]) => expectDescribe(k, typeName, v, opts));
        assertDescribe(lines(r), expected);
    }
});

test('arrow reader: unsupported and malformed input gives an error, not a trap', async () => {
    const valid = tableToIPC(sample(), 'stream');
    let r = ok(await decodeInGuest(valid.subarray(0, 100)));
    assert.match(lines(r)[0], /^error malformed Arrow IPC: /);
    r = ok(await decodeInGuest(new Uint8Array([1, 2, 3])));
    assert.match(lines(r)[0], /^error malformed Arrow IPC: truncated message prefix/);
    const nested = new Table({ l: vectorFromArray([[1, 2], [3]]) });
    r = ok(await decodeInGuest(tableToIPC(nested, 'stream')));
    assert.match(lines(r)[0], /not supported/);
    const dict = new Table({ d: vectorFromArray(['a', 'b', 'a']) }); // apache-arrow dictionary-encodes strings
    r = ok(await decodeInGuest(tableToIPC(dict, 'stream')));
    assert.match(lines(r)[0], /dictionary-encoded columns are not supported/);
});

test('arrow reader: 3000 mutated and truncated streams and files never trap', async () => {
    const sources = [tableToIPC(sample(), 'stream'), tableToIPC(sample(), 'file')];
    const plugin = await loadPlugin(probe);
    let seed = 12345;
    const rand = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
    let decoded = 0, refused = 0;
    try {
        for (let i = 0; i < 3000; i++) {
            let bytes = sources[(i >> 2) & 1].slice();
            if (i % 4 === 0) bytes = bytes.subarray(0, rand(bytes.length));
            else for (let k = 1 + rand(4); k > 0; k--) {
                const p = rand(bytes.length);
                bytes[p] = i % 3 === 0 ? bytes[p] ^ (1 << rand(8)) : rand(256);
            }
            const r = await decodeInGuest(bytes, { max_rows: '8' }, plugin);
            assert.equal(r.failure, null, `mutation ${i} trapped: ${r.failure}`);
            if (r.logs[0] && r.logs[0].text.startsWith('error ')) refused++; else decoded++;
        }
    } finally { plugin.close(); }
    assert.ok(refused > 100 && decoded > 100, `refused ${refused}, decoded ${decoded}`);
});

// ---------------------------------------------------------------------------------------------------------------
// SDK: Arrow writer (read back by apache-arrow, and checked byte by byte)

// A strict check of an Arrow IPC stream as the builders write it: framing, 8-byte alignment, and flatbuffers
// that a verifier would accept (every table/vtable/vector/string in range and aligned, fields inside their
// table, scalars naturally aligned). Returns the decoded metadata.
function checkIpc(bytes) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.equal(bytes.length % 8, 0, 'stream length is a multiple of 8');
    const messages = [];
    let pos = 0;
    for (;;) {
        assert.ok(pos + 8 <= bytes.length, 'end-of-stream marker present');
        assert.equal(dv.getUint32(pos, true), 0xFFFFFFFF, `continuation marker at ${pos}`);
        const metaLen = dv.getInt32(pos + 4, true);
        if (metaLen === 0) { assert.equal(pos + 8, bytes.length, 'nothing after the end-of-stream marker'); break; }
        assert.equal(metaLen % 8, 0, 'metadata padded to 8 bytes');
        const fb = new FbCheck(bytes.subarray(pos + 8, pos + 8 + metaLen));
        const msg = fb.root();
        const m = {
            version: fb.scalar(msg, 0, 'i16', 0), headerType: fb.scalar(msg, 1, 'u8', 0),
            bodyLength: Number(fb.scalar(msg, 3, 'i64', 0n)),
        };
        const header = fb.table(msg, 2);
        assert.equal(m.version, 4, 'metadata version V5');
        assert.equal(m.bodyLength % 8, 0, 'body length padded to 8');
        const bodyStart = pos + 8 + metaLen;
        assert.ok(bodyStart + m.bodyLength <= bytes.length, 'body inside the stream');
        if (m.headerType === 1) {
            assert.equal(fb.scalar(header, 0, 'i16', 0), 0, 'little-endian');
            const fields = fb.vector(header, 1, 4, 4);
            assert.equal(fields.count, 1, 'one field');
            const f = fb.tableAt(fields.start + fb.dv.getUint32(fields.start, true));
            m.field = {
                name: fb.string(f, 0), nullable: fb.scalar(f, 1, 'u8', 0) === 1, typeTag: fb.scalar(f, 2, 'u8', 0),
                children: fb.vector(f, 5, 4, 4).count,
            };
            const type = fb.table(f, 3);
            if (m.field.typeTag === 2) m.field.int = { bitWidth: fb.scalar(type, 0, 'i32', 0), signed: fb.scalar(type, 1, 'u8', 0) };
            if (m.field.typeTag === 3) m.field.precision = fb.scalar(type, 0, 'i16', 0);
        } else {
            assert.equal(m.headerType, 3, 'RecordBatch');
            m.length = Number(fb.scalar(header, 0, 'i64', 0n));
            const nodes = fb.vector(header, 1, 16, 8);
            assert.equal(nodes.count, 1);
            m.node = { length: Number(dv.getBigInt64(pos + 8 + nodes.start, true)), nullCount: Number(dv.getBigInt64(pos + 16 + nodes.start, true)) };
            const buffers = fb.vector(header, 2, 16, 8);
            m.buffers = [];
            let end = 0;
            for (let k = 0; k < buffers.count; k++) {
                const at = pos + 8 + buffers.start + 16 * k;
                const b = { offset: Number(dv.getBigInt64(at, true)), length: Number(dv.getBigInt64(at + 8, true)) };
                assert.equal(b.offset % 8, 0, 'buffer 8-byte aligned');
                assert.ok(b.offset >= end && b.offset + b.length <= m.bodyLength, 'buffers in order, inside the body');
                end = b.offset + b.length;
                m.buffers.push(b);
            }
            assert.ok(!fb.has(header, 3), 'no compression');
        }
        messages.push(m);
        pos = bodyStart + m.bodyLength;
    }
    return messages;
}

class FbCheck {
    constructor(u8) { this.u8 = u8; this.dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength); }
    in(pos, size) { assert.ok(pos >= 0 && pos + size <= this.u8.length, `flatbuffer range ${pos}+${size} outside ${this.u8.length}`); }
    root() { this.in(0, 4); return this.tableAt(this.dv.getUint32(0, true)); }
    tableAt(pos) {
        this.in(pos, 4);
        assert.equal(pos % 4, 0, `table at ${pos} aligned`);
        const vt = pos - this.dv.getInt32(pos, true);
        this.in(vt, 4);
        assert.equal(vt % 2, 0, 'vtable aligned');
        const vtLen = this.dv.getUint16(vt, true), tableLen = this.dv.getUint16(vt + 2, true);
        assert.ok(vtLen >= 4 && vtLen % 2 === 0, 'vtable size');
        this.in(vt, vtLen);
        this.in(pos, tableLen);
        return { pos, vt, vtLen, tableLen };
    }
    slot(t, id, size) {
        const e = 4 + 2 * id;
        if (e + 2 > t.vtLen) return 0;
        const off = this.dv.getUint16(t.vt + e, true);
        if (off === 0) return 0;
        assert.ok(off + size <= t.tableLen, `field ${id} inside its table`);
        assert.equal((t.pos + off) % size, 0, `field ${id} aligned to ${size}`);
        return t.pos + off;
    }
    has(t, id) { return this.slot(t, id, 1) !== 0; }
    scalar(t, id, kind, def) {
        const size = { u8: 1, i16: 2, i32: 4, i64: 8 }[kind];
        const p = this.slot(t, id, size);
        if (!p) return def;
        return kind === 'u8' ? this.dv.getUint8(p) : kind === 'i16' ? this.dv.getInt16(p, true) : kind === 'i32' ? this.dv.getInt32(p, true) : this.dv.getBigInt64(p, true);
    }
    target(t, id) {
        const p = this.slot(t, id, 4);
        assert.ok(p, `offset field ${id} present`);
        const target = p + this.dv.getUint32(p, true);
        this.in(target, 4);
        return target;
    }
    table(t, id) { return this.tableAt(this.target(t, id)); }
    vector(t, id, elementSize, elementAlign) {
        const v = this.target(t, id);
        assert.equal(v % 4, 0, 'vector aligned');
        const count = this.dv.getUint32(v, true);
        assert.equal((v + 4) % elementAlign, 0, 'vector elements aligned');
        this.in(v + 4, count * elementSize);
        if (elementSize === 4) for (let k = 0; k < count; k++) this.in(v + 4 + 4 * k + this.dv.getUint32(v + 4 + 4 * k, true), 4);
        return { start: v + 4, count };
    }
    string(t, id) {
        const v = this.vector(t, id, 1, 1);
        this.in(v.start, v.count + 1);
        assert.equal(this.u8[v.start + v.count], 0, 'string NUL-terminated');
        return Buffer.from(this.u8.subarray(v.start, v.start + v.count)).toString('utf8');
    }
}

// Runs a builder op on column 0 and returns the hook result, the stream the builder wrote and its metadata.
async function build(op, values, type, name = '') {
    const kv = createKv();
    const r = ok(await runHook(probe, 'on_result', { query: 'SELECT v FROM t', kv, result: table({ v: [values, type] }), config: { op, name } }));
    const ipc = kvGet(kv, 'ipc_out');
    assert.ok(ipc, `ipc_out stored: ${lines(r).join(' / ')}`);
    return { r, ipc, meta: checkIpc(ipc) };
}
const column = (t, name = 'v') => t.getChild(name).toArray ? [...t.getChild(name)] : null;

test('arrow writer: utf8 builder (upper-case), read back by apache-arrow', async () => {
    const values = ['alice', null, 'bøb ✓', '', 'straße'];
    const { r, ipc, meta } = await build('upper', values, new Utf8(), 'shout');
    assert.deepEqual(lines(r), ['set true OK rows=5 nulls=1']);
    assert.deepEqual(r.changedColumns, [0]);
    assert.deepEqual(column(r.table), ['ALICE', null, 'BØB ✓', '', 'STRASSE']);
    const back = tableFromIPC(ipc);
    assert.equal(back.schema.fields[0].name, 'shout');
    assert.equal(back.schema.fields[0].type.typeId, Type.Utf8);
    assert.equal(back.schema.fields[0].nullable, true);
    assert.equal(back.numRows, 5);
    assert.equal(back.getChildAt(0).nullCount, 1);
    assert.deepEqual([...back.getChildAt(0)], ['ALICE', null, 'BØB ✓', '', 'STRASSE']);
    assert.deepEqual(meta[0].field, { name: 'shout', nullable: true, typeTag: 5, children: 0 });
    assert.deepEqual(meta[1].node, { length: 5, nullCount: 1 });
    assert.equal(meta[1].buffers.length, 3);
    assert.equal(meta[1].buffers[0].length, 1, 'validity bitmap');
    assert.equal(meta[1].buffers[1].length, 24, 'offsets');
});

test('arrow writer: masking e-mail addresses', async () => {
    const { r } = await build('mask', ['alice@example.com', 'bob@x.org', null, 'x@y', 'noatsign'], new Utf8());
    assert.deepEqual(column(r.table), ['a****@example.com', 'b**@x.org', null, 'x@y', 'n*******']);
});

test('arrow writer: int64 and float64 builders', async () => {
    let { r, ipc, meta } = await build('double', [1, -2, null, 4611686018427387903n], new Int64());
    assert.deepEqual(column(r.table), [2n, -4n, null, 9223372036854775806n]);
    assert.deepEqual([...tableFromIPC(ipc).getChildAt(0)], [2n, -4n, null, 9223372036854775806n]);
    assert.deepEqual(meta[0].field.int, { bitWidth: 64, signed: 1 });
    assert.equal(meta[1].buffers.length, 2);

    ({ r, ipc, meta } = await build('double', [1.25, null, -3, 1e300], new Float64()));
    assert.deepEqual(column(r.table), [2.5, null, -6, 2e300]);
    assert.equal(tableFromIPC(ipc).schema.fields[0].type.typeId, Type.Float);
    assert.equal(meta[0].field.precision, 2, 'DOUBLE');
});

test('arrow writer: copy round trips every host type (values, NULLs, no NULLs, empty)', async () => {
    const cases = [
        [[1, null, -3], new Int64(), [1n, null, -3n]],
        [[5, 6, 7], new Int64(), [5n, 6n, 7n]],
        [[0.5, null], new Float64(), [0.5, null]],
        [['a', null, 'ü😀'], new Utf8(), ['a', null, 'ü😀']],
        [[new Uint8Array([0, 1]), null, new Uint8Array([])], new Binary(), [new Uint8Array([0, 1]), null, new Uint8Array([])]],
        [[null, null], new Utf8(), [null, null]],
        [[], new Int64(), []],
        [[], new Utf8(), []],
    ];
    for (const [values, type, expected] of cases) {
        const { r, ipc, meta } = await build('copy', values, type);
        const back = tableFromIPC(ipc);
        assert.equal(back.numRows, values.length);
        const got = [...back.getChildAt(0)].map(v => v instanceof Uint8Array ? [...v] : v);
        assert.deepEqual(got, expected.map(v => v instanceof Uint8Array ? [...v] : v), `${type}: ${JSON.stringify(values)}`);
        assert.equal(meta[1].node.nullCount, values.filter(v => v === null).length);
        if (meta[1].node.nullCount === 0) assert.equal(meta[1].buffers[0].length, 0, 'no validity bitmap without NULLs');
        assert.equal(r.failure, null);
    }
});

test('arrow writer: large column (3000 rows, one pooled instance, 100 times)', async () => {
    const values = Array.from({ length: 3000 }, (_, i) => i % 5 === 0 ? null : `row ${i} ${'q'.repeat(i % 17)}`);
    const result = table({ v: [values, new Utf8()] });
    const plugin = await loadPlugin(probe);
    try {
        for (let k = 0; k < 100; k++) {
            const r = plugin.run('on_result', { query: 'SELECT v FROM t', result, config: { op: 'upper' } });
            assert.equal(r.failure, null, `run ${k}: ${r.failure}`);
            if (k === 0) assert.deepEqual(column(r.table), values.map(v => v === null ? null : v.toUpperCase()));
        }
    } finally { plugin.close(); }
});

// ---------------------------------------------------------------------------------------------------------------

let failed = 0;
for (const t of tests) {
    try {
        await t.fn();
        console.log(`ok   ${t.name}`);
    } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}\n     ${String(e && e.stack || e).split('\n').join('\n     ')}`);
    }
}
console.log(`${tests.length - failed}/${tests.length} passed`);
process.exit(failed ? 1 : 0);
