// apache-arrow JS doing the same work as the .NET benchmark (IPC file encode/decode of int32 + utf8
// batches, and of a 1024-row int32 pair), timed the same way: warm-up, samples, median. Prints JSON.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../../package.json', import.meta.url));
const A = require('apache-arrow');

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; }

// Median nanoseconds per call of fn, over `samples` samples of `inner` calls each.
function time(fn, inner, samples) {
  for (let i = 0; i < Math.max(3, inner); i++) fn();
  const out = [];
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) fn();
    out.push(Number(process.hrtime.bigint() - t0) / inner);
  }
  return median(out);
}

function intUtf8Table(rows) {
  const ints = new Int32Array(rows);
  const strings = new Array(rows);
  for (let i = 0; i < rows; i++) { ints[i] = i * 7; strings[i] = `value-${i}`; }
  return new A.Table({ id: A.makeVector(ints), name: A.vectorFromArray(strings, new A.Utf8()) });
}

function intPairTable(rows) {
  const a = new Int32Array(rows), b = new Int32Array(rows);
  for (let i = 0; i < rows; i++) { a[i] = i; b[i] = -i; }
  return new A.Table({ a: A.makeVector(a), b: A.makeVector(b) });
}

const results = {};
for (const [name, table, inner, samples] of [
  ['int32+utf8 x 1024', intUtf8Table(1024), 2000, 15],
  ['int32+utf8 x 1M', intUtf8Table(1 << 20), 1, 11],
  ['int32 pair x 1024', intPairTable(1024), 5000, 15],
]) {
  const bytes = A.tableToIPC(table, 'file');
  results[name] = {
    bytes: bytes.length,
    encodeNs: time(() => A.tableToIPC(table, 'file'), inner, samples),
    decodeNs: time(() => A.tableFromIPC(bytes), inner, samples),
  };
}
process.stdout.write(JSON.stringify(results));
