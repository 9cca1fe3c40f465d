// UDF benchmarks: (a) the Databend fixture's wasm_gcd over a 1024-row batch end to end (IPC write, guest call,
// IPC read) vs the same loop in C#; (b) a direct-ABI gcd per row (session typed delegate, pooled delegate, boxed
// Invoke) vs a C# delegate per row. Median of several timed rounds after warm-up. (c) a cold start: loading the
// fixture (958 KB of code) and its first batches, with the engine's tiering on and off.
using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Types;
using Wasql.Udf;

static string FindUp(string name)
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d is not null && !File.Exists(Path.Combine(d.FullName, name))) d = d.Parent;
    return d?.FullName ?? throw new Exception(name + " not found");
}

static double Median(Func<long> round, int rounds = 15)
{
    var t = new double[rounds];
    for (int i = 0; i < rounds; i++) { var sw = Stopwatch.StartNew(); long n = round(); t[i] = sw.Elapsed.TotalNanoseconds / n; }
    System.Array.Sort(t);
    return t[rounds / 2];
}


[System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
static extern int ClockGetTime(int clock, out Timespec ts);
static double ThreadCpuNs() { ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var ts); return ts.Sec * 1e9 + ts.Nsec; }
static double MedianCpu(Func<long> round, int rounds = 15)
{
    var t = new double[rounds];
    for (int i = 0; i < rounds; i++) { double c0 = ThreadCpuNs(); long n = round(); t[i] = (ThreadCpuNs() - c0) / n; }
    System.Array.Sort(t);
    return t[rounds / 2];
}

static int Gcd(int a, int b) { while (b != 0) { int t = a % b; a = b; b = t; } return a; }

string repo = FindUp("Wasql.slnx");
string shared = Environment.GetEnvironmentVariable("WASQL_SHARED") ?? Path.Combine(repo, "..", "shared");
using var rt = new UdfRuntime();
var module = rt.Load(File.ReadAllBytes(Path.Combine(shared, "fixtures", "arrow-udf", "databend_gcd.wasm")), "databend_gcd");
var gcd = module.GetFunction("wasm_gcd", "int4", "int4");

const int N = 1024;
var rng = new Random(42);
int[] a = Enumerable.Range(0, N).Select(_ => rng.Next(1, 1_000_000)).ToArray();
int[] b = Enumerable.Range(0, N).Select(_ => rng.Next(1, 1_000_000)).ToArray();
// One managed copy, as Wasql.Arrow's Int32Array.From did (the package's builders take native memory that only a
// finalizer frees, which would put GC pressure on the measured loop).
static Int32Array Int32s(int[] values) =>
    new(new ArrowBuffer(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray()), ArrowBuffer.Empty, values.Length, 0, 0);
var schema = new Schema([new Field("a", Int32Type.Default, true), new Field("b", Int32Type.Default, true)], null);
var batch = new RecordBatch(schema, [Int32s(a), Int32s(b)], N);

int[] outp = new int[N];
Func<long> csharpBatch = () =>
{
    for (int it = 0; it < 200; it++)
    {
        var xs = ((Int32Array)batch.Column(0)).Values; var ys = ((Int32Array)batch.Column(1)).Values;
        for (int i = 0; i < N; i++) outp[i] = Gcd(xs[i], ys[i]);
        _ = Int32s(outp);
    }
    return 200;
};
Func<long> wasmBatch = () => { for (int it = 0; it < 200; it++) gcd.CallScalar(batch); return 200; };
for (int w = 0; w < 200; w++) { csharpBatch(); wasmBatch(); }   // 40,000 calls: past tiered PGO's instrumented tier, so the median is steady state
var check = (Int32Array)gcd.CallScalar(batch).Values;
for (int i = 0; i < N; i++) if (check.Values[i] != Gcd(a[i], b[i])) throw new Exception("wrong result");
double nsCs = Median(csharpBatch), nsWasm = Median(wasmBatch);
Console.WriteLine($"(a) wasm_gcd 1024-row batch: C# {nsCs / 1000:F2} us, wasm end to end {nsWasm / 1000:F2} us, ratio {nsWasm / nsCs:F2}x");
double cpuWasm = MedianCpu(() => { long n = 0; for (int k = 0; k < 10; k++) n += wasmBatch(); return n; }, 15);   // rounds of 2000 calls
Console.WriteLine($"(a) wasm_gcd 1024-row batch, thread CPU time: {cpuWasm / 1000:F2} us");


// (b) direct ABI per row
var cguest = Path.Combine(Path.GetTempPath(), "wasql-udf-bench-gcd.wasm");
var src = Path.Combine(Path.GetTempPath(), "wasql-udf-bench-gcd.c");
File.WriteAllText(src, "#include \"wasql_udf.h\"\nWASQL_EXPORT(gcd) int32_t gcd(int32_t a, int32_t b) { while (b) { int32_t t = a % b; a = b; b = t; } return a; }\n");
var psi = new ProcessStartInfo("clang-14", $"--target=wasm32 -O2 -nostdlib -Wl,--no-entry -I {repo}/sdk/c -o {cguest} {src}");
Process.Start(psi)!.WaitForExit();
var dm = rt.Load(File.ReadAllBytes(cguest), "gcd_c");
var direct = dm.BindDirect("gcd", ["int4", "int4"], "int4");
Func<int, int, int> csDelegate = Gcd;
using var session = direct.OpenSession();
var fast = session.CreateDelegate<Func<int, int, int>>();
var pooled = direct.CreateDelegate<Func<int, int, int>>();
long Rows(Func<int, int, int> f) { int s = 0; for (int it = 0; it < 100; it++) for (int i = 0; i < N; i++) s += f(a[i], b[i]); return s == 42 ? 0 : 100L * N; }
object?[] boxedArgs = new object?[2];
long Boxed() { for (int i = 0; i < N; i++) { boxedArgs[0] = a[i]; boxedArgs[1] = b[i]; session.Invoke(boxedArgs); } return N; }
for (int w = 0; w < 5; w++) { Rows(csDelegate); Rows(fast); Rows(pooled); Boxed(); }
double d0 = Median(() => Rows(csDelegate)), d1 = Median(() => Rows(fast)), d2 = Median(() => Rows(pooled)), d3 = Median(Boxed);
Console.WriteLine($"(b) gcd per row: C# delegate {d0:F1} ns, direct session delegate {d1:F1} ns ({d1 / d0:F2}x), pooled delegate {d2:F1} ns ({d2 / d0:F2}x), boxed Invoke {d3:F1} ns ({d3 / d0:F2}x)");

// (c) cold start: load + first batch + the next 99, each configuration in a fresh runtime, alternating (after one
// throwaway round that JIT-compiles the host's own code)
byte[] fixture = File.ReadAllBytes(Path.Combine(shared, "fixtures", "arrow-udf", "databend_gcd.wasm"));
(double Load, double First, double Next99) Cold(bool tiered)
{
    using var cold = new UdfRuntime(configureEngine: c => c.BaselineTier = tiered);
    var sw = Stopwatch.StartNew();
    var m = cold.Load(fixture, "databend_gcd");
    double load = sw.Elapsed.TotalMilliseconds;
    var f = m.GetFunction("wasm_gcd", "int4", "int4");
    sw.Restart();
    f.CallScalar(batch);
    double first = sw.Elapsed.TotalMilliseconds;
    sw.Restart();
    for (int i = 0; i < 99; i++) f.CallScalar(batch);
    return (load, first, sw.Elapsed.TotalMilliseconds);
}
Cold(true);
var coldRuns = new Dictionary<bool, List<(double Load, double First, double Next99)>> { [true] = [], [false] = [] };
for (int round = 0; round < 5; round++)
    foreach (bool tiered in new[] { true, false }) coldRuns[tiered].Add(Cold(tiered));
foreach (bool tiered in new[] { true, false })
{
    var runs = coldRuns[tiered];
    double Med(Func<(double Load, double First, double Next99), double> pick) => runs.Select(pick).Order().ElementAt(runs.Count / 2);
    Console.WriteLine($"(c) cold start, tiering {(tiered ? "on " : "off")}: load {Med(r => r.Load):F1} ms, first batch {Med(r => r.First):F1} ms, next 99 batches {Med(r => r.Next99):F1} ms");
}

struct Timespec { public long Sec; public long Nsec; }
