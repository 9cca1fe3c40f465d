#!/usr/bin/env python3
"""Times the corpus built by run.sh: native, node:wasi, wasmtime-dotnet (Wasql.Wasm.Bench wasi-wasmtime, with
--wasmtime), `wasql run`, and `wasql run` with limits on
(--fuel 1000G --timeout 10min). Every run's stdout must equal the native one. Reports medians of N runs of the
whole process (wall clock around the child) and of the in-program time each program prints on stderr
("kernel_ms <ms>", CLOCK_MONOTONIC around its kernel: start-up, compilation and exit excluded)."""
import argparse, math, os, re, statistics, subprocess, sys, time

# name, default size, --quick size
PROGRAMS = [
    ("int_hash", "60", "20"),
    ("float_spectral", "1500", "800"),
    ("mem_sort", "2000000", "700000"),
    ("alloc_trees", "16", "14"),
    ("string_fmt", "300000", "100000"),
    ("sqlite", "20000", "8000"),
]

NODE_RUNNER = """import { WASI } from 'node:wasi';
import fs from 'node:fs';
const wasi = new WASI({ version: 'preview1', args: process.argv.slice(2), env: {}, preopens: {}, returnOnExit: true });
const module = await WebAssembly.compile(fs.readFileSync(process.argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
"""

# 1G of fuel (the budget first planned) runs out within a second on every program but int_hash, so the limits run
# uses a budget no program reaches: metering and interruption checks are on, and never fire.
LIMITS = ["--fuel", "1000G", "--timeout", "10min"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--wasmtime", default=None, help="Wasql.Wasm.Bench.dll: adds wasmtime-dotnet as a peer")
    ap.add_argument("--quick", action="store_true", help="smaller sizes, 3 runs")
    ap.add_argument("--runs", type=int, default=None, help="timed runs per way (default 5, --quick 3)")
    ap.add_argument("--no-limits", action="store_true", help="skip the --fuel/--timeout runs")
    ap.add_argument("--only", default=None, help="comma-separated program names")
    a = ap.parse_args()
    runs = a.runs or (3 if a.quick else 5)
    runner = os.path.join(a.dir, "node-wasi-runner.mjs")
    with open(runner, "w") as f:
        f.write(NODE_RUNNER)
    ways = [
        ("native", lambda p, arg: [os.path.join(a.dir, p + ".native"), arg]),
        ("node", lambda p, arg: ["node", "--no-warnings", runner, os.path.join(a.dir, p + ".wasm"), arg]),
        ("wasql", lambda p, arg: ["dotnet", a.cli, "run", os.path.join(a.dir, p + ".wasm"), arg]),
    ]
    if a.wasmtime:
        ways.insert(2, ("wasmtime", lambda p, arg: ["dotnet", a.wasmtime, "wasi-wasmtime", os.path.join(a.dir, p + ".wasm"), arg]))
    if not a.no_limits:
        ways.append(("wasql+limits", lambda p, arg: ["dotnet", a.cli, "run", *LIMITS, os.path.join(a.dir, p + ".wasm"), arg]))
    only = set(a.only.split(",")) if a.only else None
    rows, ok = [], True
    for name, size, quick in PROGRAMS:
        if only and name not in only:
            continue
        arg = quick if a.quick else size
        reference, res = None, {}
        for way, cmd in ways:
            walls, kernels = [], []
            for i in range(runs + 1):  # the first run is a warm-up (page cache, node/dotnet disk caches)
                argv = cmd(name, arg)
                t0 = time.perf_counter_ns()
                p = subprocess.run(argv, capture_output=True)
                wall = (time.perf_counter_ns() - t0) / 1e6
                if p.returncode != 0:
                    print(f"!! {name} {way}: exit {p.returncode}\n{p.stderr.decode(errors='replace')[-2000:]}", file=sys.stderr)
                    ok = False
                    break
                if reference is None:
                    reference = p.stdout
                elif p.stdout != reference:
                    print(f"!! {name} {way}: stdout differs from native", file=sys.stderr)
                    ok = False
                m = re.search(rb"kernel_ms ([0-9.]+)", p.stderr)
                if i > 0:
                    walls.append(wall)
                    kernels.append(float(m.group(1)) if m else float("nan"))
            if walls:
                res[way] = (statistics.median(walls), statistics.median(kernels))
                print(f"   {name:15} {way:13} wall {res[way][0]:9.1f} ms   kernel {res[way][1]:9.1f} ms", file=sys.stderr, flush=True)
        rows.append((name, arg, res))
    print_table(rows, runs, a)
    if not ok:
        print("SOME OUTPUTS DIFFER OR RUNS FAILED", file=sys.stderr)
        sys.exit(1)
    print("\nOutputs: native, node:wasi" + (", wasmtime-dotnet" if a.wasmtime else "") +
          " and wasql (with and without limits) agree byte for byte on every program.")


def geomean(xs):
    xs = [x for x in xs if x and x > 0 and not math.isnan(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def print_table(rows, runs, a):
    def g(res, way, k):
        return res[way][k] if way in res else float("nan")

    limits = not a.no_limits
    wt = a.wasmtime is not None
    print(f"\nmedian of {runs} runs after 1 warm-up; times in ms; kernel = in-program time (CLOCK_MONOTONIC, start-up excluded),"
          " process = whole process wall clock\n")
    head = "| program | arg | native kernel | node kernel | wasql kernel | wasql/node | wasql/native | native process | node process | wasql process | wasql/node | wasql/native |"
    sep = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    if wt:
        head += " wasmtime kernel | wasql/wasmtime kernel | wasmtime process | wasql/wasmtime process |"
        sep += "---:|---:|---:|---:|"
    if limits:
        head += " wasql+limits kernel | limits cost |"
        sep += "---:|---:|"
    print(head)
    print(sep)
    cols = {k: [] for k in ("kn", "kv", "pn", "pv", "kw", "pw", "lim")}
    for name, arg, res in rows:
        kn, kv = g(res, "wasql", 1) / g(res, "node", 1), g(res, "wasql", 1) / g(res, "native", 1)
        pn, pv = g(res, "wasql", 0) / g(res, "node", 0), g(res, "wasql", 0) / g(res, "native", 0)
        for k, v in (("kn", kn), ("kv", kv), ("pn", pn), ("pv", pv)):
            cols[k].append(v)
        line = (f"| {name} | {arg} | {g(res, 'native', 1):.1f} | {g(res, 'node', 1):.1f} | {g(res, 'wasql', 1):.1f} | {kn:.2f} | {kv:.2f}"
                f" | {g(res, 'native', 0):.1f} | {g(res, 'node', 0):.1f} | {g(res, 'wasql', 0):.1f} | {pn:.2f} | {pv:.2f} |")
        if wt:
            kw, pw = g(res, "wasql", 1) / g(res, "wasmtime", 1), g(res, "wasql", 0) / g(res, "wasmtime", 0)
            cols["kw"].append(kw)
            cols["pw"].append(pw)
            line += f" {g(res, 'wasmtime', 1):.1f} | {kw:.2f} | {g(res, 'wasmtime', 0):.1f} | {pw:.2f} |"
        if limits:
            lim = g(res, "wasql+limits", 1) / g(res, "wasql", 1)
            cols["lim"].append(lim)
            line += f" {g(res, 'wasql+limits', 1):.1f} | {lim:.2f} |"
        print(line)
    line = (f"| **geomean** | | | | | **{geomean(cols['kn']):.2f}** | **{geomean(cols['kv']):.2f}** | | | |"
            f" **{geomean(cols['pn']):.2f}** | **{geomean(cols['pv']):.2f}** |")
    if wt:
        line += f" | **{geomean(cols['kw']):.2f}** | | **{geomean(cols['pw']):.2f}** |"
    if limits:
        line += f" | **{geomean(cols['lim']):.2f}** |"
    print(line)


if __name__ == "__main__":
    main()
