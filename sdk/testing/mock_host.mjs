// mock_host.mjs: a JavaScript stand-in for the Wasql host of query plugins (sdk/PLUGIN_ABI.md, version 1), so
// plugins written with any SDK can be tested with Node 20 alone, without the server.
//
//   import { runHook } from './mock_host.mjs';
//   const r = await runHook(wasmBytes, 'on_query', { query: 'DELETE FROM t', kind: 'DELETE' });
//   // r.code === 1, r.denied = { sqlstate: '42501', message: '...' }
//
// It implements the whole `wasql` import module (buffer protocol, statuses, properties, deny, set_query, log,
// Arrow result columns through apache-arrow, the shared key/value store with TTLs), `env.abort`, and
// `wasi_snapshot_preview1` through node:wasi with nothing granted. The API is documented in README.md next to this
// file and kept stable; add fields, don't change them.

import { readFileSync, openSync, closeSync, ftruncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
    Table, tableToIPC, tableFromIPC, vectorFromArray, Type, Int64, Float64, Utf8, Binary,
} from 'apache-arrow';

// node:wasi prints an ExperimentalWarning when loaded; keep test output clean.
const WASI = await (async () => {
    const emit = process.emitWarning;
    process.emitWarning = (w, ...rest) => {
        const text = typeof w === 'string' ? w : w && w.message;
        if (text && /WASI/.test(text)) return;
        return emit.call(process, w, ...rest);
    };
    try { return (await import('node:wasi')).WASI; } finally { process.emitWarning = emit; }
})();

export const Status = Object.freeze({
    OK: 0, NOT_FOUND: 1, BAD_ARGUMENT: 2, BUFFER_TOO_SMALL: 3, BAD_HANDLE: 4, CAS_MISMATCH: 5, NOT_ALLOWED: 6, LIMIT: 7,
});
export const Level = Object.freeze({ DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, NOTICE: 4 });
const STATUS_NAME = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k]));

export const Limits = Object.freeze({
    MESSAGE_BYTES: 4096, LOG_BYTES: 4096, KV_KEY_BYTES: 1024, KV_VALUE_BYTES: 65536, KV_KEYS: 100000,
    MAX_REWRITES: 8, MEMORY_BYTES: 16 * 1024 * 1024,
});

const I32 = 0x7f, I64 = 0x7e;
// Signatures of the imports the host links: [params, results].
const IMPORT_SIGNATURES = {
    'wasql.wasql_get': [[I32, I32, I32, I32, I32, I32], [I32]],
    'wasql.wasql_deny': [[I32, I32, I32, I32, I32], [I32]],
    'wasql.wasql_set_query': [[I32, I32, I32], [I32]],
    'wasql.wasql_log': [[I32, I32, I32, I32], [I32]],
    'wasql.wasql_result_get_column': [[I32, I32, I32, I32, I32], [I32]],
    'wasql.wasql_result_set_column': [[I32, I32, I32, I32], [I32]],
    'wasql.wasql_kv_get': [[I32, I32, I32, I32, I32, I32, I32], [I32]],
    'wasql.wasql_kv_set': [[I32, I32, I32, I32, I32, I32, I64], [I32]],
    'wasql.wasql_kv_delete': [[I32, I32, I32, I32], [I32]],
    'wasql.wasql_kv_cas': [[I32, I32, I32, I32, I32, I32, I32, I32, I64], [I32]],
    'wasql.wasql_kv_incr': [[I32, I32, I32, I32, I64, I64, I32], [I32]],
    'env.abort': [[I32, I32, I32, I32], []],
};
const HOOKS = ['on_query', 'on_result'];

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');

// ---------------------------------------------------------------------------------------------------------------
// Module checks (what CREATE PLUGIN refuses)

function readSections(bytes) {
    // A minimal reader of the type, import, function and export sections, to check signatures.
    let p = 8;
    const u = () => { let r = 0, s = 0, b; do { b = bytes[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
    const name = () => { const n = u(); const t = utf8Lossy.decode(bytes.subarray(p, p + n)); p += n; return t; };
    const types = [], imports = [], funcs = [], exports = [];
    while (p < bytes.length) {
        const id = bytes[p++]; const size = u(); const end = p + size;
        if (id === 1) {
            for (let n = u(); n > 0; n--) {
                p++; // 0x60
                const params = []; for (let k = u(); k > 0; k--) params.push(bytes[p++]);
                const results = []; for (let k = u(); k > 0; k--) results.push(bytes[p++]);
                types.push([params, results]);
            }
        } else if (id === 2) {
            for (let n = u(); n > 0; n--) {
                const module = name(), field = name(), kind = bytes[p++];
                if (kind === 0) imports.push({ module, name: field, type: u() });
                else if (kind === 1) { p++; const f = u(); u(); if (f & 1) u(); }
                else if (kind === 2) { const f = u(); u(); if (f & 1) u(); }
                else if (kind === 3) { p += 2; }
                else if (kind === 4) { p++; u(); }
            }
        } else if (id === 3) {
            for (let n = u(); n > 0; n--) funcs.push(u());
        } else if (id === 7) {
            for (let n = u(); n > 0; n--) { const field = name(); const kind = bytes[p++]; exports.push({ name: field, kind, index: u() }); }
        }
        p = end;
    }
    const funcType = (index) => index < imports.length ? types[imports[index].type] : types[funcs[index - imports.length]];
    return { types, imports, exports, funcType };
}

const sameSig = (a, b) => a && b && a[0].join() === b[0].join() && a[1].join() === b[1].join();
const sigText = (s) => s ? `(${s[0].map(t => t === I64 ? 'i64' : t === I32 ? 'i32' : t === 0x7d ? 'f32' : 'f64').join(', ')}) -> (${s[1].map(t => t === I64 ? 'i64' : t === I32 ? 'i32' : 'f').join(', ')})` : '?';

// Checks a module like CREATE PLUGIN does, plus the signatures of its imports. Returns { ok, errors, hooks }.
export function validatePlugin(wasmBytes) {
    const bytes = wasmBytes instanceof Uint8Array ? wasmBytes : new Uint8Array(wasmBytes);
    const errors = [];
    let module;
    try { module = new WebAssembly.Module(bytes); } catch (e) { return { ok: false, errors: [`not a valid module: ${e.message}`], hooks: [] }; }
    const info = readSections(bytes);
    const exp = new Map(info.exports.map(e => [e.name, e]));
    const marker = exp.get('wasql_plugin_abi_v1');
    if (!marker || marker.kind !== 0) errors.push('missing function export wasql_plugin_abi_v1 (the ABI version marker)');
    if (!exp.has('memory') || exp.get('memory').kind !== 2) errors.push('missing memory export "memory"');
    const hooks = HOOKS.filter(h => exp.has(h));
    if (hooks.length === 0) errors.push('exports neither on_query nor on_result');
    for (const h of hooks) {
        const e = exp.get(h);
        if (e.kind !== 0) { errors.push(`${h} is not a function`); continue; }
        const sig = info.funcType(e.index);
        if (!sameSig(sig, [[I32], [I32]])) errors.push(`${h} has type ${sigText(sig)}, expected (i32) -> (i32)`);
    }
    if (exp.has('_initialize') && !sameSig(info.funcType(exp.get('_initialize').index), [[], []])) errors.push('_initialize must be () -> ()');
    if (exp.has('_start')) errors.push('exports _start (a WASI command); build a reactor (-mexec-model=reactor)');
    for (const imp of WebAssembly.Module.imports(module)) {
        const key = `${imp.module}.${imp.name}`;
        if (imp.module === 'wasi_snapshot_preview1') continue;
        const want = IMPORT_SIGNATURES[key];
        if (!want) { errors.push(`unknown import ${key}`); continue; }
        if (imp.kind !== 'function') { errors.push(`import ${key} must be a function`); continue; }
        const fi = info.imports.find(i => i.module === imp.module && i.name === imp.name);
        const sig = fi && info.types[fi.type];
        if (!sameSig(sig, want)) errors.push(`import ${key} has type ${sigText(sig)}, expected ${sigText(want)}`);
    }
    return { ok: errors.length === 0, errors, hooks };
}

// ---------------------------------------------------------------------------------------------------------------
// The shared key/value store: Map<namespace, Map<key, { value: Uint8Array, expiresAt: number (ms, 0 = never) }>>.
// Namespaces are 'global' (scope 1) and 'plugin:<name>' (scope 0); keys are the key bytes as a latin1 string.

export function createKv() { return new Map(); }

const keyString = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
const toBytes = (v) => typeof v === 'string' ? utf8.encode(v) : v instanceof Uint8Array ? v : new Uint8Array(v);
const nsName = (scope, plugin) => scope === 1 ? 'global' : `plugin:${plugin}`;

function kvLive(kv, ns, key, now) {
    const space = kv.get(ns);
    if (!space) return undefined;
    const e = space.get(key);
    if (e && e.expiresAt !== 0 && e.expiresAt <= now) { space.delete(key); return undefined; }
    return e;
}

// Reads a key as the plugin would see it; returns a Uint8Array or null. opts: { scope = 0, plugin = 'test_plugin', now }
export function kvGet(kv, key, opts = {}) {
    const e = kvLive(kv, nsName(opts.scope ?? 0, opts.plugin ?? 'test_plugin'), keyString(toBytes(key)), opts.now ?? Date.now());
    return e ? e.value : null;
}
export function kvGetString(kv, key, opts = {}) { const v = kvGet(kv, key, opts); return v === null ? null : utf8Lossy.decode(v); }
// Writes a key (string or bytes). opts: { scope = 0, plugin = 'test_plugin', ttlMs = 0, now }
export function kvSet(kv, key, value, opts = {}) {
    const ns = nsName(opts.scope ?? 0, opts.plugin ?? 'test_plugin');
    if (!kv.has(ns)) kv.set(ns, new Map());
    const ttl = opts.ttlMs ?? 0;
    kv.get(ns).set(keyString(toBytes(key)), { value: toBytes(value).slice(), expiresAt: ttl > 0 ? (opts.now ?? Date.now()) + ttl : 0 });
}

// ---------------------------------------------------------------------------------------------------------------
// Results: kept as SQLite values per column (null | bigint | number | string | Uint8Array), like the host.

function sqliteValue(v, type) {
    if (v === null || v === undefined) return null;
    if (type.typeId === Type.Dictionary) return sqliteValue(v, type.dictionary);
    switch (type.typeId) {
        case Type.Int: return BigInt(v);
        case Type.Float: return Number(v);
        case Type.Bool: return v ? 1n : 0n;
        case Type.Utf8: case Type.LargeUtf8: return String(v);
        case Type.Binary: case Type.LargeBinary: case Type.FixedSizeBinary: return new Uint8Array(v);
        case Type.Null: return null;
        case Type.Decimal: return Number(v);
        default:
            if (typeof v === 'bigint') return v;
            if (typeof v === 'number') return Number.isInteger(v) && type.typeId !== Type.Float ? BigInt(v) : v;
            if (v instanceof Date) return v.toISOString();
            return typeof v === 'object' ? JSON.stringify(v, (k, x) => typeof x === 'bigint' ? x.toString() : x) : String(v);
    }
}

function columnsOfTable(table) {
    return table.schema.fields.map((f, i) => {
        const vec = table.getChildAt(i);
        const values = new Array(table.numRows);
        for (let r = 0; r < table.numRows; r++) values[r] = sqliteValue(vec.get(r), f.type);
        return { name: f.name, values };
    });
}

function textOf(v) {
    if (typeof v === 'string') return v;
    if (v instanceof Uint8Array) return utf8Lossy.decode(v);
    if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(1) : String(v);
    return String(v);
}

// The Arrow vector the host writes for a column of SQLite values (PLUGIN_ABI.md, "Results as Arrow").
function vectorOf(values) {
    let ints = 0, reals = 0, texts = 0, blobs = 0;
    for (const v of values) {
        if (v === null) continue;
        if (typeof v === 'bigint') ints++; else if (typeof v === 'number') reals++;
        else if (typeof v === 'string') texts++; else blobs++;
    }
    const kinds = (ints > 0) + (reals > 0) + (texts > 0) + (blobs > 0);
    if (ints > 0 && kinds === 1) return vectorFromArray(values, new Int64());
    if (reals > 0 && texts === 0 && blobs === 0) return vectorFromArray(values.map(v => v === null ? null : Number(v)), new Float64());
    if (blobs > 0 && kinds === 1) return vectorFromArray(values, new Binary());
    return vectorFromArray(values.map(v => v === null ? null : textOf(v)), new Utf8());
}

function tableOf(columns) {
    const obj = {};
    for (const c of columns) obj[c.name] = vectorOf(c.values);
    return new Table(obj);
}

const ACCEPTED_SET_TYPES = new Set([Type.Int, Type.Float, Type.Bool, Type.Utf8, Type.LargeUtf8, Type.Binary, Type.LargeBinary, Type.Null]);

// ---------------------------------------------------------------------------------------------------------------
// Instances

let nextCtx = 1;

function captureFile(tag) {
    const path = join(tmpdir(), `wasql-mock-${process.pid}-${tag}-${Math.random().toString(36).slice(2)}.log`);
    const fd = openSync(path, 'a+');
    return {
        fd,
        take() { const t = readFileSync(path, 'utf8'); ftruncateSync(fd, 0); return t; },
        close() { try { closeSync(fd); } catch { /* already closed */ } try { unlinkSync(path); } catch { /* gone */ } },
    };
}

const cleanups = new Set();
process.on('exit', () => { for (const c of cleanups) c(); });

class PluginInstance {
    constructor(module, options) {
        this.options = options;
        this.state = null; // the current call, or null between calls
        this.out = captureFile('stdout');
        this.err = captureFile('stderr');
        this.nullIn = openSync('/dev/null', 'r');
        const close = () => { this.out.close(); this.err.close(); try { closeSync(this.nullIn); } catch { /* closed */ } };
        cleanups.add(close);
        this.close = () => { close(); cleanups.delete(close); };
        const wasi = new WASI({ version: 'preview1', args: [], env: {}, preopens: {}, returnOnExit: true, stdin: this.nullIn, stdout: this.out.fd, stderr: this.err.fd });
        const imports = { wasi_snapshot_preview1: wasi.getImportObject().wasi_snapshot_preview1, wasql: this.hostFunctions(), env: { abort: (...a) => this.abort(...a) } };
        this.instance = new WebAssembly.Instance(module, imports);
        this.memory = this.instance.exports.memory;
        wasi.initialize(this.instance); // calls _initialize when exported
    }

    // ---- memory helpers
    view() { return new DataView(this.memory.buffer); }
    inRange(ptr, len) { return ptr >= 0 && len >= 0 && ptr + len <= this.memory.buffer.byteLength; }
    bytes(ptr, len) { return new Uint8Array(this.memory.buffer, ptr, len); }

    abort(msgPtr, filePtr, line, col) {
        const str = (p) => {
            if (!p) return '';
            try { const n = this.view().getUint32(p - 4, true); return Buffer.from(this.memory.buffer, p, n).toString('utf16le'); } catch { return `<${p}>`; }
        };
        throw new WebAssembly.RuntimeError(`abort: ${str(msgPtr)} at ${str(filePtr)}:${line >>> 0}:${col >>> 0}`);
    }

    hostFunctions() {
        const self = this;
        // Wraps a host function: checks ctx, turns JS exceptions from bad memory access into BAD_ARGUMENT, records calls.
        const fn = (name, body) => (ctx, ...args) => {
            const st = self.state;
            let status;
            if (!st || ctx !== st.ctx) status = Status.BAD_HANDLE;
            else {
                try { status = body(st, ...args); } catch (e) { if (e instanceof RangeError) status = Status.BAD_ARGUMENT; else throw e; }
            }
            if (st) {
                const entry = { name, status: STATUS_NAME[status] };
                if (name === 'wasql_result_get_column' || name === 'wasql_result_set_column') entry.index = args[0];
                st.calls.push(entry);
            }
            return status;
        };
        const u32 = (x) => x >>> 0;
        // Reads (ptr, len) as bytes; null when out of range.
        const input = (ptr, len) => { ptr = u32(ptr); len = u32(len); return self.inRange(ptr, len) ? self.bytes(ptr, len).slice() : null; };
        const text = (ptr, len) => { const b = input(ptr, len); if (!b) return null; try { return utf8Strict.decode(b); } catch { return null; } };
        // The buffer protocol.
        const output = (value, bufPtr, bufCap, outLenPtr) => {
            bufPtr = u32(bufPtr); bufCap = u32(bufCap); outLenPtr = u32(outLenPtr);
            if (!self.inRange(bufPtr, bufCap) || !self.inRange(outLenPtr, 4)) return Status.BAD_ARGUMENT;
            self.view().setUint32(outLenPtr, value.length, true);
            if (value.length > bufCap) return Status.BUFFER_TOO_SMALL;
            self.bytes(bufPtr, value.length).set(value);
            return Status.OK;
        };
        const cut = (s, max) => {
            const b = utf8.encode(s);
            if (b.length <= max) return s;
            let n = max; while (n > 0 && (b[n] & 0xc0) === 0x80) n--;
            return utf8Lossy.decode(b.subarray(0, n));
        };
        const kvArgs = (st, scope, kp, kl) => {
            if (scope !== 0 && scope !== 1) return null;
            const key = input(kp, kl);
            if (!key) return null;
            return { ns: nsName(scope, st.props.plugin), key: keyString(key), keyLen: key.length };
        };
        const kvSpace = (st, ns) => { if (!st.kv.has(ns)) st.kv.set(ns, new Map()); return st.kv.get(ns); };
        const ttlOf = (st, ttl) => { ttl = BigInt(ttl); return ttl === 0n ? 0 : st.now + Number(ttl); };
        const roomFor = (st, ns, key) => { const space = st.kv.get(ns); return !space || space.has(key) || space.size < Limits.KV_KEYS; };

        return {
            wasql_get: fn('wasql_get', (st, kp, kl, bp, bc, olp) => {
                const key = u32(kl) <= Limits.KV_KEY_BYTES ? text(kp, kl) : null; // keys up to 1 KiB, like the server
                if (key === null) return Status.BAD_ARGUMENT;
                const v = self.property(st, key);
                if (v === undefined) {
                    if (!self.inRange(u32(bp), u32(bc)) || !self.inRange(u32(olp), 4)) return Status.BAD_ARGUMENT;
                    return Status.NOT_FOUND;
                }
                return output(utf8.encode(v), bp, bc, olp);
            }),
            wasql_deny: fn('wasql_deny', (st, sp, sl, mp, ml) => {
                let sqlstate = '42501';
                if (sl !== 0) {
                    if (sl !== 5) return Status.BAD_ARGUMENT;
                    const s = text(sp, sl);
                    if (s === null || !/^[A-Za-z0-9]{5}$/.test(s)) return Status.BAD_ARGUMENT;
                    sqlstate = s.toUpperCase();
                }
                const msg = text(mp, ml);
                if (msg === null) return Status.BAD_ARGUMENT;
                st.deny = { sqlstate, message: cut(msg, Limits.MESSAGE_BYTES) };
                return Status.OK;
            }),
            wasql_set_query: fn('wasql_set_query', (st, p, l) => {
                const q = text(p, l);
                if (q === null) return Status.BAD_ARGUMENT;
                if (st.hook !== 'on_query') return Status.NOT_ALLOWED;
                st.query = q;
                return Status.OK;
            }),
            wasql_log: fn('wasql_log', (st, level, p, l) => {
                if (level < 0 || level > 4) return Status.BAD_ARGUMENT;
                const t = text(p, l);
                if (t === null) return Status.BAD_ARGUMENT;
                st.logs.push({ level, text: cut(t, Limits.LOG_BYTES) });
                if (self.options.printLogs) console.error(`[plugin ${st.props.plugin} ${['debug', 'info', 'warning', 'error', 'notice'][level]}] ${t}`);
                return Status.OK;
            }),
            wasql_result_get_column: fn('wasql_result_get_column', (st, index, bp, bc, olp) => {
                if (!self.inRange(u32(bp), u32(bc)) || !self.inRange(u32(olp), 4)) return Status.BAD_ARGUMENT;
                if (st.hook !== 'on_result') return Status.NOT_ALLOWED;
                if (!st.columns) return Status.NOT_FOUND;
                let cols;
                if (index === -1) cols = st.columns;
                else if (index >= 0 && index < st.columns.length) cols = [st.columns[index]];
                else return Status.NOT_FOUND;
                const key = index;
                let ipc = st.ipcCache.get(key);
                if (!ipc) { ipc = tableToIPC(tableOf(cols), 'stream'); st.ipcCache.set(key, ipc); }
                return output(ipc, bp, bc, olp);
            }),
            wasql_result_set_column: fn('wasql_result_set_column', (st, index, p, l) => {
                const b = input(p, l);
                if (!b) return Status.BAD_ARGUMENT;
                if (st.hook !== 'on_result') return Status.NOT_ALLOWED;
                if (!st.columns) return Status.NOT_FOUND;
                if (index < 0 || index >= st.columns.length) return Status.NOT_FOUND;
                let t;
                try { t = tableFromIPC(b); } catch { return Status.BAD_ARGUMENT; }
                if (t.schema.fields.length !== 1 || t.numRows !== st.rowCount) return Status.BAD_ARGUMENT;
                const type = t.schema.fields[0].type;
                if (!ACCEPTED_SET_TYPES.has(type.typeId)) return Status.BAD_ARGUMENT;
                const vec = t.getChildAt(0);
                const values = new Array(t.numRows);
                for (let r = 0; r < t.numRows; r++) values[r] = sqliteValue(vec.get(r), type);
                st.columns[index] = { name: st.columns[index].name, values };
                st.ipcCache.clear();
                st.changedColumns.add(index);
                return Status.OK;
            }),
            wasql_kv_get: fn('wasql_kv_get', (st, scope, kp, kl, bp, bc, olp) => {
                const a = kvArgs(st, scope, kp, kl);
                if (!a) return Status.BAD_ARGUMENT;
                if (!self.inRange(u32(bp), u32(bc)) || !self.inRange(u32(olp), 4)) return Status.BAD_ARGUMENT;
                const e = kvLive(st.kv, a.ns, a.key, st.now);
                if (!e) return Status.NOT_FOUND;
                return output(e.value, bp, bc, olp);
            }),
            wasql_kv_set: fn('wasql_kv_set', (st, scope, kp, kl, vp, vl, ttl) => {
                const a = kvArgs(st, scope, kp, kl);
                const v = input(vp, vl);
                if (!a || !v || BigInt(ttl) < 0n) return Status.BAD_ARGUMENT;
                if (a.keyLen > Limits.KV_KEY_BYTES || v.length > Limits.KV_VALUE_BYTES) return Status.LIMIT;
                kvLive(st.kv, a.ns, a.key, st.now);
                if (!roomFor(st, a.ns, a.key)) return Status.LIMIT;
                kvSpace(st, a.ns).set(a.key, { value: v, expiresAt: ttlOf(st, ttl) });
                return Status.OK;
            }),
            wasql_kv_delete: fn('wasql_kv_delete', (st, scope, kp, kl) => {
                const a = kvArgs(st, scope, kp, kl);
                if (!a) return Status.BAD_ARGUMENT;
                if (!kvLive(st.kv, a.ns, a.key, st.now)) return Status.NOT_FOUND;
                st.kv.get(a.ns).delete(a.key);
                return Status.OK;
            }),
            wasql_kv_cas: fn('wasql_kv_cas', (st, scope, kp, kl, ep, el, np, nl, ttl) => {
                const a = kvArgs(st, scope, kp, kl);
                const expected = el === -1 ? null : input(ep, el);
                const v = input(np, nl);
                if (!a || !v || (el !== -1 && !expected) || BigInt(ttl) < 0n) return Status.BAD_ARGUMENT;
                if (a.keyLen > Limits.KV_KEY_BYTES || v.length > Limits.KV_VALUE_BYTES) return Status.LIMIT;
                const cur = kvLive(st.kv, a.ns, a.key, st.now);
                if (expected === null ? cur !== undefined : (!cur || Buffer.compare(Buffer.from(cur.value), Buffer.from(expected)) !== 0)) return Status.CAS_MISMATCH;
                if (!roomFor(st, a.ns, a.key)) return Status.LIMIT;
                kvSpace(st, a.ns).set(a.key, { value: v, expiresAt: ttlOf(st, ttl) });
                return Status.OK;
            }),
            wasql_kv_incr: fn('wasql_kv_incr', (st, scope, kp, kl, delta, ttl, op) => {
                const a = kvArgs(st, scope, kp, kl);
                if (!a || BigInt(ttl) < 0n || !self.inRange(u32(op), 8)) return Status.BAD_ARGUMENT;
                if (a.keyLen > Limits.KV_KEY_BYTES) return Status.LIMIT;
                const cur = kvLive(st.kv, a.ns, a.key, st.now);
                let base = 0n;
                if (cur) {
                    const s = Buffer.from(cur.value).toString('latin1');
                    if (!/^[+-]?[0-9]{1,19}$/.test(s)) return Status.BAD_ARGUMENT;
                    base = BigInt(s);
                }
                const next = base + BigInt(delta);
                if (next > 0x7fffffffffffffffn || next < -0x8000000000000000n) return Status.BAD_ARGUMENT;
                if (!cur && !roomFor(st, a.ns, a.key)) return Status.LIMIT;
                kvSpace(st, a.ns).set(a.key, { value: utf8.encode(next.toString()), expiresAt: cur ? cur.expiresAt : ttlOf(st, ttl) });
                self.view().setBigInt64(u32(op), next, true);
                return Status.OK;
            }),
        };
    }

    property(st, key) {
        const p = st.props;
        const lines = (v) => Array.isArray(v) ? v.join('\n') : String(v ?? '');
        switch (key) {
            case 'query': return st.query ?? p.query ?? '';
            case 'kind': return p.kind ?? guessKind(p.query ?? '');
            case 'tables': return lines(p.tables);
            // one line per entry, each ending in \n ('' = a computed result column), as the host sends them
            case 'column_origins': return (p.column_origins ?? []).map((o) => `${o ?? ''}\n`).join('');
            case 'columns_read': return (p.columns_read ?? []).map((c) => `${c}\n`).join('');
            case 'user': return p.user ?? 'test';
            case 'client_address': return p.client_address ?? 'local';
            case 'database': return p.database ?? 'main';
            case 'application_name': return p.application_name ?? '';
            case 'in_transaction': return p.in_transaction ? 'true' : 'false';
            case 'hook': return st.hook;
            case 'plugin': return p.plugin;
            case 'filter': return p.filter ?? 'test_filter';
            case 'rewrites': return String(p.rewrites ?? 0);
            case 'config': return Object.entries(p.config ?? {}).map(([k, v]) => `${k}=${v}\n`).join('');
        }
        if (key.startsWith('config.')) {
            const c = p.config ?? {};
            const k = key.slice(7);
            return Object.prototype.hasOwnProperty.call(c, k) ? String(c[k]) : undefined;
        }
        if (st.hook === 'on_result') {
            const cols = st.columns ?? [];
            switch (key) {
                case 'result.columns': return cols.map(c => c.name).join('\n');
                case 'result.column_count': return String(cols.length);
                case 'result.row_count': return String(st.rowCount);
                case 'result.rows_affected': return String(p.rows_affected ?? 0);
                case 'result.command_tag': return p.command_tag ?? defaultTag(p, cols);
            }
        }
        if (st.hook === 'on_result' && p.error) {
            if (key === 'error.sqlstate') return p.error.sqlstate;
            if (key === 'error.message') return p.error.message;
        }
        return undefined;
    }

    // Runs one hook. props: see README.md.
    run(hook, props = {}) {
        if (!HOOKS.includes(hook)) throw new Error(`unknown hook ${hook}`);
        const kv = props.kv ?? createKv();
        const now = typeof props.now === 'function' ? props.now() : (props.now ?? Date.now());
        const st = {
            ctx: props.ctx ?? nextCtx++, hook, props: { ...props, plugin: props.plugin ?? 'test_plugin' }, kv, now,
            deny: null, query: null, logs: [], calls: [], ipcCache: new Map(), changedColumns: new Set(),
            columns: hook === 'on_result' && props.result ? columnsOfTable(props.result) : null,
            rowCount: hook === 'on_result' && props.result ? props.result.numRows : 0,
        };
        if (nextCtx > 1000) nextCtx = 1;
        const result = {
            code: null, outcome: 'continue', failure: null, denied: null, query: null, logs: st.logs, table: null, kv,
            stdout: '', stderr: '', calls: st.calls, elapsedMs: 0,
        };
        const f = this.instance.exports[hook];
        if (typeof f !== 'function') { result.outcome = 'not_exported'; result.table = props.result ?? null; return result; }
        this.state = st;
        const t0 = performance.now();
        try {
            result.code = f(st.ctx);
        } catch (e) {
            result.failure = `trap: ${e && e.message ? e.message : String(e)}`;
        } finally {
            this.state = null;
            result.elapsedMs = performance.now() - t0;
            result.stdout = this.out.take();
            result.stderr = this.err.take();
        }
        if (result.failure === null) {
            if (this.memory.buffer.byteLength > (this.options.memoryLimit ?? Limits.MEMORY_BYTES)) result.failure = `memory limit: ${this.memory.buffer.byteLength} bytes`;
            else if (result.code !== 0 && result.code !== 1) result.failure = `unknown return code ${result.code}`;
            else if (this.options.deadlineMs && result.elapsedMs > this.options.deadlineMs) result.failure = `deadline: ${result.elapsedMs.toFixed(1)} ms`;
        }
        if (result.failure !== null) {
            result.outcome = 'failed';
            this.broken = true; // the host discards an instance that failed
        } else if (result.code === 1) {
            result.outcome = 'deny';
            result.denied = st.deny ?? { sqlstate: '42501', message: `query denied by plugin '${st.props.plugin}'` };
        } else if (st.query !== null) {
            result.query = st.query;
        }
        if (hook === 'on_result' && props.result) {
            result.table = st.changedColumns.size && result.outcome === 'continue' ? tableOf(st.columns) : props.result;
        }
        result.changedColumns = [...st.changedColumns].sort((a, b) => a - b);
        return result;
    }
}

function guessKind(q) {
    const m = /^\s*(\w+)(\s+(\w+))?/.exec(q);
    if (!m) return '';
    const w = m[1].toUpperCase();
    if (['CREATE', 'DROP', 'ALTER'].includes(w) && m[3]) return `${w} ${m[3].toUpperCase()}`;
    return w;
}

function defaultTag(p, cols) {
    const rows = p.result ? p.result.numRows : 0;
    const kind = p.kind ?? guessKind(p.query ?? '');
    if (kind === 'SELECT' || (cols.length && !['INSERT', 'UPDATE', 'DELETE'].includes(kind))) return `SELECT ${rows}`;
    if (kind === 'INSERT') return `INSERT 0 ${p.rows_affected ?? 0}`;
    if (kind === 'UPDATE' || kind === 'DELETE') return `${kind} ${p.rows_affected ?? 0}`;
    return kind;
}

function compile(wasm, options) {
    if (wasm instanceof WebAssembly.Module) return wasm;
    const bytes = wasm instanceof Uint8Array ? wasm : new Uint8Array(wasm);
    if (options.validate !== false) {
        const v = validatePlugin(bytes);
        if (!v.ok) throw new Error(`plugin refused: ${v.errors.join('; ')}`);
    }
    return new WebAssembly.Module(bytes);
}

// Loads a plugin once and keeps one instance, like a pooled host instance: plugin.run(hook, props) reuses it
// (after a failure a new instance is made, as the host does). options: { validate = true, memoryLimit, deadlineMs, printLogs }
export async function loadPlugin(wasm, options = {}) {
    const module = compile(wasm, options);
    let inst = null;
    return {
        module,
        run(hook, props = {}) {
            if (!inst || inst.broken) { if (inst) inst.close(); inst = new PluginInstance(module, options); }
            return inst.run(hook, props);
        },
        close() { if (inst) inst.close(); inst = null; },
    };
}

// Runs one hook on a fresh instance of the plugin. wasm: bytes (Uint8Array/ArrayBuffer/Buffer) or a WebAssembly.Module.
export async function runHook(wasm, hook, props = {}, options = {}) {
    const module = compile(wasm, options);
    const inst = new PluginInstance(module, options);
    try { return inst.run(hook, props); } finally { inst.close(); }
}

// Simulates the host's statement pipeline for one plugin: on_query (following rewrites, up to 8), then on_result
// with the result the `execute(query)` callback returns ({ result?: Table, rows_affected?, command_tag?, error? }).
export async function runStatement(wasm, props = {}, execute = () => ({}), options = {}) {
    const plugin = await loadPlugin(wasm, options);
    try {
        const kv = props.kv ?? createKv();
        let query = props.query ?? '';
        let rewrites = 0;
        const steps = [];
        for (;;) {
            const r = plugin.run('on_query', { ...props, query, kind: rewrites === 0 ? props.kind : undefined, rewrites, kv });
            steps.push(r);
            if (r.outcome === 'failed') return { stage: 'on_query', error: { sqlstate: '38000', message: r.failure }, steps, query, kv };
            if (r.outcome === 'deny') return { stage: 'on_query', error: r.denied, steps, query, kv };
            if (r.query === null) break;
            if (++rewrites > Limits.MAX_REWRITES) return { stage: 'on_query', error: { sqlstate: '54001', message: 'too many rewrites' }, steps, query, kv };
            query = r.query;
        }
        const ran = execute(query) ?? {};
        const r = plugin.run('on_result', { ...props, ...ran, query, rewrites, kv });
        steps.push(r);
        if (r.outcome === 'failed') return { stage: 'on_result', error: { sqlstate: '38000', message: r.failure }, steps, query, kv };
        if (r.outcome === 'deny') return { stage: 'on_result', error: r.denied, steps, query, kv };
        return { stage: 'done', error: ran.error ?? null, table: r.table, steps, query, kv };
    } finally { plugin.close(); }
}
