// test-rust.mjs: tests of the Rust SDK (sdk/rust/wasql-plugin) and the Rust example plugins with the mock host.
// Run: examples/plugins/build-rust.sh BUILD_DIR && node sdk/testing/test-rust.mjs BUILD_DIR
// BUILD_DIR must hold rate_limit.wasm and add_limit.wasm; the test guest crate sdk/testing/guests/rust_probe is
// built with cargo into BUILD_DIR when it is missing or older than its sources (CARGO/RUSTC override Debian's).
// Exits 1 when a check fails.

import { readFileSync, existsSync, statSync, mkdirSync, copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, inspect } from 'node:util';
import { Table, vectorFromArray, tableFromIPC, Int64, Float64, Utf8, Binary, Bool, Int32 } from 'apache-arrow';
import { runHook, loadPlugin, runStatement, createKv, kvGet, kvGetString, kvSet } from './mock_host.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const buildDir = process.argv[2];
if (!buildDir) {
    console.error('usage: node sdk/testing/test-rust.mjs BUILD_DIR   (build the examples with examples/plugins/build-rust.sh BUILD_DIR)');
    process.exit(2);
}

// ---- the wasm files ----

function buildProbe() {
    // a Cargo crate using the SDK by path, built as a plugin author would (offline: the SDK has no dependencies)
    const crate = join(here, 'guests/rust_probe');
    const out = join(buildDir, 'rust_probe.wasm');
    const sources = [join(crate, 'plugin.rs'), join(crate, 'Cargo.toml'), join(root, 'sdk/rust/wasql-plugin/src/lib.rs')];
    if (existsSync(out) && sources.every((s) => statSync(s).mtimeMs <= statSync(out).mtimeMs)) return out;
    mkdirSync(buildDir, { recursive: true });
    const target = join(resolve(buildDir), 'cargo-target');
    execFileSync(process.env.CARGO || '/usr/bin/cargo', ['build', '--quiet', '--offline', '--release',
        '--target', 'wasm32-unknown-unknown', '--manifest-path', join(crate, 'Cargo.toml')],
        { stdio: 'inherit', env: { ...process.env, RUSTC: process.env.RUSTC || '/usr/bin/rustc', CARGO_TARGET_DIR: target } });
    copyFileSync(join(target, 'wasm32-unknown-unknown/release/rust_probe.wasm'), out);
    return out;
}

function load(name) {
    const file = join(buildDir, `${name}.wasm`);
    if (!existsSync(file)) {
        console.error(`${file} is missing: run examples/plugins/build-rust.sh ${buildDir}`);
        process.exit(2);
    }
    return new WebAssembly.Module(readFileSync(file));
}

const rateLimit = load('rate_limit');
const addLimit = load('add_limit');
const probe = new WebAssembly.Module(readFileSync(buildProbe()));

// ---- a tiny harness ----

let failures = 0;
let checks = 0;
let current = '';

function check(ok, what, detail) {
    checks++;
    if (!ok) {
        failures++;
        console.log(`  FAIL [${current}] ${what}${detail === undefined ? '' : `\n       ${detail}`}`);
    }
}
const show = (v) => inspect(v, { depth: 6, breakLength: Infinity });
function eq(actual, expected, what) {
    check(isDeepStrictEqual(actual, expected), what, `got ${show(actual)}, expected ${show(expected)}`);
}

async function test(name, fn) {
    current = name;
    const before = failures;
    try {
        await fn();
    } catch (e) {
        failures++;
        console.log(`  FAIL [${name}] threw ${e && e.stack || e}`);
    }
    console.log(`${failures === before ? 'ok  ' : 'FAIL'} ${name}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The probe's `name=value` info lines as an object.
function reports(r) {
    const o = {};
    for (const l of r.logs) {
        if (l.level !== 1) continue;
        const i = l.text.indexOf('=');
        o[l.text.slice(0, i)] = l.text.slice(i + 1);
    }
    return o;
}

// ---- rate_limit ----

const rl = (props) => runHook(rateLimit, 'on_query', { plugin: 'rate_limit', query: 'SELECT 1', ...props });

await test('rate_limit: exactly `limit` statements, then 53400', async () => {
    const kv = createKv();
    for (let i = 1; i <= 3; i++) {
        const r = await rl({ user: 'alice', kv, config: { limit: '3' } });
        eq(r.outcome, 'continue', `statement ${i}`);
    }
    for (let i = 4; i <= 5; i++) {
        const r = await rl({ user: 'alice', kv, config: { limit: '3' } });
        eq(r.outcome, 'deny', `statement ${i}`);
        eq(r.denied, { sqlstate: '53400', message: "rate limit exceeded for user 'alice': 3 statements per 1000 ms (plugin rate_limit)" }, `error of statement ${i}`);
    }
    eq(kvGetString(kv, 'rl:alice', { plugin: 'rate_limit' }), '5', 'the counter in the plugin scope');
    eq(kvGet(kv, 'rl:alice', { scope: 1 }), null, 'nothing in the global scope');
});

await test('rate_limit: each user has a budget of its own', async () => {
    const kv = createKv();
    for (let i = 0; i < 4; i++) await rl({ user: 'alice', kv, config: { limit: '3' } });
    for (let i = 1; i <= 3; i++) eq((await rl({ user: 'bob', kv, config: { limit: '3' } })).outcome, 'continue', `bob ${i}`);
    const r = await rl({ user: 'bob', kv, config: { limit: '3' } });
    eq(r.outcome, 'deny', 'bob 4');
    eq(r.denied.message, "rate limit exceeded for user 'bob': 3 statements per 1000 ms (plugin rate_limit)", 'message names bob');
    eq((await rl({ user: 'alice', kv, config: { limit: '3' } })).outcome, 'deny', 'alice still denied');
});

await test('rate_limit: defaults are 10 statements per 1000 ms', async () => {
    const kv = createKv();
    for (let i = 1; i <= 10; i++) eq((await rl({ user: 'carol', kv })).outcome, 'continue', `statement ${i}`);
    const r = await rl({ user: 'carol', kv });
    eq(r.denied, { sqlstate: '53400', message: "rate limit exceeded for user 'carol': 10 statements per 1000 ms (plugin rate_limit)" }, 'statement 11');
});

await test('rate_limit: a new window allows again (real clock, window_ms = 100)', async () => {
    const kv = createKv();
    const config = { limit: '2', window_ms: '100' };
    eq((await rl({ user: 'dave', kv, config })).outcome, 'continue', '1');
    eq((await rl({ user: 'dave', kv, config })).outcome, 'continue', '2');
    const d = await rl({ user: 'dave', kv, config });
    eq(d.outcome, 'deny', '3');
    eq(d.denied.message, "rate limit exceeded for user 'dave': 2 statements per 100 ms (plugin rate_limit)", 'message');
    await sleep(160);
    eq((await rl({ user: 'dave', kv, config })).outcome, 'continue', 'first of the next window');
    eq((await rl({ user: 'dave', kv, config })).outcome, 'continue', 'second of the next window');
    eq((await rl({ user: 'dave', kv, config })).outcome, 'deny', 'third of the next window');
});

await test('rate_limit: the window is fixed from the first statement (mock clock)', async () => {
    const kv = createKv();
    let t = 1_000_000;
    const now = () => t;
    const go = async () => (await rl({ user: 'erin', kv, now, config: { limit: '1', window_ms: '1000' } })).outcome;
    eq(await go(), 'continue', 't=0');
    t += 500;
    eq(await go(), 'deny', 't=500');
    t += 499;
    eq(await go(), 'deny', 't=999 (denied statements do not extend the window)');
    t += 600;
    eq(await go(), 'continue', 't=1599: a new window');
    t += 500;
    eq(await go(), 'deny', 't=2099: same window');
});

await test('rate_limit: a pooled instance keeps no state of its own', async () => {
    const p = await loadPlugin(rateLimit);
    const kv = createKv();
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(p.run('on_query', { plugin: 'rate_limit', user: 'frank', kv, config: { limit: '3' } }).outcome);
    eq(outcomes, ['continue', 'continue', 'continue', 'deny'], 'outcomes');
    eq(p.run('on_query', { plugin: 'rate_limit', user: 'frank', kv: createKv(), config: { limit: '3' } }).outcome, 'continue', 'a fresh store starts over');
    p.close();
});

await test('rate_limit: a bad config fails the hook', async () => {
    for (const config of [{ limit: 'ten' }, { limit: '-1' }, { window_ms: '0' }, { window_ms: 'soon' }]) {
        const r = await rl({ user: 'gina', config });
        eq(r.outcome, 'failed', `config ${show(config)}`);
        check(r.logs.some((l) => l.level === 3 && l.text.startsWith('rate_limit: config')), `error logged for ${show(config)}`, show(r.logs));
    }
    eq((await rl({ user: 'gina', config: { limit: ' 5 ' } })).outcome, 'continue', 'blanks around a number are fine');
});

await test('rate_limit: a store failure fails the hook', async () => {
    // 100,000 keys in the plugin's namespace: a new counter cannot be created (LIMIT)
    const kv = createKv();
    for (let i = 0; i < 100000; i++) kvSet(kv, `k${i}`, '1', { plugin: 'rate_limit' });
    const r = await rl({ user: 'hank', kv });
    eq(r.outcome, 'failed', 'outcome');
    check(r.logs.some((l) => l.level === 3 && l.text === 'rate_limit: shared store: LIMIT'), 'error logged', show(r.logs));
});

// ---- add_limit ----

const al = (query, config = { limit: '25' }) => runHook(addLimit, 'on_query', { plugin: 'add_limit', query, config });

await test('add_limit: rewrites a SELECT without LIMIT exactly', async () => {
    const cases = [
        ['SELECT * FROM t', 'SELECT * FROM t\nLIMIT 25'],
        ['SELECT * FROM t;  \n', 'SELECT * FROM t\nLIMIT 25'],
        ['  select a, b from t where x > 1 ;;', '  select a, b from t where x > 1\nLIMIT 25'],
        ['SELECT 1 -- trailing comment', 'SELECT 1 -- trailing comment\nLIMIT 25'],
        ['SELECT 1; -- done', 'SELECT 1 -- done\nLIMIT 25'],
        ['SELECT 1 /* note */ ;', 'SELECT 1 /* note */\nLIMIT 25'],
        ['SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1', 'SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1\nLIMIT 25'],
        ['WITH c AS (SELECT 1 AS x) SELECT x FROM c', 'WITH c AS (SELECT 1 AS x) SELECT x FROM c\nLIMIT 25'],
        ['SELECT ünï FROM t', 'SELECT ünï FROM t\nLIMIT 25'],
    ];
    for (const [query, want] of cases) {
        const r = await al(query);
        eq(r.outcome, 'continue', `outcome for ${show(query)}`);
        eq(r.query, want, `rewrite of ${show(query)}`);
    }
    eq((await al('SELECT * FROM t', {})).query, 'SELECT * FROM t\nLIMIT 1000', 'default limit 1000');
    eq((await al('SELECT * FROM t', { limit: '0' })).query, 'SELECT * FROM t\nLIMIT 0', 'limit 0');
});

await test('add_limit: keeps a SELECT that has a top-level LIMIT', async () => {
    for (const query of ['SELECT * FROM t LIMIT 5', 'select * from t limit 5 offset 10;', 'SELECT * FROM t\nLIMIT 25',
        'SELECT a FROM t UNION SELECT b FROM u LIMIT 3', 'WITH c AS (SELECT 1) SELECT * FROM c LIMIT 1']) {
        const r = await al(query);
        eq([r.outcome, r.query], ['continue', null], `unchanged: ${show(query)}`);
        check(!r.calls.some((c) => c.name === 'wasql_set_query'), `no set_query for ${show(query)}`);
    }
});

await test('add_limit: ignores LIMIT in strings, quoted names, comments, parameters and subqueries', async () => {
    const cases = [
        "SELECT 'limit 5' FROM t",
        "SELECT 'it''s a limit' FROM t",
        'SELECT "limit", [limit], `limit` FROM t',
        'SELECT x FROM t -- LIMIT 10',
        'SELECT x /* LIMIT 10 */ FROM t',
        'SELECT x FROM t WHERE y IN (SELECT y FROM u LIMIT 3)',
        'SELECT (SELECT max(x) FROM u LIMIT 1) FROM t',
        'WITH c AS (SELECT * FROM u LIMIT 2) SELECT * FROM c',
        'SELECT * FROM t WHERE n < :limit',
        'SELECT x.limitless FROM t AS x',
    ];
    for (const query of cases) eq((await al(query)).query, `${query}\nLIMIT 25`, `rewrite of ${show(query)}`);
});

await test('add_limit: leaves other statements alone', async () => {
    for (const query of ['UPDATE t SET x = 1', 'INSERT INTO t SELECT * FROM u', 'DELETE FROM t WHERE x IN (SELECT x FROM u)',
        'WITH c AS (SELECT 1) DELETE FROM t', 'CREATE TABLE t2 AS SELECT * FROM t', 'EXPLAIN SELECT 1', 'PRAGMA table_info(t)',
        'VALUES (1), (2)', '', ';', '-- nothing']) {
        const r = await al(query);
        eq([r.outcome, r.query], ['continue', null], `unchanged: ${show(query)}`);
    }
});

await test('add_limit: leaves text that is not one complete statement alone', async () => {
    for (const query of ["SELECT 'unclosed", 'SELECT (1', 'SELECT 1)', 'SELECT 1; SELECT 2', 'SELECT "x']) {
        eq((await al(query)).query, null, `unchanged: ${show(query)}`);
    }
});

await test('add_limit: the host re-matches the rewritten text; it is not rewritten again', async () => {
    let ran = null;
    const s = await runStatement(addLimit, { plugin: 'add_limit', query: 'SELECT * FROM t;', config: { limit: '50' } }, (q) => { ran = q; return {}; });
    eq(s.stage, 'done', 'stage');
    eq(ran, 'SELECT * FROM t\nLIMIT 50', 'the statement that ran');
    eq(s.steps.filter((r) => r.query !== null).length, 1, 'one rewrite');
});

await test('add_limit: a bad config fails the hook', async () => {
    for (const limit of ['many', '-5', '1.5']) {
        const r = await al('SELECT 1', { limit });
        eq(r.outcome, 'failed', `limit ${limit}`);
        check(r.logs.some((l) => l.level === 3 && l.text.includes("config 'limit'")), 'error logged', show(r.logs));
    }
});

// ---- the SDK through the probe ----

const pq = (props, options) => runHook(probe, 'on_query', { plugin: 'probe', ...props }, options);
const pr = (props, options) => runHook(probe, 'on_result', { plugin: 'probe', query: 'SELECT * FROM t', ...props }, options);

await test('sdk: properties and config (with the buffer protocol for a long query)', async () => {
    const query = `SELECT ${Array.from({ length: 120 }, (_, i) => `c${i}`).join(', ')} FROM t WHERE s = 'ünïcode'`;
    const r = await pq({ query, kind: 'SELECT', user: 'alice', filter: 'f1', tables: ['a', 'b'], rewrites: 2,
        in_transaction: true, config: { do: 'props', a: '1', n: ' 42 ' } });
    eq(r.outcome, 'continue', 'outcome');
    const o = reports(r);
    eq(o.query, query, 'query (longer than the first buffer)');
    const gets = r.calls.filter((c) => c.name === 'wasql_get').map((c) => c.status);
    check(gets.some((s, i) => s === 'BUFFER_TOO_SMALL' && gets[i + 1] === 'OK'), 'the SDK retried after BUFFER_TOO_SMALL', show(gets));
    eq([o.kind, o.user, o.hook, o.plugin, o.filter, o.tables, o.rewrites, o.in_transaction],
        ['SELECT', 'alice', 'on_query', 'probe', 'f1', 'a,b', '2', 'true'], 'properties');
    eq([o['config.a'], o['config.missing'], o['config_or.n'], o['config_parse.a']], ['Some("1")', 'None', '42', 'Ok(1)'], 'config');
    eq(o.config_all, 'do:props,a:1,n: 42 ', 'config_all');
    eq(o.unknown, 'Err(NotFound)', 'unknown key');
});

await test('sdk: key/value store', async () => {
    const kv = createKv();
    const r = await pq({ kv, config: { do: 'kv' } });
    eq(r.outcome, 'continue', 'outcome');
    const o = reports(r);
    eq(o, {
        get_absent: 'NOT_FOUND', set: 'ok ()', get: 'ok "v1"', cas_absent: 'CAS_MISMATCH', cas_wrong: 'CAS_MISMATCH',
        cas: 'ok ()', cas_new: 'ok ()', get2: 'ok "v2"', incr: 'ok 5', incr2: 'ok -2', incr_text: 'BAD_ARGUMENT',
        delete: 'ok ()', delete_again: 'NOT_FOUND', global_set: 'ok ()', big_set: 'ok ()', big_get: 'ok true', too_big: 'LIMIT',
    }, 'statuses');
    eq(kvGetString(kv, 'g', { scope: 1 }), 'global value', 'global scope');
    eq(kvGetString(kv, 'fresh', { plugin: 'probe' }), 'f', 'cas when absent');
    eq(kvGetString(kv, 'n', { plugin: 'probe' }), '-2', 'incr');
    eq(kvGet(kv, 'big', { plugin: 'probe' })?.length, 10000, 'big value');
    eq(kvGet(kv, 'k', { plugin: 'probe' }), null, 'deleted');
});

await test('sdk: deny, rewrite, panic and fail', async () => {
    let r = await pq({ config: { do: 'deny' } });
    eq([r.code, r.denied], [1, { sqlstate: '22023', message: 'denied by the probe' }], 'deny');
    r = await pq({ config: { do: 'deny_bad_state' } });
    eq([r.code, r.denied], [1, { sqlstate: '42501', message: 'a message kept with the default state' }], 'deny with a bad SQLSTATE');
    r = await pq({ config: { do: 'rewrite' } });
    eq([r.outcome, r.query], ['continue', "SELECT 'rewritten'"], 'rewrite');
    r = await pq({ config: { do: 'panic' } });
    eq(r.outcome, 'failed', 'a panic fails the hook');
    check(/trap|unreachable/i.test(r.failure || ''), 'a panic is a trap', r.failure);
    // the SDK's panic hook logs the message and location at level Error (3) before the abort
    check(r.logs.some((l) => l.level === 3 && /panicked at 'the probe panics', .*plugin\.rs:\d+:\d+/.test(l.text)),
        'the panic message is logged', JSON.stringify(r.logs));
    r = await pq({ config: { do: 'fail' } });
    eq([r.outcome, r.failure], ['failed', 'unknown return code 2'], 'Action::Fail');
    r = await pr({ config: { mode: 'set_query' } });
    eq(reports(r).set_query, 'NOT_ALLOWED', 'set_query in on_result');
});

// ---- results and Arrow ----

function sampleTable() {
    return new Table({
        id: vectorFromArray([1n, null, -3n, 9007199254740993n], new Int64()),
        name: vectorFromArray(['alice', null, '', 'ünï'], new Utf8()),
        score: vectorFromArray([1.5, null, -0.25, 1e300], new Float64()),
        data: vectorFromArray([Uint8Array.of(1, 2, 3), null, new Uint8Array(0), Uint8Array.of(255)], new Binary()),
        flag: vectorFromArray([true, false, true, false], new Bool()),
        small: vectorFromArray([7, -8, null, 2147483647], new Int32()),
        nothing: vectorFromArray([null, null, null, null], new Utf8()),
    });
}
const sampleDecoded = ['id:int64:4:1', 'name:utf8:4:1', 'score:float64:4:1', 'data:binary:4:1', 'flag:int64:4:0',
    'small:int64:4:1', 'nothing:utf8:4:4'];
const transformed = {
    id: [3n, null, -5n, 18014398509481987n],
    name: ['ALICE', null, '', 'ÜNÏ'],
    score: [0.75, null, -0.125, 5e299],
    data: [Uint8Array.of(3, 2, 1), null, new Uint8Array(0), Uint8Array.of(255)],
    flag: [3n, 1n, 3n, 1n],
    small: [15n, -15n, null, 4294967295n],
    nothing: [null, null, null, null],
};

// A column's values as plain JS (bigint, number, string, Uint8Array, null).
function valuesOf(table, name) {
    const v = table.getChild(name);
    const out = [];
    for (let i = 0; i < table.numRows; i++) {
        const x = v.get(i);
        out.push(x instanceof Uint8Array ? Uint8Array.from(x) : typeof x === 'number' && Number.isInteger(x) && String(v.type) !== 'Float64' ? BigInt(x) : x);
    }
    return out;
}

await test('sdk: result properties', async () => {
    let o = reports(await pr({ result: sampleTable(), config: { mode: 'props' } }));
    eq([o.row_count, o.column_count, o.columns, o.command_tag, o.error, o.column0],
        ['Some(4)', 'Some(7)', 'id|name|score|data|flag|small|nothing', 'Some("SELECT 4")', 'None', 'ok "id:int64:4:1"'], 'with a row set');
    o = reports(await pr({ query: 'UPDATE t SET x = 1', rows_affected: 3, config: { mode: 'props' } }));
    eq([o.rows_affected, o.column0], ['Some(3)', 'NOT_FOUND'], 'without a row set');
    o = reports(await pr({ error: { sqlstate: '23505', message: 'duplicate key' }, config: { mode: 'props' } }));
    eq(o.error, 'Some(("23505", "duplicate key"))', 'a failed statement');
});

await test('arrow: the host\'s columns decode, and written back unchanged they read back equal', async () => {
    const table = sampleTable();
    const r = await pr({ result: table, config: { mode: 'same' } });
    eq(r.outcome, 'continue', `outcome ${r.failure ?? ''} ${show(reports(r))}`);
    const o = reports(r);
    eq(sampleDecoded.map((_, i) => o[`decoded${i}`]), sampleDecoded, 'decoded columns (name:type:rows:nulls)');
    eq(r.changedColumns, [0, 1, 2, 3, 4, 5, 6], 'every column was set');
    const gets = r.calls.filter((c) => c.name === 'wasql_result_get_column').map((c) => c.status);
    check(gets.includes('BUFFER_TOO_SMALL') && gets.filter((s) => s === 'OK').length === 7, 'buffer protocol for columns', show(gets));
    eq(valuesOf(r.table, 'id'), [1n, null, -3n, 9007199254740993n], 'id');
    eq(valuesOf(r.table, 'name'), ['alice', null, '', 'ünï'], 'name');
    eq(valuesOf(r.table, 'score'), [1.5, null, -0.25, 1e300], 'score');
    eq(valuesOf(r.table, 'data'), [Uint8Array.of(1, 2, 3), null, new Uint8Array(0), Uint8Array.of(255)], 'data');
    eq(valuesOf(r.table, 'flag'), [1n, 0n, 1n, 0n], 'flag (bool as int64)');
    eq(valuesOf(r.table, 'small'), [7n, -8n, null, 2147483647n], 'small');
    eq(valuesOf(r.table, 'nothing'), [null, null, null, null], 'nothing');
});

for (const mode of ['transform', 'all']) {
    await test(`arrow: columns transformed and written back (${mode === 'all' ? 'decoded at once, index -1' : 'one call per column'})`, async () => {
        const r = await pr({ result: sampleTable(), config: { mode } });
        eq(r.outcome, 'continue', `outcome ${r.failure ?? ''} ${show(reports(r))}`);
        const o = reports(r);
        eq(sampleDecoded.map((_, i) => o[`decoded${i}`]), sampleDecoded, 'decoded columns');
        if (mode === 'all') eq(r.calls.filter((c) => c.name === 'wasql_result_get_column' && c.status === 'OK').length, 1, 'one get_column');
        for (const [name, want] of Object.entries(transformed)) eq(valuesOf(r.table, name), want, name);
    });
}

await test('arrow: the SDK writer\'s streams read back with apache-arrow', async () => {
    const kv = createKv();
    const r = await pr({ result: sampleTable(), kv, config: { mode: 'ipc' } });
    eq(r.outcome, 'continue', 'outcome');
    const types = { id: 'Int64', name: 'Utf8', score: 'Float64', data: 'Binary', flag: 'Int64', small: 'Int64', nothing: 'Utf8' };
    Object.entries(types).forEach(([name, type], i) => {
        const bytes = kvGet(kv, `ipc:${i}`, { plugin: 'probe' });
        check(bytes !== null, `stream ${i} stored`);
        if (!bytes) return;
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        check(bytes.length % 8 === 0, `stream ${i}: length ${bytes.length} is a multiple of 8`);
        check(dv.getUint32(0, true) === 0xffffffff && dv.getUint32(4, true) % 8 === 0, `stream ${i}: continuation marker and padded metadata length`);
        eq([dv.getUint32(bytes.length - 8, true), dv.getUint32(bytes.length - 4, true)], [0xffffffff, 0], `stream ${i}: end-of-stream marker`);
        const t = tableFromIPC(bytes);
        eq(t.schema.fields.map((f) => [f.name, String(f.type), f.nullable]), [[name, type, true]], `stream ${i}: schema`);
        eq([t.numRows, t.batches.length, t.getChildAt(0).nullCount], [4, 1, transformed[name].filter((x) => x === null).length], `stream ${i}: rows, batches, nulls`);
        eq(valuesOf(t, name), transformed[name], `stream ${i}: values`);
    });
});

await test('arrow: a larger result and an empty one', async () => {
    const n = 3000;
    const ids = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : BigInt(i) * 1000003n - 5n));
    const texts = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : `row ${i} ${'x'.repeat(i % 37)}`));
    const big = new Table({ id: vectorFromArray(ids, new Int64()), t: vectorFromArray(texts, new Utf8()) });
    let r = await pr({ result: big, config: { mode: 'same' } });
    eq(r.outcome, 'continue', 'outcome');
    eq(valuesOf(r.table, 'id'), ids, `${n} ints`);
    eq(valuesOf(r.table, 't'), texts, `${n} texts`);

    const empty = new Table({ a: vectorFromArray([], new Int64()), b: vectorFromArray([], new Utf8()) });
    r = await pr({ result: empty, config: { mode: 'transform' } });
    eq(r.outcome, 'continue', `empty: outcome ${r.failure ?? ''}`);
    const o = reports(r);
    // (no values: the mock, like the ABI's rule for all-NULL columns, sends both as utf8)
    eq([o.decoded0?.replace(/:\w+:/, ':?:'), o.decoded1, r.table.numRows], ['a:?:0:0', 'b:utf8:0:0', 0], 'empty: decoded, rows');
});

console.log(`\n${checks} checks, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
