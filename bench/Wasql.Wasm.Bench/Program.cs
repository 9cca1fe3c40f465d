// Harness of the engine micro benchmark (bench/engine/run.sh): runs kernels.wasm exports in our engine or, with
// --engine wasmtime, in wasmtime-dotnet (our peer), timed with Stopwatch. Compile/instantiate time and each kernel's
// first call (which includes the JIT of its code, for us) are reported separately from the steady-state runs. The
// spec "calls:N" times N host-to-guest calls of the small `gcd` export (the crossing a per-row SQL function pays) next
// to the same calls of a C# delegate.
//   dotnet Wasql.Wasm.Bench.dll [--engine wasql|wasmtime] kernels.wasm WARMUPS RUNS kernel:arg ... [calls:N]
//   dotnet Wasql.Wasm.Bench.dll wasi-wasmtime program.wasm [args...]   (a WASI command under wasmtime-dotnet, for
//       bench/wasi: stdout/stderr inherited, exit status passed on; `wasql run` is the other side)
// Prints one JSON object per kernel: {"kernel", "arg", "checksum", "runs_ms": [...], "first_ms", "compile_ms"}, and for
// calls {"kernel":"calls", "ns_per_call", "delegate_ns_per_call"}.
using System.Diagnostics;
using System.Globalization;

var argList = args.ToList();
if (argList.Count >= 2 && argList[0] == "wasi-wasmtime") return WasmtimeWasi.Run(argList[1], argList.Skip(2).ToArray());
string engineName = "wasql";
if (argList.Count >= 2 && argList[0] == "--engine")
{
    engineName = argList[1];
    argList.RemoveRange(0, 2);
}
if (argList.Count < 4 || engineName is not ("wasql" or "wasmtime"))
{
    Console.Error.WriteLine("usage: Wasql.Wasm.Bench [--engine wasql|wasmtime] kernels.wasm WARMUPS RUNS kernel:arg ... [calls:N]");
    return 2;
}
byte[] bytes = File.ReadAllBytes(argList[0]);
int warmups = int.Parse(argList[1], CultureInfo.InvariantCulture);
int runs = int.Parse(argList[2], CultureInfo.InvariantCulture);

var sw = Stopwatch.StartNew();
IKernels kernels = engineName == "wasmtime" ? new WasmtimeKernels(bytes) : new WasqlKernels(bytes);
double compileMs = kernels.CompileMs, instantiateMs = kernels.InstantiateMs;
string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

foreach (var spec in argList.Skip(3))
{
    var parts = spec.Split(':');
    string name = parts[0];
    int arg = int.Parse(parts[1], CultureInfo.InvariantCulture);
    if (name == "calls")
    {
        Console.WriteLine("{\"kernel\":\"calls\",\"arg\":" + arg + ",\"ns_per_call\":" + F(CallCost(kernels.Gcd(), arg)) +
                          ",\"delegate_ns_per_call\":" + F(CallCost(ManagedGcd, arg)) + "}");
        continue;
    }
    var fn = kernels.Kernel(name);
    sw.Restart();
    long checksum = fn(arg);
    double firstMs = sw.Elapsed.TotalMilliseconds;
    for (int w = 1; w < warmups; w++) checksum = fn(arg);
    var times = new double[runs];
    for (int r = 0; r < runs; r++)
    {
        sw.Restart();
        long c = fn(arg);
        times[r] = sw.Elapsed.TotalMilliseconds;
        if (c != checksum) throw new InvalidOperationException($"{name}: checksum changed between runs");
    }
    Console.WriteLine("{\"kernel\":\"" + name + "\",\"arg\":" + arg + ",\"checksum\":\"" + checksum.ToString(CultureInfo.InvariantCulture) +
                      "\",\"runs_ms\":[" + string.Join(",", times.Select(F)) + "],\"first_ms\":" + F(firstMs) +
                      ",\"compile_ms\":" + F(compileMs) + ",\"instantiate_ms\":" + F(instantiateMs) + "}");
}
return 0;

// Median over 5 rounds of n calls with small changing arguments, in ns per call.
static double CallCost(Func<int, int, int> f, int n)
{
    long sink = 0;
    for (int i = 0; i < 100_000; i++) sink += f(i & 1023, 48); // warm up (and JIT)
    var rounds = new double[5];
    for (int r = 0; r < rounds.Length; r++)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) sink += f(i & 1023, 48);
        rounds[r] = sw.Elapsed.TotalNanoseconds / n;
    }
    GC.KeepAlive(sink);
    Array.Sort(rounds);
    return rounds[rounds.Length / 2];
}

static int ManagedGcd(int a, int b)
{
    while (b != 0) { int t = a % b; a = b; b = t; }
    return a;
}

interface IKernels
{
    double CompileMs { get; }
    double InstantiateMs { get; }
    Func<int, long> Kernel(string name);
    Func<int, int, int> Gcd();
}

sealed class WasqlKernels : IKernels
{
    private readonly Wasql.Wasm.Instance _instance;

    public WasqlKernels(byte[] bytes)
    {
        var sw = Stopwatch.StartNew();
        var engine = new Wasql.Wasm.Engine(new Wasql.Wasm.EngineConfig());
        var module = Wasql.Wasm.Module.Compile(engine, bytes);
        CompileMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        _instance = new Wasql.Wasm.Linker(engine).Instantiate(new Wasql.Wasm.Store(engine), module);
        InstantiateMs = sw.Elapsed.TotalMilliseconds;
    }

    public double CompileMs { get; }
    public double InstantiateMs { get; }
    public Func<int, long> Kernel(string name) => _instance.GetFunction<Func<int, long>>(name);
    public Func<int, int, int> Gcd() => _instance.GetFunction<Func<int, int, int>>("gcd");
}

sealed class WasmtimeKernels : IKernels
{
    private readonly Wasmtime.Instance _instance;

    public WasmtimeKernels(byte[] bytes)
    {
        var sw = Stopwatch.StartNew();
        var engine = new Wasmtime.Engine();
        var module = Wasmtime.Module.FromBytes(engine, "kernels", bytes);
        CompileMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var store = new Wasmtime.Store(engine);
        _instance = new Wasmtime.Linker(engine).Instantiate(store, module);
        InstantiateMs = sw.Elapsed.TotalMilliseconds;
    }

    public double CompileMs { get; }
    public double InstantiateMs { get; }
    public Func<int, long> Kernel(string name) => _instance.GetFunction<int, long>(name) ?? throw new KeyNotFoundException(name);
    public Func<int, int, int> Gcd() => _instance.GetFunction<int, int, int>("gcd") ?? throw new KeyNotFoundException("gcd");
}

/// <summary>Runs a WASI command under wasmtime-dotnet the way `wasql run` runs it: nothing granted but arguments and
/// the standard streams; the guest's exit status becomes the process's.</summary>
static class WasmtimeWasi
{
    public static int Run(string path, string[] args)
    {
        using var engine = new Wasmtime.Engine();
        using var module = Wasmtime.Module.FromFile(engine, path);
        using var linker = new Wasmtime.Linker(engine);
        linker.DefineWasi();
        using var store = new Wasmtime.Store(engine);
        store.SetWasiConfiguration(new Wasmtime.WasiConfiguration()
            .WithArgs([Path.GetFileName(path), .. args]).WithInheritedStandardOutput().WithInheritedStandardError());
        var instance = linker.Instantiate(store, module);
        var start = instance.GetAction("_start") ?? throw new InvalidOperationException("not a WASI command: no _start");
        try
        {
            start();
            return 0;
        }
        catch (Wasmtime.WasmtimeException e) when (e.ExitCode is int code)
        {
            return code;
        }
    }
}
