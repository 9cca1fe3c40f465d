// Differential test against V8: every C program in c/*.c is compiled to wasm once, then the same list of
// calls (every export on edge-case and seeded random inputs) runs in Wasql.Wasm and in node (runner.mjs).
// Every result, every trap (by kind) and the final memory must match.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Wasql.Wasm.Tests.Differential;

using Engine = Wasql.Wasm.Engine;

public sealed class DifferentialTests(ITestOutputHelper output)
{
    /// <summary>Each program twice: as compiled by default (fully optimized on first call), and tiered with every
    /// function starting in baseline code and switching to optimized code after 3 calls or loop iterations, so calls
    /// run in both tiers and across the switch.</summary>
    public static IEnumerable<object[]> ProgramNames() =>
        Toolchain.Programs().SelectMany(p => new[] { new object[] { p, false }, new object[] { p, true } });

    private static Engine NewEngine(bool tiered) => new(tiered
        ? new EngineConfig { TieredCodeThreshold = 0, InlineFunctionBytes = 0, TierUpCalls = 3, TierUpInBackground = false }
        : new EngineConfig());

    [Theory]
    [MemberData(nameof(ProgramNames))]
    public void ExportsMatchV8(string program, bool tiered)
    {
        string wasmPath = Toolchain.WasmPath(program);
        byte[] bytes = File.ReadAllBytes(wasmPath);
        var engine = NewEngine(tiered);
        var module = Module.Compile(engine, bytes);
        var cases = CaseGenerator.ForModule(module, seed: CaseGenerator.StableSeed(program));
        Assert.True(cases.Count > 0, $"{program}: no exported functions to test");

        var ours = RunOurs(engine, module, cases);
        var theirs = RunV8(wasmPath, cases);
        int calls = Compare(program, cases, ours, theirs);
        if (tiered) Assert.True(module.Compiled.Tiers!.OptimizedCount > 0, $"{program}: nothing was promoted");
        output.WriteLine($"{program}{(tiered ? " (tiered)" : "")}: {calls} calls, {ours.Count(o => o.Trap is not null)} traps, all equal to V8");
    }

    /// <summary>Sorts 20000 ints in both engines and compares the sorted array in memory byte by byte.</summary>
    [Fact]
    public void SortedMemoryMatchesV8()
    {
        string wasmPath = Toolchain.WasmPath("sort");
        var engine = new Engine();
        var module = Module.Compile(engine, File.ReadAllBytes(wasmPath));
        var inst = new Linker(engine).Instantiate(new Store(engine), module);
        int ptr = inst.GetFunction<Func<int>>("array_ptr")();
        const int n = 20000;
        var cases = new List<Case>
        {
            Case.Call(module, "fill", Value.FromI32(0x1234567), Value.FromI32(n)),
            Case.Call(module, "quicksort", Value.FromI32(n)),
            Case.Call(module, "checksum", Value.FromI32(n)),
            Case.Dump(ptr, n * 4),
        };
        var ours = RunOurs(engine, module, cases);
        var theirs = RunV8(wasmPath, cases);
        Compare("sort", cases, ours, theirs);

        Assert.Equal("1", ours[1].Results![0]);
        // The dump is sorted ascending as signed ints and is not trivially constant.
        var ints = Convert.FromHexString(ours[3].Memory!);
        int prev = int.MinValue, distinct = 0;
        for (int i = 0; i < n; i++)
        {
            int v = BitConverter.ToInt32(ints, i * 4);
            Assert.True(v >= prev, $"element {i} ({v}) < element {i - 1} ({prev})");
            if (v != prev) distinct++;
            prev = v;
        }
        Assert.True(distinct > n / 2, $"only {distinct} distinct values after sorting");
    }

    // ---- running -------------------------------------------------------------------------------------

    internal sealed record Outcome(string[]? Results, TrapCode? Trap, string? Error, string? Memory, string? Detail);

    private static List<Outcome> RunOurs(Engine engine, Module module, List<Case> cases)
    {
        var outcomes = new List<Outcome>();
        Toolchain.OnBigStack(() =>
        {
            var store = new Store(engine);
            var inst = new Linker(engine).Instantiate(store, module);
            foreach (var c in cases)
            {
                if (c.Function is null)
                {
                    var span = inst.GetMemory("memory")!.GetSpan(c.MemOffset, c.MemLength);
                    outcomes.Add(new Outcome(null, null, null, Convert.ToHexString(span).ToLowerInvariant(), null));
                    continue;
                }
                try
                {
                    var r = inst.GetFunction(c.Function)!.Invoke(c.Args);
                    outcomes.Add(new Outcome(r.Select(Encode).ToArray(), null, null, null, null));
                }
                catch (TrapException e)
                {
                    outcomes.Add(new Outcome(null, e.Code, null, null, e.Message));
                }
                catch (Exception e)
                {
                    outcomes.Add(new Outcome(null, null, $"{e.GetType().Name}: {e.Message}", null, e.ToString()));
                }
            }
            var mem = inst.GetMemory("memory");
            var bytes = mem is null ? [] : mem.GetSpan(0, checked((int)mem.Length));
            outcomes.Add(new Outcome(null, null, null, $"{(mem?.Pages ?? 0)}:{Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()}", null));
        });
        return outcomes;
    }

    private static List<JsonObject> RunV8(string wasmPath, List<Case> cases)
    {
        var json = new JsonArray();
        foreach (var c in cases)
        {
            if (c.Function is null)
            {
                json.Add(new JsonObject { ["mem"] = new JsonArray(c.MemOffset, c.MemLength) });
                continue;
            }
            json.Add(new JsonObject
            {
                ["f"] = c.Function,
                ["args"] = new JsonArray(c.Args.Select(a => (JsonNode)new JsonObject { ["t"] = a.Type.Name(), ["v"] = EncodeArg(a) }).ToArray()),
                ["results"] = new JsonArray(c.ResultTypes.Select(t => (JsonNode)JsonValue.Create(t.Name())!).ToArray()),
            });
        }
        string casesPath = Path.ChangeExtension(wasmPath, $".{Guid.NewGuid():N}.cases.json");
        File.WriteAllText(casesPath, json.ToJsonString());
        try
        {
            string stdout = Toolchain.Run("node", [Toolchain.RunnerPath, wasmPath, casesPath],
                "Install Node.js 18 or later (apt-get install nodejs).", TimeSpan.FromMinutes(5));
            return JsonNode.Parse(stdout)!.AsArray().Select(n => n!.AsObject()).ToList();
        }
        finally
        {
            File.Delete(casesPath);
        }
    }

    // ---- comparing -----------------------------------------------------------------------------------

    private static int Compare(string program, List<Case> cases, List<Outcome> ours, List<JsonObject> theirs)
    {
        Assert.Equal(cases.Count + 1, theirs.Count);
        var failures = new List<string>();
        var failedFunctions = new List<string>();
        int calls = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var o = ours[i];
            var v = theirs[i];
            string where = c.Function is null ? $"memory[{c.MemOffset}..+{c.MemLength}]" : $"{c.Function}({string.Join(", ", c.Args.Select(Show))})";
            if (c.Function is null)
            {
                string? theirMem = (string?)v["mem"];
                if (o.Memory != theirMem) failures.Add($"#{i} {where}: memory differs (first difference at byte {FirstDiff(o.Memory, theirMem) / 2})");
                continue;
            }
            calls++;
            if (v["error"] is not null)
            {
                failures.Add($"#{i} {where}: node runner error {v["error"]}");
                continue;
            }
            if (o.Error is not null)
            {
                failures.Add($"#{i} {where}: Wasql threw a non-trap exception {o.Error}\n{o.Detail}");
                continue;
            }
            string ourText = o.Trap is { } t ? $"trap {t}" : $"[{string.Join(", ", o.Results!)}]";
            string theirText;
            bool same;
            if (v["trap"] is not null)
            {
                var codes = V8TrapCodes((string)v["kind"]!, (string)v["trap"]!);
                theirText = $"{v["kind"]} \"{v["trap"]}\" (= {(codes.Length == 0 ? "unknown trap" : string.Join(" or ", codes))})";
                same = o.Trap is { } ot && codes.Contains(ot);
            }
            else
            {
                var r = v["r"]!.AsArray().Select(x => (string)x!).ToArray();
                theirText = $"[{string.Join(", ", r)}]";
                same = o.Results is not null && (o.Results.SequenceEqual(r) ||
                       c.Function.EndsWith("_nan", StringComparison.Ordinal) && BothAllowedNaNs(c, o.Results, r));
            }
            if (!same)
            {
                failures.Add($"#{i} {where}: Wasql {ourText}, V8 {theirText}");
                failedFunctions.Add(c.Function);
            }
        }
        var fin = theirs[^1];
        string theirFinal = $"{(int)fin["pages"]!}:{(string)fin["memhash"]!}";
        if (ours[^1].Memory != theirFinal) failures.Add($"final memory differs: Wasql pages:sha256 {ours[^1].Memory}, V8 {theirFinal}");

        if (failures.Count > 0)
        {
            var byFunction = failedFunctions.GroupBy(f => f).Select(g => $"{g.Key} x{g.Count()}");
            Assert.Fail($"{program}: {failures.Count} of {calls} calls differ from V8 ({string.Join(", ", byFunction)}):\n  " +
                        string.Join("\n  ", failures.Take(40)));
        }
        return calls;
    }

    /// <summary>For *_nan exports (f32/f64 bit patterns in i32/i64 values): both results are NaNs the spec allows,
    /// i.e. quiet NaNs, with the canonical payload when every NaN argument is canonical.</summary>
    private static bool BothAllowedNaNs(Case c, string[] ours, string[] theirs)
    {
        bool allCanonical = c.Args.All(a => !IsNaN(a.Type, a.Bits) || IsCanonical(a.Type, a.Bits));
        return ours.Length == 1 && theirs.Length == 1 && Allowed(ours[0]) && Allowed(theirs[0]);

        bool Allowed(string text)
        {
            var t = c.ResultTypes[0];
            long bits = long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            return IsNaN(t, bits) && IsQuiet(t, bits) && (!allCanonical || IsCanonical(t, bits));
        }
    }

    private static bool IsNaN(ValType t, long bits) => t == ValType.I32
        ? (bits & 0x7f800000) == 0x7f800000 && (bits & 0x007fffff) != 0
        : (bits & 0x7ff0000000000000) == 0x7ff0000000000000 && (bits & 0x000fffffffffffff) != 0;

    private static bool IsQuiet(ValType t, long bits) => t == ValType.I32 ? (bits & 0x00400000) != 0 : (bits & 0x0008000000000000) != 0;

    private static bool IsCanonical(ValType t, long bits) => t == ValType.I32
        ? (bits & 0x007fffff) == 0x00400000
        : (bits & 0x000fffffffffffff) == 0x0008000000000000;

    private static int FirstDiff(string? a, string? b)
    {
        if (a is null || b is null) return 0;
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return n;
    }

    /// <summary>The trap codes that correspond to a V8 trap. V8 words some traps differently from the spec:
    /// one message for NaN and out-of-range float-to-int conversions (spec: invalid conversion / integer
    /// overflow), one for a null table slot and a signature mismatch, and a table bounds error for an
    /// out-of-range call_indirect index (spec: undefined element).</summary>
    internal static TrapCode[] V8TrapCodes(string ctor, string message)
    {
        if (ctor == "RangeError" && message.Contains("call stack", StringComparison.OrdinalIgnoreCase)) return [TrapCode.StackExhausted];
        if (ctor != "RuntimeError") return [];
        return message switch
        {
            "unreachable" => [TrapCode.Unreachable],
            "divide by zero" or "remainder by zero" => [TrapCode.IntegerDivideByZero],
            "divide result unrepresentable" => [TrapCode.IntegerOverflow],
            "float unrepresentable in integer range" => [TrapCode.InvalidConversionToInteger, TrapCode.IntegerOverflow],
            "memory access out of bounds" => [TrapCode.MemoryOutOfBounds],
            "table index is out of bounds" => [TrapCode.UndefinedElement, TrapCode.TableOutOfBounds],
            "null function or function signature mismatch" => [TrapCode.UninitializedElement, TrapCode.IndirectCallTypeMismatch],
            "function signature mismatch" => [TrapCode.IndirectCallTypeMismatch],
            _ => [],
        };
    }

    // ---- value encoding (must match runner.mjs) ------------------------------------------------------

    internal static string Encode(Value v) => v.Type switch
    {
        ValType.I32 => v.I32.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ValType.I64 => v.I64.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ValType.F32 => float.IsNaN(v.F32) ? "nan" : $"0x{(uint)v.Bits:x8}",
        ValType.F64 => double.IsNaN(v.F64) ? "nan" : $"0x{(ulong)v.Bits:x16}",
        _ => throw new NotSupportedException(v.Type.Name()),
    };

    private static string EncodeArg(Value v) => v.Type switch
    {
        ValType.I32 => v.I32.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ValType.I64 => v.I64.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ValType.F32 => $"0x{(uint)v.Bits:x8}",
        ValType.F64 => $"0x{(ulong)v.Bits:x16}",
        _ => throw new NotSupportedException(v.Type.Name()),
    };

    private static string Show(Value v) => v.Type switch
    {
        ValType.F32 => $"{v.F32:R}f",
        ValType.F64 => $"{v.F64:R}",
        ValType.I64 => $"{v.I64}L",
        _ => v.I32.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
