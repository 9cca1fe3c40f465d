// wasmtime (wasmtime-dotnet, Cranelift) as the correctness oracle: random valid modules from binaryen's
// translate-to-fuzz (`wasm-opt -ttf`, seeded; bulk memory, multi-value, sign extension and saturating conversions
// included) run in both engines the way binaryen's own fuzz harness runs them: every exported function in order,
// with zero arguments, the hang limit reset before each call. The transcripts must match line for line: logged
// values, results (bit-exact), traps and their kind, and after each call a hash of the exported memory and the
// exported globals. `--denan` removes NaNs, whose payloads the spec leaves nondeterministic. SIMD modules come from a
// newer binaryen (npm's binaryen.js in node_modules/binaryen, which assemblyscript depends on: scripts/setup.sh installs it),
// whose `--denan` also covers v128 lanes (Debian's binaryen 108 does not, and the two engines legitimately pick
// different NaN payloads: found by this test, checked against the spec's nans_N rule); its modules also import
// `call-export`, `call-export-catch` and `sleep`, which both harnesses define the same way. Not generated: reference
// types (binaryen 108 emits them in a pre-standard form both engines reject).
//
// Reproduce:   WASQL_ORACLE_SEED=<seed> WASQL_ORACLE_ONLY=<case> dotnet test tests/Wasql.Wasm.Tests --filter WasmtimeOracle
// Soak runs:   scripts/oracle-soak.sh [cases] (same test, more cases, a random seed)
using System.Diagnostics;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Wasql.Wasm.Tests.Differential;

public sealed class WasmtimeOracleTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 0x0A11_2026;
    private const int DefaultCases = 120;
    private const int InputBytes = 6000; // binaryen's random source; more bytes make bigger modules

    private static readonly string[] Features =
    [
        "--enable-bulk-memory", "--enable-multivalue",
        "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-mutable-globals",
    ];

    /// <summary>binaryen.js (newer than Debian's), for SIMD modules.</summary>
    private static string NpmWasmOpt => Path.Combine(Wasql.Tests.Shared.TestPaths.Repo, "node_modules", "binaryen", "bin", "wasm-opt");
    private const int DefaultSimdCases = 30;   // binaryen.js starts slowly (about 1 s per module)

    [Fact]
    public void RandomModulesBehaveAsInWasmtime() =>
        Compare("wasm-opt", Features, EnvInt("WASQL_ORACLE_CASES") ?? DefaultCases);

    [Fact]
    public void RandomSimdModulesBehaveAsInWasmtime()
    {
        Assert.True(File.Exists(NpmWasmOpt), $"{NpmWasmOpt} is missing: run scripts/setup.sh (npm ci)");
        Compare(NpmWasmOpt, [.. Features, "--enable-simd"], EnvInt("WASQL_ORACLE_SIMD_CASES") ?? DefaultSimdCases);
    }

    private void Compare(string wasmOpt, string[] features, int cases)
    {
        int seed = EnvInt("WASQL_ORACLE_SEED") ?? DefaultSeed;
        int? only = EnvInt("WASQL_ORACLE_ONLY");
        var dir = Directory.CreateTempSubdirectory("wasql-oracle-");
        var divergences = new List<string>();
        int compared = 0, calls = 0, invalid = 0;
        try
        {
            for (int c = only ?? 0; c < (only is null ? cases : only.Value + 1); c++)
            {
                var wasm = Generate(wasmOpt, features, dir.FullName, seed, c);
                if (wasm is null) continue;
                var theirs = WasmtimeRun.Transcript(wasm);
                var ours = WasqlRun.Transcript(wasm);
                compared++;
                if (theirs is ["invalid module"]) invalid++;
                calls += theirs.Count(l => l.StartsWith("call ", StringComparison.Ordinal));
                int at = FirstDifference(ours, theirs);
                if (at < 0) continue;
                string kept = Path.Combine(Path.GetTempPath(), $"wasql-oracle-{seed}-{c}.wasm");
                File.WriteAllBytes(kept, wasm);
                divergences.Add($"case {c} (WASQL_ORACLE_SEED={seed} WASQL_ORACLE_ONLY={c}, module kept at {kept}), line {at}:\n" +
                                $"  wasql:    {Line(ours, at)}\n  wasmtime: {Line(theirs, at)}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        output.WriteLine($"seed {seed}: {compared} modules ({invalid} invalid in both), {calls} calls compared with wasmtime");
        Assert.True(compared - invalid > cases / 2, $"only {compared - invalid} of {cases} generated modules were valid");
        Assert.True(divergences.Count == 0, $"{divergences.Count} divergence(s) from wasmtime:\n" + string.Join("\n", divergences));
    }

    /// <summary>call-export's failure for an index past the exports (a host error in both engines).</summary>
    private const string NoSuchExport = "no export with that index";

    private static string Line(List<string> t, int i) => i < t.Count ? t[i] : "(end of transcript)";

    private static int FirstDifference(List<string> a, List<string> b)
    {
        for (int i = 0; i < Math.Max(a.Count, b.Count); i++)
            if (i >= a.Count || i >= b.Count || a[i] != b[i]) return i;
        return -1;
    }

    /// <summary>A valid module from <c>wasm-opt -ttf</c> over seeded random bytes, or null when binaryen rejects the input.</summary>
    private static byte[]? Generate(string wasmOpt, string[] features, string dir, int seed, int index)
    {
        var input = new byte[InputBytes];
        new Random(unchecked(seed * 7919 + index)).NextBytes(input);
        string bin = Path.Combine(dir, $"{index}.bin"), wasm = Path.Combine(dir, $"{index}.wasm");
        File.WriteAllBytes(bin, input);
        var psi = new ProcessStartInfo(wasmOpt) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])[bin, "-ttf", "--denan", .. features, "-o", wasm]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 && File.Exists(wasm) ? File.ReadAllBytes(wasm) : null;
    }

    private static int? EnvInt(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out int v) ? v : null;

    /// <summary>Trap kinds both engines name; anything else is compared as "trap".</summary>
    internal static string TrapKind(string message)
    {
        string m = message.ToLowerInvariant();
        return m.Contains("divide by zero") || m.Contains("division by zero") ? "div-by-zero"
            : m.Contains("integer overflow") ? "int-overflow"
            : m.Contains("conversion") ? "bad-conversion"
            : m.Contains("out of bounds memory") ? "memory-oob"
            : m.Contains("unreachable") ? "unreachable"
            : m.Contains("stack") ? "stack-exhausted"
            : m.Contains("indirect call type mismatch") || m.Contains("signature mismatch") ? "indirect-type"
            : m.Contains("uninitialized element") || m.Contains("null reference") || m.Contains("null") ? "null-element"
            : m.Contains("undefined element") || m.Contains("out of bounds table") || m.Contains("table") ? "table-oob"
            : "trap";
    }

    internal static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes))[..16];

    internal static string Show(object? v) => v switch
    {
        null => "null",
        int i => $"i32:{i}",
        long l => $"i64:{l}",
        float f => $"f32:{BitConverter.SingleToInt32Bits(f):x8}",
        double d => $"f64:{BitConverter.DoubleToInt64Bits(d):x16}",
        Wasmtime.V128 w => $"v128:{Convert.ToHexString(w.AsSpan())}",
        _ => "ref",
    };

    private static string ShowV128(long low, long high)
    {
        var b = new byte[16];
        BitConverter.TryWriteBytes(b.AsSpan(0, 8), low);
        BitConverter.TryWriteBytes(b.AsSpan(8, 8), high);
        return $"v128:{Convert.ToHexString(b)}";
    }

    /// <summary>Our engine's run.</summary>
    private static class WasqlRun
    {
        public static List<string> Transcript(byte[] wasm)
        {
            var t = new List<string>();
            var engine = new Wasm.Engine();
            Wasm.Module module;
            try
            {
                module = Wasm.Module.Compile(engine, wasm);
            }
            catch (Wasm.WasmException e) when (e is Wasm.InvalidModuleException or Wasm.MalformedModuleException)
            {
                return ["invalid module"];
            }
            using var store = new Wasm.Store(engine);
            var linker = new Wasm.Linker(engine);
            linker.DefineFunction(store, "fuzzing-support", "log-i32", (Action<int>)(v => t.Add("log " + Show(v))));
            linker.DefineFunction(store, "fuzzing-support", "log-i64", (Action<long>)(v => t.Add("log " + Show(v))));
            linker.DefineFunction(store, "fuzzing-support", "log-f32", (Action<float>)(v => t.Add("log " + Show(v))));
            linker.DefineFunction(store, "fuzzing-support", "log-f64", (Action<double>)(v => t.Add("log " + Show(v))));
            linker.DefineFunction(store, "fuzzing-support", "log-v128", (Action<System.Runtime.Intrinsics.Vector128<byte>>)(v =>
            {
                var b = new byte[16];
                System.Runtime.Intrinsics.Vector128.CopyTo(v, b);
                t.Add("log v128:" + Convert.ToHexString(b));
            }));
            Wasm.Instance? self = null;
            var exports = module.Exports.Where(e => e.Kind == Wasm.ExternKind.Func).Select(e => e.Name).ToList();
            void CallExport(int index)
            {
                if ((uint)index >= (uint)exports.Count) throw new InvalidOperationException(NoSuchExport);
                var f = self!.GetFunction(exports[index])!;
                f.Invoke(f.Type.Params.Select(Zero).ToArray());
            }
            linker.DefineFunction(store, "fuzzing-support", "call-export", (Action<int, int>)((index, _) => CallExport(index)));
            linker.DefineFunction(store, "fuzzing-support", "call-export-catch", (Func<int, int>)(index =>
            {
                try { CallExport(index); return 0; }
                catch (Exception) { return 1; }
            }));
            linker.DefineFunction(store, "fuzzing-support", "sleep", (Func<int, int, int>)((_, id) => id));
            Wasm.Instance instance;
            try
            {
                instance = self = linker.Instantiate(store, module);
            }
            catch (Wasm.TrapException e)
            {
                t.Add("instantiate: trap " + TrapKind(e.Message));
                return t;
            }
            var reset = instance.GetFunction("hangLimitInitializer");
            foreach (var export in module.Exports.Where(e => e.Kind == Wasm.ExternKind.Func))
            {
                if (export.Name == "hangLimitInitializer") continue;
                reset?.Invoke();
                var f = instance.GetFunction(export.Name)!;
                var args = f.Type.Params.Select(Zero).ToArray();
                try
                {
                    var results = f.Invoke(args);
                    t.Add($"call {export.Name} -> " + string.Join(",", results.Select((r, i) => ShowValue(f.Type.Results[i], r))));
                }
                catch (Wasm.TrapException e)
                {
                    t.Add($"call {export.Name} -> trap {TrapKind(e.Message)}");
                }
                State(instance, module, t);
            }
            return t;
        }

        private static Wasm.Value Zero(Wasm.ValType type) => type switch
        {
            Wasm.ValType.I32 => Wasm.Value.FromI32(0),
            Wasm.ValType.I64 => Wasm.Value.FromI64(0),
            Wasm.ValType.F32 => Wasm.Value.FromF32(0),
            Wasm.ValType.F64 => Wasm.Value.FromF64(0),
            Wasm.ValType.V128 => Wasm.Value.FromV128(0, 0),
            _ => Wasm.Value.Null(type),
        };

        private static string ShowValue(Wasm.ValType type, Wasm.Value v) => type switch
        {
            Wasm.ValType.I32 => Show(v.I32),
            Wasm.ValType.I64 => Show(v.I64),
            Wasm.ValType.F32 => Show(v.F32),
            Wasm.ValType.F64 => Show(v.F64),
            Wasm.ValType.V128 => ShowV128(v.Bits, v.BitsHigh),
            _ => v.Ref is null ? "null" : "ref",
        };

        private static void State(Wasm.Instance instance, Wasm.Module module, List<string> t)
        {
            foreach (var e in module.Exports)
            {
                if (e.Kind == Wasm.ExternKind.Memory && instance.GetMemory(e.Name) is { } m)
                    t.Add($"  memory {e.Name}: {m.Length} bytes, {Hex(m.GetSpan(0, (int)m.Length))}");
                else if (e.Kind == Wasm.ExternKind.Global && instance.GetExport(e.Name) is Wasm.Global g)
                    t.Add($"  global {e.Name}: {ShowValue(g.Type.Type, g.Value)}");
            }
        }
    }

    /// <summary>wasmtime's run, through wasmtime-dotnet.</summary>
    private static class WasmtimeRun
    {
        public static List<string> Transcript(byte[] wasm)
        {
            var t = new List<string>();
            using var engine = new Wasmtime.Engine();
            Wasmtime.Module module;
            try
            {
                module = Wasmtime.Module.FromBytes(engine, "fuzz", wasm);
            }
            catch (Wasmtime.WasmtimeException)
            {
                return ["invalid module"]; // binaryen 108 sometimes emits pre-standard reference types
            }
            using var _ = module;
            using var store = new Wasmtime.Store(engine);
            using var linker = new Wasmtime.Linker(engine);
            linker.DefineFunction("fuzzing-support", "log-i32", (Action<int>)(v => t.Add("log " + Show(v))));
            linker.DefineFunction("fuzzing-support", "log-i64", (Action<long>)(v => t.Add("log " + Show(v))));
            linker.DefineFunction("fuzzing-support", "log-f32", (Action<float>)(v => t.Add("log " + Show(v))));
            linker.DefineFunction("fuzzing-support", "log-f64", (Action<double>)(v => t.Add("log " + Show(v))));
            linker.DefineFunction("fuzzing-support", "log-v128", (Action<Wasmtime.V128>)(v => t.Add("log " + Show(v))));
            Wasmtime.Instance? self = null;
            var exports = module.Exports.OfType<Wasmtime.FunctionExport>().Select(e => e.Name).ToList();
            void CallExport(int index)
            {
                if ((uint)index >= (uint)exports.Count) throw new InvalidOperationException(NoSuchExport);
                var f = self!.GetFunction(exports[index])!;
                f.Invoke(f.Parameters.Select(Zero).ToArray());
            }
            linker.DefineFunction("fuzzing-support", "call-export", (Action<int, int>)((index, _) => CallExport(index)));
            linker.DefineFunction("fuzzing-support", "call-export-catch", (Func<int, int>)(index =>
            {
                try { CallExport(index); return 0; }
                catch (Exception) { return 1; }
            }));
            linker.DefineFunction("fuzzing-support", "sleep", (Func<int, int, int>)((_, id) => id));
            Wasmtime.Instance instance;
            try
            {
                instance = self = linker.Instantiate(store, module);
            }
            catch (Wasmtime.TrapException e)
            {
                t.Add("instantiate: trap " + TrapKind(e.Message));
                return t;
            }
            var reset = instance.GetFunction("hangLimitInitializer");
            foreach (var export in module.Exports.OfType<Wasmtime.FunctionExport>())
            {
                if (export.Name == "hangLimitInitializer") continue;
                reset?.Invoke();
                var f = instance.GetFunction(export.Name)!;
                var args = f.Parameters.Select(Zero).ToArray();
                try
                {
                    object? r = f.Invoke(args);
                    var values = f.Results.Count switch { 0 => [], 1 => [r], _ => ((object?[])r!) };
                    t.Add($"call {export.Name} -> " + string.Join(",", values.Select(Show)));
                }
                catch (Wasmtime.WasmtimeException e)   // a trap, or a host function's exception (call-export)
                {
                    t.Add($"call {export.Name} -> trap {TrapKind(e.Message)}");
                }
                State(instance, module, t);
            }
            return t;
        }

        private static Wasmtime.ValueBox Zero(Wasmtime.ValueKind kind) => kind switch
        {
            Wasmtime.ValueKind.Int32 => 0,
            Wasmtime.ValueKind.Int64 => 0L,
            Wasmtime.ValueKind.Float32 => 0f,
            Wasmtime.ValueKind.Float64 => 0d,
            Wasmtime.ValueKind.V128 => new Wasmtime.V128(new byte[16]),
            Wasmtime.ValueKind.FuncRef => Wasmtime.Function.Null,
            _ => Wasmtime.ValueBox.AsBox((object?)null),
        };

        private static void State(Wasmtime.Instance instance, Wasmtime.Module module, List<string> t)
        {
            foreach (var e in module.Exports)
            {
                if (e is Wasmtime.MemoryExport && instance.GetMemory(e.Name) is { } m)
                    t.Add($"  memory {e.Name}: {m.GetLength()} bytes, {Hex(m.GetSpan(0, (int)m.GetLength()))}");
                else if (e is Wasmtime.GlobalExport && instance.GetGlobal(e.Name) is { } g)
                    t.Add($"  global {e.Name}: {Show(g.GetValue())}");
            }
        }
    }
}
