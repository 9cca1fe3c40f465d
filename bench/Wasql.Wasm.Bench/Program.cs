// Wasql.Wasm harness of the engine micro benchmark (bench/engine/run.sh): runs kernels.wasm exports in our
// engine, timed with Stopwatch. Compile/instantiate time and each kernel's first call (which includes the
// JIT of its code) are reported separately from the steady-state runs.
//   dotnet Wasql.Wasm.Bench.dll kernels.wasm WARMUPS RUNS kernel:arg ...
// Prints one JSON object per kernel: {"kernel", "arg", "checksum", "runs_ms": [...], "first_ms", "compile_ms"}.
using System.Diagnostics;
using System.Globalization;
using Wasql.Wasm;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Wasql.Wasm.Bench kernels.wasm WARMUPS RUNS kernel:arg ...");
    return 2;
}
byte[] bytes = File.ReadAllBytes(args[0]);
int warmups = int.Parse(args[1], CultureInfo.InvariantCulture);
int runs = int.Parse(args[2], CultureInfo.InvariantCulture);

var sw = Stopwatch.StartNew();
var engine = new Engine(new EngineConfig());
var module = Module.Compile(engine, bytes);
double compileMs = sw.Elapsed.TotalMilliseconds;
sw.Restart();
var store = new Store(engine);
var instance = new Linker(engine).Instantiate(store, module);
double instantiateMs = sw.Elapsed.TotalMilliseconds;

foreach (var spec in args.Skip(3))
{
    var parts = spec.Split(':');
    string name = parts[0];
    int arg = int.Parse(parts[1], CultureInfo.InvariantCulture);
    var fn = instance.GetFunction<Func<int, long>>(name);
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
                      "\",\"runs_ms\":[" + string.Join(",", times.Select(t => t.ToString("F3", CultureInfo.InvariantCulture))) +
                      "],\"first_ms\":" + firstMs.ToString("F3", CultureInfo.InvariantCulture) +
                      ",\"compile_ms\":" + compileMs.ToString("F3", CultureInfo.InvariantCulture) +
                      ",\"instantiate_ms\":" + instantiateMs.ToString("F3", CultureInfo.InvariantCulture) + "}");
}
return 0;
