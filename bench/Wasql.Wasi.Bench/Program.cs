// Investigation harness for WASI programs: runs one module in-process under several engine configurations and
// separates compile (Module.Compile), first run (which includes RyuJIT compiling every guest function on its
// first call) and a second run in the same process (steady state: everything already jitted).
//
//   dotnet run -c Release --project bench/Wasql.Wasi.Bench -- module.wasm [--budgets 12000,0,...] [--tiers on,off]
//       [--tier-up N] [--precompile] [--runs N] [--fuel] [args...]
// --tiers: EngineConfig.BaselineTier for big modules; each budget runs with each setting.
using System.Diagnostics;
using System.Text.RegularExpressions;
using Wasql.Wasi;
using Wasql.Wasm;

var rest = new List<string>(args);
if (rest.Count == 0)
{
    Console.Error.WriteLine("usage: Wasql.Wasi.Bench module.wasm [--budgets 12000,0] [--fuel] [args...]");
    return 2;
}
string wasm = rest[0];
rest.RemoveAt(0);
int[] budgets = [new EngineConfig().FunctionSplitBudget, 0];
bool fuel = false;
bool[] tiers = [true];
bool precompile = false;
int runCount = 2;
int tierUp = new EngineConfig().TierUpCalls;
while (rest.Count > 0 && rest[0].StartsWith("--", StringComparison.Ordinal))
{
    if (rest[0] == "--budgets") { budgets = rest[1].Split(',').Select(int.Parse).ToArray(); rest.RemoveRange(0, 2); }
    else if (rest[0] == "--fuel") { fuel = true; rest.RemoveAt(0); }
    else if (rest[0] == "--tiers") { tiers = rest[1].Split(',').Select(t => t == "on").ToArray(); rest.RemoveRange(0, 2); }
    else if (rest[0] == "--runs") { runCount = int.Parse(rest[1]); rest.RemoveRange(0, 2); }
    else if (rest[0] == "--precompile") { precompile = true; rest.RemoveAt(0); }
    else if (rest[0] == "--tier-up") { tierUp = int.Parse(rest[1]); rest.RemoveRange(0, 2); }
    else throw new ArgumentException("unknown option " + rest[0]);
}
byte[] bytes = File.ReadAllBytes(wasm);
string[] guestArgs = [Path.GetFileNameWithoutExtension(wasm), .. rest];
Console.WriteLine($"{Path.GetFileName(wasm)} {string.Join(' ', rest)}{(fuel ? " (fuel + interruptible)" : "")}");
Console.WriteLine("| split budget | baseline tier | Module.Compile ms | 1st run ms (kernel ms) | later runs ms (kernel ms) | stdout hash |");
Console.WriteLine("|---:|---|---:|---:|---:|---|");
foreach (var (budget, tiered) in budgets.SelectMany(b => tiers.Select(t => (b, t))))
{
    var engine = new Engine(new EngineConfig
    {
        FunctionSplitBudget = budget, ConsumeFuel = fuel, Interruptible = fuel, BaselineTier = tiered, TierUpCalls = tierUp,
        PrecompileInBackground = precompile,
    });
    var jitc = System.Runtime.JitInfo.GetCompilationTime();
    var sw = Stopwatch.StartNew();
    Module.Validate(bytes);
    double validate = sw.Elapsed.TotalMilliseconds;
    sw.Restart();
    var module = Module.Compile(engine, bytes);
    double compile = sw.Elapsed.TotalMilliseconds;
    if (Environment.GetEnvironmentVariable("WASQL_BENCH_JIT") == "1")
        Console.Error.WriteLine($"compile: decode + validate alone {validate:F0} ms; JIT of the compiler itself {(System.Runtime.JitInfo.GetCompilationTime() - jitc).TotalMilliseconds:F0} ms");
    var runs = new List<string>();
    string hash = "";
    for (int i = 0; i < runCount; i++)
    {
        var stdout = WasiOutput.Capture(64 << 20);
        var stderr = WasiOutput.Capture(1 << 20);
        var config = new WasiConfig().WithArgs(guestArgs).WithStdout(stdout).WithStderr(stderr);
        var options = fuel ? new WasiRunOptions { Fuel = 1_000_000_000_000, Timeout = TimeSpan.FromMinutes(10) } : new WasiRunOptions();
        var jit0 = System.Runtime.JitInfo.GetCompilationTime();
        var jitMine0 = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
        long il0 = System.Runtime.JitInfo.GetCompiledILBytes(), n0 = System.Runtime.JitInfo.GetCompiledMethodCount();
        sw.Restart();
        var result = WasiRunner.Run(engine, module, config, options);
        double ms = sw.Elapsed.TotalMilliseconds;
        if (Environment.GetEnvironmentVariable("WASQL_BENCH_JIT") == "1")
            Console.Error.WriteLine($"run {i + 1}: JIT {(System.Runtime.JitInfo.GetCompilationTime() - jit0).TotalMilliseconds:F0} ms " +
                $"({(System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - jitMine0).TotalMilliseconds:F0} ms on the guest's thread), " +
                $"{System.Runtime.JitInfo.GetCompiledMethodCount() - n0} methods, {(System.Runtime.JitInfo.GetCompiledILBytes() - il0) / 1024} KiB IL");
        if (!result.Succeeded) Console.Error.WriteLine($"budget {budget}: exit {result.ExitCode} {result.Trap?.Message}");
        var m = Regex.Match(stderr.GetText(), @"kernel_ms ([0-9.]+)");
        runs.Add($"{ms:F1} ({(m.Success ? m.Groups[1].Value : "?")})");
        hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stdout.GetText())))[..12];
    }
    Console.WriteLine($"| {budget} | {(tiered ? "on" : "off")} | {compile:F1} | {runs[0]} | {string.Join(", ", runs.Skip(1))} | {hash} |");
}
return 0;
