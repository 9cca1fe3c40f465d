// Differential test runner for V8: instantiates a wasm module and runs a list of calls, printing the
// results as JSON on stdout. Used by DifferentialTests.cs; the same list runs in Wasql.Wasm.
//
//   node runner.mjs module.wasm cases.json
//
// cases.json: [{"f": "gcd", "args": [{"t": "i32", "v": "12"}, ...]} | {"mem": [offset, length]} ...]
// Argument and result encoding: i32/i64 as decimal strings, f32/f64 as hex IEEE bit patterns
// (e.g. "0x7ff8000000000000"). A float result that is NaN is printed as "nan" because the JS boundary
// (a Number) does not reliably keep NaN payloads; exact NaN bits go through integer-returning exports.
// Output: one entry per case: {"r": [..]} | {"trap": message, "kind": constructor name} | {"mem": hex}
// and finally {"pages": n, "memhash": hex} for the whole memory.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const [wasmPath, casesPath] = process.argv.slice(2);
const bytes = readFileSync(wasmPath);
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const { instance } = await WebAssembly.instantiate(bytes, {});
const exp = instance.exports;

const dv = new DataView(new ArrayBuffer(8));

function decodeArg(a) {
    switch (a.t) {
        case 'i32': return Number(BigInt.asIntN(32, BigInt(a.v)));
        case 'i64': return BigInt.asIntN(64, BigInt(a.v));
        case 'f32': dv.setUint32(0, Number(BigInt(a.v))); return dv.getFloat32(0);
        case 'f64': dv.setBigUint64(0, BigInt(a.v)); return dv.getFloat64(0);
        default: throw new Error('bad arg type ' + a.t);
    }
}

function encodeResult(t, v) {
    switch (t) {
        case 'i32': return String(v | 0);
        case 'i64': return BigInt.asIntN(64, v).toString();
        case 'f32':
            if (Number.isNaN(v)) return 'nan';
            dv.setFloat32(0, v); return '0x' + dv.getUint32(0).toString(16).padStart(8, '0');
        case 'f64':
            if (Number.isNaN(v)) return 'nan';
            dv.setFloat64(0, v); return '0x' + dv.getBigUint64(0).toString(16).padStart(16, '0');
        default: throw new Error('bad result type ' + t);
    }
}

const out = [];
for (const c of cases) {
    if (c.mem) {
        const [off, len] = c.mem;
        out.push({ mem: Buffer.from(exp.memory.buffer, off, len).toString('hex') });
        continue;
    }
    const fn = exp[c.f];
    if (typeof fn !== 'function') { out.push({ error: 'no export ' + c.f }); continue; }
    try {
        const r = fn(...c.args.map(decodeArg));
        const types = c.results;
        const values = types.length === 0 ? [] : types.length === 1 ? [r] : r;
        out.push({ r: types.map((t, i) => encodeResult(t, values[i])) });
    } catch (e) {
        out.push({ trap: String(e.message), kind: e.constructor.name });
    }
}
const mem = exp.memory ? Buffer.from(exp.memory.buffer) : Buffer.alloc(0);
out.push({ pages: mem.length / 65536, memhash: createHash('sha256').update(mem).digest('hex') });
process.stdout.write(JSON.stringify(out));
