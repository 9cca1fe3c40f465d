#!/usr/bin/env bash
# Engine micro benchmark: the kernels of kernels.c run natively (gcc -O2), in V8 (node), in wasmtime-dotnet (our peer,
# Cranelift) and in Wasql.Wasm, side by side. Builds everything, checks that all four compute the same checksums,
# prints a table of median times and ratios (ours/wasmtime, ours/V8, ours/native) with their geometric means, and the
# cost of one host-to-guest call of a small export in both .NET engines.
#   bench/engine/run.sh [--quick]
# Needs clang-14 + wasm-ld-14, gcc, node and the .NET SDK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${WASQL_BENCH_OUT:-$(mktemp -d /tmp/wasql-bench-XXXXXX)}"
mkdir -p "$out"

warmups=2
runs=7
calls=5000000
kernels=(gcd_bench:2000000 sort_bench:1000000 mandel_bench:600 nbody_bench:1000000 hash_bench:50 sieve_bench:16000000)
if [[ "${1:-}" == "--quick" ]]; then
    warmups=1; runs=3; calls=500000
    kernels=(gcd_bench:200000 sort_bench:100000 mandel_bench:200 nbody_bench:100000 hash_bench:5 sieve_bench:1000000)
fi

for tool in clang-14 gcc node dotnet python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

echo "== building (output in $out)" >&2
clang-14 --target=wasm32 -O2 -nostdlib -mbulk-memory -msign-ext -mnontrapping-fptoint \
    -Wl,--no-entry -Wl,--export-dynamic "$here/kernels.c" -o "$out/kernels.wasm"
gcc -O2 -ffp-contract=off -fno-math-errno "$here/native_main.c" -o "$out/native"
dotnet build "$root/bench/Wasql.Wasm.Bench" -c Release -v q -nologo -o "$out/wasql" >&2

echo "== native" >&2
"$out/native" "$warmups" "$runs" "${kernels[@]}" > "$out/native.jsonl"
echo "== V8 (node $(node --version))" >&2
node "$here/bench.mjs" "$out/kernels.wasm" "$warmups" "$runs" "${kernels[@]}" > "$out/v8.jsonl"
echo "== Wasql.Wasm (.NET $(dotnet --version))" >&2
dotnet "$out/wasql/Wasql.Wasm.Bench.dll" "$out/kernels.wasm" "$warmups" "$runs" "${kernels[@]}" calls:$calls > "$out/wasql.jsonl"
echo "== wasmtime-dotnet" >&2
dotnet "$out/wasql/Wasql.Wasm.Bench.dll" --engine wasmtime "$out/kernels.wasm" "$warmups" "$runs" "${kernels[@]}" calls:$calls > "$out/wasmtime.jsonl"

python3 - "$out" <<'PY'
import json, math, statistics, sys
out = sys.argv[1]
def load(name):
    return {r["kernel"]: r for r in (json.loads(l) for l in open(f"{out}/{name}.jsonl") if l.strip())}
native, v8, ours, wt = load("native"), load("v8"), load("wasql"), load("wasmtime")
calls_ours, calls_wt = ours.pop("calls"), wt.pop("calls")
med = lambda r: statistics.median(r["runs_ms"])
bad = [k for k in ours if not (ours[k]["checksum"] == v8[k]["checksum"] == native[k]["checksum"] == wt[k]["checksum"])]
rows, rwt, rv8, rnat = [], [], [], []
for k in ours:
    o, v, n, w = med(ours[k]), med(v8[k]), med(native[k]), med(wt[k])
    rwt.append(o / w); rv8.append(o / v); rnat.append(o / n)
    rows.append(f"| {k} | {ours[k]['arg']} | {n:.1f} | {v:.1f} | {w:.1f} | {o:.1f} | {o / w:.2f} | {o / v:.2f} | {o / n:.2f} | {ours[k]['first_ms']:.1f} |")
gm = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs))
print("| kernel | arg | native ms | V8 ms | wasmtime ms | Wasql ms | Wasql/wasmtime | Wasql/V8 | Wasql/native | Wasql 1st call ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
print("\n".join(rows))
print(f"| **geomean** | | | | | | **{gm(rwt):.2f}** | **{gm(rv8):.2f}** | **{gm(rnat):.2f}** | |")
first, wfirst = next(iter(ours.values())), next(iter(wt.values()))
print(f"\nCompile kernels.wasm: Wasql {first['compile_ms']:.1f} ms (+ instantiate {first['instantiate_ms']:.1f} ms), "
      f"wasmtime {wfirst['compile_ms']:.1f} ms (+ {wfirst['instantiate_ms']:.1f} ms), "
      f"V8 WebAssembly.instantiate {next(iter(v8.values()))['compile_ms']:.1f} ms. Times are medians of the timed runs.")
print(f"Host-to-guest call of a small export ({calls_ours['arg']} calls, median of 5 rounds): Wasql {calls_ours['ns_per_call']:.1f} ns, "
      f"wasmtime {calls_wt['ns_per_call']:.1f} ns ({calls_ours['ns_per_call'] / calls_wt['ns_per_call']:.2f}x); "
      f"the same gcd as a C# delegate {calls_ours['delegate_ns_per_call']:.1f} ns.")
if bad:
    print(f"\nCHECKSUM MISMATCH: {', '.join(bad)}")
    for k in bad: print(f"  {k}: native {native[k]['checksum']}, V8 {v8[k]['checksum']}, wasmtime {wt[k]['checksum']}, Wasql {ours[k]['checksum']}")
    sys.exit(1)
print("\nchecksums: all four agree on every kernel")
PY
