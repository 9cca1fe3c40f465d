// Cross-check of abi3_guest.c with an independent Arrow implementation (npm apache-arrow): inputs written by
// apache-arrow's IPC FILE writer, outputs read by its reader, the ABI driven by hand (alloc, CSlice, dealloc,
// iterator next/drop). Usage: node interop.mjs <repo root> <guest.wasm>; prints one line per call.
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
const require = createRequire(path.join(process.argv[2], 'package.json'));
const A = require('apache-arrow');
const { instance } = await WebAssembly.instantiate(fs.readFileSync(process.argv[3]), {});
const ex = instance.exports;
const b64 = s => Buffer.from(s).toString('base64').replace(/=+$/,'').replace(/\+/g,'$').replace(/\//g,'_');
function call(sig, table) {
  const bytes = A.tableToIPC(table, 'file');
  const L = bytes.length + 8, p = ex.alloc(L, 4);
  new Uint8Array(ex.memory.buffer, p + 8, bytes.length).set(bytes);
  const rc = ex['arrowudf_' + b64(sig)](p + 8, bytes.length, p);
  const dv = new DataView(ex.memory.buffer);
  const optr = dv.getUint32(p, true), olen = dv.getUint32(p + 4, true);
  if (sig.includes('->>')) { return { rc, iter: optr, p, L }; }
  const out = new Uint8Array(ex.memory.buffer, optr, olen).slice();
  ex.dealloc(p, L, 4); ex.dealloc(optr, olen, 1);
  if (rc) return 'ERR ' + Buffer.from(out).toString();
  const t = A.tableFromIPC(out);
  return t.schema.fields.map(f => f.name + ':' + f.type) .join(', ') + ' | ' + JSON.stringify(t.toArray().map(r => r.toJSON()));
}
const i32 = v => A.vectorFromArray(v, new A.Int32);
console.log(call('gcd(int32,int32)->int32', new A.Table({ a: i32([15, 5, null]), b: i32([25, 0, 1]) })));
console.log(call('div(int32,int32)->int32', new A.Table({ a: i32([15, 5, null]), b: i32([25, 0, 1]) })));
console.log(call('key_value(string)->struct KeyValue', new A.Table({ s: A.vectorFromArray(['rising=wave', '???', null, 'é=🙂'], new A.Utf8) })));
console.log(call('concat(string,string)->string', new A.Table({ s: A.vectorFromArray(['a', null, 'é'], new A.Utf8), t: A.vectorFromArray(['b', 'c', '日本'], new A.Utf8) })));
console.log(call('array_sum(int32[])->int32', new A.Table({ l: A.vectorFromArray([[0,1,2], null, [3,null,5], [6,7]], new A.List(new A.Field('item', new A.Int32, true))) })));
console.log(call('reverse(binary)->binary', new A.Table({ b: A.vectorFromArray([new Uint8Array([1,2,3]), null], new A.Binary) })));
const r = call('range(int32)->>int32', new A.Table({ n: i32([1, null, 3]) }));
for (;;) {
  ex.record_batch_iterator_next(r.iter, r.p);
  const dv = new DataView(ex.memory.buffer);
  const optr = dv.getUint32(r.p, true), olen = dv.getUint32(r.p + 4, true);
  if (!optr) break;
  const out = new Uint8Array(ex.memory.buffer, optr, olen).slice(); ex.dealloc(optr, olen, 1);
  console.log('range batch', JSON.stringify(A.tableFromIPC(out).toArray().map(x => x.toJSON())));
}
ex.dealloc(r.p, r.L, 4); ex.record_batch_iterator_drop(r.iter);
console.log('live', ex.live_allocs(), 'bad', ex.bad_calls(), 'iters', ex.iterators_live());
