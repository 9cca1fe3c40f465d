#!/usr/bin/env bash
# SIMD benchmark: kernels.c built for wasm32 twice (scalar, and -msimd128 with wasm_simd128.h code paths),
# each run in V8 (node) and in Wasql.Wasm with the engine benchmark's harnesses (bench/engine/bench.mjs,
# bench/Wasql.Wasm.Bench). Checks that Wasql and V8 return the same checksum for every kernel of each build
# (and scalar = SIMD for the integer kernels), then prints the SIMD speed-up in each engine.
#   bench/simd/run.sh [--quick]
# Needs clang-14 + wasm-ld-14, node and the .NET SDK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${WASQL_BENCH_OUT:-$(mktemp -d /tmp/wasql-simd-bench-XXXXXX)}"
mkdir -p "$out"

warmups=2
runs=7
kernels=(dot_i16_bench:4000 dot_f32_bench:4000 hist16_bench:400 brighten_bench:2000)
if [[ "${1:-}" == "--quick" ]]; then
    warmups=1; runs=3
    kernels=(dot_i16_bench:400 dot_f32_bench:400 hist16_bench:40 brighten_bench:200)
fi

for tool in clang-14 node dotnet python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

echo "== building (output in $out)" >&2
flags=(--target=wasm32 -O2 -nostdlib -mbulk-memory -msign-ext -mnontrapping-fptoint -Wl,--no-entry -Wl,--export-dynamic)
clang-14 "${flags[@]}" -fno-vectorize -fno-slp-vectorize "$here/kernels.c" -o "$out/scalar.wasm"
clang-14 "${flags[@]}" -msimd128 "$here/kernels.c" -o "$out/simd.wasm"
dotnet build "$root/bench/Wasql.Wasm.Bench" -c Release -v q -nologo -o "$out/wasql" >&2

for build in scalar simd; do
    echo "== $build: V8 (node $(node --version))" >&2
    node "$root/bench/engine/bench.mjs" "$out/$build.wasm" "$warmups" "$runs" "${kernels[@]}" > "$out/v8-$build.jsonl"
    echo "== $build: Wasql.Wasm (.NET $(dotnet --version))" >&2
    dotnet "$out/wasql/Wasql.Wasm.Bench.dll" "$out/$build.wasm" "$warmups" "$runs" "${kernels[@]}" > "$out/wasql-$build.jsonl"
done

python3 - "$out" <<'PY'
import json, math, statistics, sys
out = sys.argv[1]
def load(name):
    return {r["kernel"]: r for r in (json.loads(l) for l in open(f"{out}/{name}.jsonl") if l.strip())}
v8s, v8v, ws, wv = load("v8-scalar"), load("v8-simd"), load("wasql-scalar"), load("wasql-simd")
med = lambda r: statistics.median(r["runs_ms"])
bad = []
for k in ws:
    if ws[k]["checksum"] != v8s[k]["checksum"]: bad.append(f"{k} scalar: Wasql {ws[k]['checksum']}, V8 {v8s[k]['checksum']}")
    if wv[k]["checksum"] != v8v[k]["checksum"]: bad.append(f"{k} simd: Wasql {wv[k]['checksum']}, V8 {v8v[k]['checksum']}")
    if k != "dot_f32_bench" and ws[k]["checksum"] != wv[k]["checksum"]: bad.append(f"{k}: scalar {ws[k]['checksum']} != simd {wv[k]['checksum']}")
print("| kernel | reps | V8 scalar ms | V8 SIMD ms | V8 speed-up | Wasql scalar ms | Wasql SIMD ms | Wasql speed-up | Wasql/V8 (SIMD) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
gv, gw, gr = [], [], []
for k in ws:
    a, b, c, d = med(v8s[k]), med(v8v[k]), med(ws[k]), med(wv[k])
    gv.append(a / b); gw.append(c / d); gr.append(d / b)
    print(f"| {k} | {ws[k]['arg']} | {a:.1f} | {b:.1f} | {a / b:.2f}x | {c:.1f} | {d:.1f} | {c / d:.2f}x | {d / b:.2f} |")
gm = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs))
print(f"| **geomean** | | | | **{gm(gv):.2f}x** | | | **{gm(gw):.2f}x** | **{gm(gr):.2f}** |")
first = next(iter(wv.values()))
print(f"\nWasql: Module.Compile {first['compile_ms']:.1f} ms for simd.wasm. Times are medians of the timed runs.")
if bad:
    print("\nCHECKSUM MISMATCH:\n  " + "\n  ".join(bad))
    sys.exit(1)
print("\nchecksums: Wasql = V8 for every kernel of both builds; scalar = SIMD for the integer kernels")
PY
