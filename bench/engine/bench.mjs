// V8 harness: the benchmark kernels from kernels.wasm run by node, timed with performance.now().
//   node bench.mjs kernels.wasm WARMUPS RUNS kernel:arg ...
// Prints one JSON object per kernel: {"kernel", "arg", "checksum", "runs_ms": [...], "first_ms"}.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [wasmPath, warmupsText, runsText, ...specs] = process.argv.slice(2);
const warmups = Number(warmupsText), runs = Number(runsText);
const t0 = performance.now();
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const compileMs = performance.now() - t0;
for (const spec of specs) {
    const [name, argText] = spec.split(':');
    const fn = instance.exports[name];
    if (typeof fn !== 'function') throw new Error('unknown kernel ' + name);
    const arg = Number(argText);
    let t = performance.now();
    let checksum = fn(arg);
    const firstMs = performance.now() - t;
    for (let w = 1; w < warmups; w++) checksum = fn(arg);
    const times = [];
    for (let r = 0; r < runs; r++) {
        t = performance.now();
        const c = fn(arg);
        times.push(performance.now() - t);
        if (c !== checksum) throw new Error(name + ': checksum changed between runs');
    }
    console.log(JSON.stringify({ kernel: name, arg, checksum: checksum.toString(), runs_ms: times, first_ms: firstMs, compile_ms: compileMs }));
}
