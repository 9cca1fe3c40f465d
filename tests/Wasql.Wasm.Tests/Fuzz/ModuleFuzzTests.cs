// Bounded, seeded fuzz test of decoding, validation, compilation, instantiation and execution.
// Valid modules (the differential C programs and modules of a few spec .wast files) are mutated; for each
// mutant Module.Compile must succeed or throw MalformedModuleException / InvalidModuleException, and a
// compiled mutant is instantiated with stub imports and every exported function is called with default
// arguments under fuel, where only WasmException subtypes (traps included) may escape. Everything runs on
// a 16 MiB-stack worker thread watched for hangs.
//
// Reproduce a reported failure:  WASQL_FUZZ_SEED=<seed> WASQL_FUZZ_ONLY=<iteration> dotnet test ... --filter ModuleFuzz
// Longer runs:                   WASQL_FUZZ_ITERATIONS=100000 WASQL_FUZZ_SEED=<any> dotnet test ... --filter ModuleFuzz
using System.Text.Json;
using Wasql.Wasm.Tests.Differential;
using Xunit.Abstractions;

namespace Wasql.Wasm.Tests.Fuzz;

using Engine = Wasql.Wasm.Engine;

public sealed class ModuleFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 0x5A5A_2025;
    private const int DefaultIterations = 5000;
    private const long FuelPerCall = 100_000;
    /// <summary>A single mutant (compile + instantiate + calls) taking longer than this is reported as a hang.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    private static readonly string[] SpecFiles = ["i32.wast", "br_table.wast", "memory.wast", "call_indirect.wast", "imports.wast", "bulk.wast", "global.wast"];

    private sealed record Failure(int Iteration, string Stage, string Error, string MutantPath, IReadOnlyList<string> Mutations);

    [Fact]
    public void MutatedModulesFailCleanly()
    {
        int seed = EnvInt("WASQL_FUZZ_SEED") ?? DefaultSeed;
        int iterations = EnvInt("WASQL_FUZZ_ITERATIONS") ?? DefaultIterations;
        int? only = EnvInt("WASQL_FUZZ_ONLY");
        var corpus = Corpus();
        var donors = corpus.Select(c => c.Bytes).ToList();
        var failures = new List<Failure>();
        var rejections = new List<string>();
        var stats = new Dictionary<string, int>();
        string failDir = Path.Combine(Path.GetTempPath(), "wasql-fuzz-failures");

        int current = -1;
        long currentStarted = 0;
        bool finished = false;
        var worker = new Thread(() =>
        {
            RejectionHistogram = new Dictionary<string, int>();
            for (int it = only ?? 0; it < (only is null ? iterations : only.Value + 1); it++)
            {
                Volatile.Write(ref currentStarted, Environment.TickCount64);
                Volatile.Write(ref current, it);
                var log = new List<string>();
                byte[] mutant = [];
                string stage, error;
                try
                {
                    var rng = new Random(unchecked(seed * 1_000_003 + it));
                    int src = rng.Next(corpus.Count);
                    log.Add($"from {corpus[src].Name}");
                    mutant = Mutator.Mutate(corpus[src].Bytes, donors, rng, log);
                    (stage, error) = RunMutant(mutant);
                }
                catch (Exception e)
                {
                    (stage, error) = ("harness", e.ToString());
                }
                stats[stage] = stats.GetValueOrDefault(stage) + 1;
                if (error is not null && failures.Count < 20)
                {
                    Directory.CreateDirectory(failDir);
                    string path = Path.Combine(failDir, $"seed{seed}-iter{it}.wasm");
                    File.WriteAllBytes(path, mutant);
                    lock (failures) failures.Add(new Failure(it, stage, error, path, log));
                }
            }
            foreach (var kv in RejectionHistogram.OrderByDescending(kv => kv.Value).Take(8)) rejections.Add($"{kv.Value} x {kv.Key}");
            Volatile.Write(ref finished, true);
        }, 16 << 20) { IsBackground = true, Name = "wasql-fuzz" };
        worker.Start();

        while (!worker.Join(TimeSpan.FromMilliseconds(500)))
        {
            long started = Volatile.Read(ref currentStarted);
            if (!Volatile.Read(ref finished) && started != 0 && Environment.TickCount64 - started > HangLimit.TotalMilliseconds)
            {
                int it = Volatile.Read(ref current);
                Assert.Fail($"fuzz: iteration {it} (seed {seed}) has not finished after {HangLimit.TotalSeconds} s (hang in compile or instantiate?). " +
                            $"Reproduce with WASQL_FUZZ_SEED={seed} WASQL_FUZZ_ONLY={it}.");
            }
        }

        output.WriteLine($"fuzz seed {seed}: {(only is null ? iterations : 1)} mutants from {corpus.Count} modules; outcomes: " +
                         string.Join(", ", stats.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));
        output.WriteLine("most common decoding errors:\n  " + string.Join("\n  ", rejections));
        if (failures.Count > 0)
        {
            Assert.Fail($"fuzz seed {seed}: {failures.Count} mutants broke the engine's error contract:\n" + string.Join("\n", failures.Select(f =>
                $"  iteration {f.Iteration} [{f.Stage}] (WASQL_FUZZ_SEED={seed} WASQL_FUZZ_ONLY={f.Iteration}; mutant saved to {f.MutantPath}; " +
                $"mutations: {string.Join("; ", f.Mutations)}):\n    {f.Error.Replace("\n", "\n    ")}")));
        }
    }

    /// <summary>The unmutated corpus must compile, instantiate and run cleanly with the same harness.</summary>
    [Fact]
    public void CorpusModulesRunCleanly()
    {
        var corpus = Corpus();
        Assert.True(corpus.Count >= 20, $"corpus has only {corpus.Count} modules");
        var errors = new List<string>();
        int ran = 0;
        Toolchain.OnBigStack(() =>
        {
            foreach (var (name, bytes) in corpus)
            {
                var (stage, error) = RunMutant(bytes);
                if (error is not null) errors.Add($"{name}: [{stage}] {error}");
                else if (!stage.StartsWith("ran", StringComparison.Ordinal)) errors.Add($"{name}: {stage}");
                else ran++;
            }
        });
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        output.WriteLine($"{ran} corpus modules compiled and ran");
    }

    /// <summary>Compiles, instantiates and calls one module. Returns the stage reached and an error text when
    /// an exception outside the allowed types escaped.</summary>
    [ThreadStatic] private static Dictionary<string, int>? RejectionHistogram;

    private static (string Stage, string? Error) RunMutant(byte[] bytes)
    {
        var engine = new Engine(new EngineConfig { ConsumeFuel = true });
        Module module;
        try
        {
            module = Module.Compile(engine, bytes);
        }
        catch (MalformedModuleException e)
        {
            if (RejectionHistogram is { } h)
            {
                string key = System.Text.RegularExpressions.Regex.Replace(e.Message, @"0x[0-9a-f]+|\d+", "N");
                h[key] = h.GetValueOrDefault(key) + 1;
            }
            return ("compile-rejected-malformed", null);
        }
        catch (InvalidModuleException) { return ("compile-rejected-invalid", null); }
        catch (Exception e) { return ("compile", $"Module.Compile threw {e.GetType().FullName}: {e}"); }

        var store = new Store(engine);
        store.Limits.MaxMemoryBytes = 64L << 20;
        store.Limits.MaxTableElements = 100_000;
        Instance instance;
        try
        {
            var linker = new Linker(engine);
            foreach (var imp in module.Imports) linker.Define(imp.Module, imp.Name, Stub(store, imp));
            store.SetFuel(FuelPerCall);
            instance = linker.Instantiate(store, module);
        }
        catch (WasmException) { return ("instantiate-failed", null); }
        catch (Exception e) { return ("instantiate", $"instantiation threw {e.GetType().FullName}: {e}"); }

        int traps = 0;
        foreach (var (name, ext) in instance.Exports.ToList())
        {
            if (ext is not Function f) continue;
            try
            {
                store.SetFuel(FuelPerCall);
                f.Invoke(f.Type.Params.Select(Value.Default).ToArray());
            }
            catch (WasmException) { traps++; }
            catch (Exception e) { return ("call", $"calling export '{name}' {f.Type} threw {e.GetType().FullName}: {e}"); }
        }
        return (traps > 0 ? "ran-with-traps" : "ran", null);
    }

    /// <summary>A definition of the import's exact type: host functions return zeros.</summary>
    private static Extern Stub(Store store, ImportDescriptor imp) => imp.Type switch
    {
        FuncType ft => Function.Create(store, ft, (_, _, results) =>
        {
            for (int i = 0; i < results.Length; i++) results[i] = Value.Default(ft.Results[i]);
        }, $"{imp.Module}::{imp.Name}"),
        MemoryType mt => Memory.Create(store, mt),
        TableType tt => Table.Create(store, tt),
        GlobalType gt => Global.Create(store, gt, Value.Default(gt.Type)),
        _ => throw new InvalidOperationException($"unknown import type {imp.Type}"),
    };

    // ---- corpus --------------------------------------------------------------------------------------

    private static readonly Lazy<List<(string Name, byte[] Bytes)>> CorpusCache = new(BuildCorpus);

    private static List<(string Name, byte[] Bytes)> Corpus() => CorpusCache.Value;

    private static List<(string Name, byte[] Bytes)> BuildCorpus()
    {
        var list = Toolchain.Programs().Select(p => (p + ".c", Toolchain.Wasm(p))).ToList();
        string suite = Path.Combine(SharedDirectory(), "wasm-testsuite");
        Assert.True(Directory.Exists(suite), $"the spec test suite is missing at {suite} (set WASQL_SHARED)");
        string dir = Directory.CreateTempSubdirectory("wasql-fuzz-corpus-").FullName;
        foreach (var file in SpecFiles)
        {
            string json = Path.Combine(dir, Path.GetFileNameWithoutExtension(file) + ".json");
            Toolchain.Run("wast2json", ["--enable-all", Path.Combine(suite, file), "-o", json], "Install wabt (apt-get install wabt).");
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            foreach (var cmd in doc.RootElement.GetProperty("commands").EnumerateArray())
            {
                if (cmd.GetProperty("type").GetString() != "module") continue;
                string wasm = cmd.GetProperty("filename").GetString()!;
                if (wasm.EndsWith(".wasm", StringComparison.Ordinal)) list.Add((wasm, File.ReadAllBytes(Path.Combine(dir, wasm))));
            }
        }
        return list;
    }

    private static string SharedDirectory()
    {
        var env = Environment.GetEnvironmentVariable("WASQL_SHARED");
        if (!string.IsNullOrEmpty(env)) return env;
        // tests/Wasql.Wasm.Tests/Differential -> repository root -> ../shared
        string repo = Path.GetFullPath(Path.Combine(Toolchain.SourceDir, "..", "..", ".."));
        return Path.GetFullPath(Path.Combine(repo, "..", "shared"));
    }

    private static int? EnvInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int v) ? v : null;
}
