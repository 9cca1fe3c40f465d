// ABI 3 with a C guest that really parses Arrow (Abi3Guest/abi3_guest.c: its own IPC FILE reader and writer, its own
// checked allocator). Every result is computed by the guest from whatever the host sent, and compared with values
// computed here in C# on seeded random inputs with NULLs: scalar gcd, per-row errors (div), struct return (key_value),
// table range (iterator protocol, early stop frees guest memory), lists (array_sum), strings (concat), binaries
// (bytes_len, reverse), 16 arguments (sum16). The guest counts live allocations and mismatched dealloc/iterator calls.
using System.Diagnostics;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using Wasql.Arrow;
using static Wasql.Udf.Tests.ArrowTestData;

namespace Wasql.Udf.Tests;

public sealed class Abi3GuestTests : IDisposable
{
    private const string StructSymbol = "arrowudt_S2V5VmFsdWU9a2V5OnN0cmluZyx2YWx1ZTpzdHJpbmc";

    private static readonly Lazy<byte[]> s_wasm = new(() => Toolchain.CompileC(
        File.ReadAllText(Path.Combine(Paths.Repo, "tests", "Wasql.Udf.Tests", "Abi3Guest", "abi3_guest.c")),
        "-Wall", "-Werror", "-Wl,--export=ARROWUDF_VERSION_3_0", "-Wl,--export=" + StructSymbol));

    // One instance per module, so the counters read through the direct ABI come from the instance that ran the calls.
    private readonly UdfRuntime _rt = new(new UdfLimits { MaxInstancesPerModule = 1, Deadline = TimeSpan.FromSeconds(10) });
    private readonly UdfModule _m;

    public Abi3GuestTests() => _m = _rt.Load(s_wasm.Value, "abi3_guest");

    public void Dispose() => _rt.Dispose();

    private int Counter(string name) => (int)_m.BindDirect(name, [], "int4").Invoke()!;

    /// <summary>Everything the host allocated was freed with the right len/align, no iterator is left, no bad call.</summary>
    private void AssertGuestClean()
    {
        Assert.Equal(0, Counter("bad_calls"));
        Assert.Equal(0, Counter("iterators_live"));
        Assert.Equal(0, Counter("live_allocs"));
        Assert.Equal(0L, (long)_m.BindDirect("live_bytes", [], "int8").Invoke()!);
    }

    // ---------- expected values, computed in C# ----------
    private static int Rem(int a, int b) => b == -1 ? 0 : a % b; // wasm i32.rem_s: MinValue % -1 == 0
    private static int? Gcd(int? x, int? y)
    {
        if (x is not int a || y is not int b) return null;
        while (b != 0) (a, b) = (b, Rem(a, b));
        return a;
    }
    private static (int? Value, string? Error) Div(int? x, int? y) =>
        x is not int a || y is not int b ? (null, null)
        : b == 0 ? (null, "division by zero")
        : a == int.MinValue && b == -1 ? (null, "integer overflow")
        : (a / b, null);
    private static (string Key, string Value)? KeyValue(string? s)
    {
        int eq = s?.IndexOf('=') ?? -1;
        return eq < 0 ? null : (s![..eq], s[(eq + 1)..]);
    }
    private static int? ArraySum(int?[]? xs) => xs is null ? null : xs.Aggregate(0, (s, x) => unchecked(s + (x ?? 0))); // wrapping, like the guest
    private static int? Sum16(object?[] row) => row.Any(x => x is null) ? null : row.Aggregate(0, (s, x) => unchecked(s + (int)x!));

    // ---------- random inputs ----------
    private static int? RandInt(Random r, double nullRate = 0.15) => r.NextDouble() < nullRate ? null : r.Next(8) switch
    {
        0 => 0,
        1 => -1,
        2 => int.MinValue,
        3 => int.MaxValue,
        4 => r.Next(-20, 20),
        _ => r.Next(int.MinValue, int.MaxValue),
    };
    private static readonly string[] s_pieces = ["a", "b", "xyz", "=", "==", "é", "日本", "🙂", " ", "\0", "k=v"];
    private static string? RandString(Random r, double nullRate = 0.15)
    {
        if (r.NextDouble() < nullRate) return null;
        var sb = new StringBuilder();
        for (int i = r.Next(0, 8); i > 0; i--) sb.Append(s_pieces[r.Next(s_pieces.Length)]);
        return sb.ToString();
    }
    private static byte[]? RandBytes(Random r)
    {
        if (r.NextDouble() < 0.15) return null;
        var b = new byte[r.Next(0, 40)];
        r.NextBytes(b);
        return b;
    }
    private static int?[]? RandList(Random r) =>
        r.NextDouble() < 0.15 ? null : Enumerable.Range(0, r.Next(0, 7)).Select(_ => RandInt(r, 0.2)).ToArray();

    private ArrowUdfFunction Fn(string name, params string[] types) => _m.GetFunction(name, types);

    [Fact]
    public void SymbolsAndSignatures()
    {
        Assert.Equal(3, _m.ArrowUdfVersion!.Major);
        Assert.Equal(
            ["array_sum(int32[])->int32", "bytes_len(binary)->int32", "concat(string,string)->string", "div(int32,int32)->int32",
             "gcd(int32,int32)->int32", "int_42()->int32", "key_value(string)->struct KeyValue", "range(int32)->>int32", "reverse(binary)->binary",
             "sum16(" + string.Join(",", Enumerable.Repeat("int32", 16)) + ")->int32"],
            _m.Functions.Select(f => f.Signature).Order(StringComparer.Ordinal));
        var kv = Fn("key_value", "string");
        Assert.Equal("KeyValue", kv.ReturnType.StructName);
        Assert.True(ArrowTypes.Same(new StructType([new Field("key", StringType.Default, true), new Field("value", StringType.Default, true)]), kv.ReturnType.ArrowType));
        Assert.True(Fn("range", "int32").IsTable);
        Assert.True(Fn("array_sum", "int32[]").ArgumentTypes[0].IsList);
        Assert.Same(Fn("bytes_len", "binary"), _m.FindFunction("bytes_len", ["bytea"]));
        Assert.Same(Fn("concat", "string", "string"), _m.FindFunction("concat", ["text", "varchar"]));
        Assert.Equal(16, _m.GetOverloads("sum16").Single().ArgumentTypes.Count);
        Assert.Same(Fn("gcd", "int32", "int32"), _m.FindFunction("gcd", ["int", "integer"]));
        Assert.Null(_m.FindFunction("gcd", ["int8", "int8"])); // ABI 3: int8 is 8-bit
        Assert.Null(_m.FindFunction("gcd", ["int4"]));
        // The host refuses too few columns itself (Signature); the guest never sees the call.
        var e = Assert.Throws<UdfException>(() => Fn("gcd", "int32", "int32").CallScalar(Batch(("a", Int32s([1])))));
        Assert.Equal(UdfErrorKind.Signature, e.Kind);
        Assert.Throws<UdfException>(() => Fn("range", "int32").CallScalar(Batch(("a", Int32s([1])))));
        Assert.Throws<UdfException>(() => Fn("gcd", "int32", "int32").CallTable(Batch(("a", Int32s([1])))));
    }

    [Fact]
    public void ConformanceCasesOfTheReferencePage()
    {
        var gcd = Fn("gcd", "int32", "int32");
        Assert.Equal(new object?[] { 5, 5, null }, Values(gcd.CallScalar(gcd.CreateInput([[15, 25], [5, 0], [null, 1]]))));
        var div = Fn("div", "int32", "int32").CallScalar(gcd.CreateInput([[15, 25], [5, 0], [null, 1]]));
        Assert.Equal(new object?[] { 0, null, null }, Values(div));
        Assert.Equal(new[] { null, "division by zero", null }, Enumerable.Range(0, 3).Select(div.GetError));
        Assert.Equal(1, Assert.Throws<UdfException>(div.ThrowIfAnyError).Row);
        var kv = Fn("key_value", "string");
        var k = kv.CallScalar(kv.CreateInput([["rising=wave"], ["???"]]));
        Assert.Equal(new Dictionary<string, object?> { ["key"] = "rising", ["value"] = "wave" }, k.GetValue(0));
        Assert.Null(k.GetValue(1));
        var sum = Fn("array_sum", "int32[]");
        Assert.Equal(new object?[] { 3, null, 8, 13 },
            Values(sum.CallScalar(sum.CreateInput([[new int?[] { 0, 1, 2 }], [null], [new int?[] { 3, null, 5 }], [new int?[] { 6, 7 }]]))));
        var range = Fn("range", "int32");
        using (var reader = range.CallTable(range.CreateInput([[1], [null], [3]])))
        {
            var b = Assert.Single(reader.ToList());
            Assert.Equal(["row", "range"], b.Schema.FieldsList.Select(f => f.Name));
            Assert.Equal(new[] { 0, 2, 2, 2 }, ((Int32Array)b.Column(0)).Values.ToArray());
            Assert.Equal(new[] { 0, 0, 1, 2 }, ((Int32Array)b.Column(1)).Values.ToArray());
        }
        Assert.Equal(55, Fn("sum16", Enumerable.Repeat("int32", 16).ToArray()).Invoke(Enumerable.Range(1, 10).Cast<object?>().Concat(Enumerable.Repeat<object?>(0, 6)).ToArray()));
        Assert.Equal("risingwave", Fn("concat", "string", "string").Invoke("rising", "wave"));
        Assert.Equal(new byte[] { 3, 2, 1 }, Fn("reverse", "binary").Invoke(new byte[] { 1, 2, 3 }));
        // A zero-argument function gets a batch with no columns and the right length.
        var int42 = Fn("int_42");
        Assert.Equal(Enumerable.Repeat<object?>(42, 5), Values(int42.CallScalar(new RecordBatch(new Schema([], null), [], 5))));
        Assert.Equal(42, int42.Invoke());
        AssertGuestClean();
    }

    private static object?[] Values(UdfScalarResult r) => Enumerable.Range(0, r.Length).Select(r.GetValue).ToArray();

    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 1)]
    [InlineData(3, 0)]
    [InlineData(4, 5000)]
    [InlineData(5, 40000)] // outputs of megabytes: guest memory grows during the call
    public void ScalarFunctionsOnRandomInputs(int seed, int rows)
    {
        var r = new Random(seed);

        var gcd = Fn("gcd", "int32", "int32");
        var pairs = Enumerable.Range(0, rows).Select(_ => new object?[] { RandInt(r), RandInt(r) }).ToArray();
        var g = gcd.CallScalar(gcd.CreateInput(pairs));
        Assert.Equal("gcd", g.Batch.Schema.FieldsList[0].Name);
        Assert.Equal(pairs.Select(p => (object?)Gcd((int?)p[0], (int?)p[1])), Values(g));
        Assert.Null(g.Errors);

        var d = Fn("div", "int32", "int32").CallScalar(gcd.CreateInput(pairs));
        Assert.Equal(["div", "error"], d.Batch.Schema.FieldsList.Select(f => f.Name));
        var expectedDiv = pairs.Select(p => Div((int?)p[0], (int?)p[1])).ToArray();
        Assert.Equal(expectedDiv.Select(e => (object?)e.Value), Values(d));
        Assert.Equal(expectedDiv.Select(e => e.Error), Enumerable.Range(0, rows).Select(d.GetError));

        var kv = Fn("key_value", "string");
        var strings = Enumerable.Range(0, rows).Select(_ => RandString(r)).ToArray();
        var k = kv.CallScalar(kv.CreateInput(strings.Select(s => new object?[] { s }).ToArray()));
        Assert.True(ArrowTypes.Same(kv.ReturnType.ArrowType, k.Values.Data.DataType));
        var st = (StructArray)k.Values;
        for (int i = 0; i < rows; i++)
        {
            var e = KeyValue(strings[i]);
            Assert.Equal(e is null, st.IsNull(i));
            if (e is { } x)
            {
                Assert.Equal(x.Key, ((StringArray)st.Fields[0]).GetString(i));
                Assert.Equal(x.Value, ((StringArray)st.Fields[1]).GetString(i));
            }
        }

        var concat = Fn("concat", "string", "string");
        var strings2 = Enumerable.Range(0, rows).Select(_ => RandString(r)).ToArray();
        var c = concat.CallScalar(concat.CreateInput(strings.Zip(strings2, (a, b) => new object?[] { a, b }).ToArray()));
        Assert.IsType<StringArray>(c.Values);
        Assert.Equal(strings.Zip(strings2, (a, b) => a is null || b is null ? null : a + b), Values(c).Cast<string?>());

        var binaries = Enumerable.Range(0, rows).Select(_ => RandBytes(r)).ToArray();
        var binInput = Fn("bytes_len", "binary").CreateInput(binaries.Select(b => new object?[] { b }).ToArray());
        Assert.Equal(binaries.Select(b => (object?)b?.Length), Values(Fn("bytes_len", "binary").CallScalar(binInput)));
        var rev = Fn("reverse", "binary").CallScalar(binInput);
        Assert.IsType<BinaryArray>(rev.Values);
        Assert.Equal(binaries.Select(b => b?.Reverse().ToArray()), Values(rev).Cast<byte[]?>());

        var sum = Fn("array_sum", "int32[]");
        var lists = Enumerable.Range(0, rows).Select(_ => RandList(r)).ToArray();
        Assert.Equal(lists.Select(l => (object?)ArraySum(l)), Values(sum.CallScalar(sum.CreateInput(lists.Select(l => new object?[] { l }).ToArray()))));

        var sum16 = Fn("sum16", Enumerable.Repeat("int32", 16).ToArray());
        var wide = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, 16).Select(_ => (object?)RandInt(r, 0.02)).ToArray()).ToArray();
        Assert.Equal(wide.Select(w => (object?)Sum16(w)), Values(sum16.CallScalar(sum16.CreateInput(wide))));

        AssertGuestClean();
    }

    [Theory]
    [InlineData(7, 40)]
    [InlineData(8, 3)]
    [InlineData(9, 0)]
    public void TableRangeOnRandomInputs(int seed, int rows)
    {
        var r = new Random(seed);
        var ns = Enumerable.Range(0, rows).Select(_ => r.NextDouble() < 0.2 ? (int?)null : r.Next(8) == 0 ? r.Next(-5, 0) : r.Next(0, 2500)).ToArray();
        var range = Fn("range", "int32");
        var expected = ns.SelectMany((n, i) => Enumerable.Range(0, Math.Max(0, n ?? 0)).Select(v => (i, v))).ToList();
        var got = new List<(int, int)>();
        int batches = 0;
        using (var reader = range.CallTable(range.CreateInput(ns.Select(n => new object?[] { n }).ToArray())))
            foreach (var b in reader)
            {
                batches++;
                Assert.InRange(b.Length, 1, 1024);
                var rowCol = ((Int32Array)b.Column(0)).Values;
                var valCol = ((Int32Array)b.Column(1)).Values;
                for (int i = 0; i < b.Length; i++) got.Add((rowCol[i], valCol[i]));
            }
        Assert.Equal(expected, got);
        Assert.Equal((expected.Count + 1023) / 1024, batches);
        AssertGuestClean();
    }

    /// <summary>Sliced inputs (offsets not on a byte boundary) reach the guest as the rows of the slice.</summary>
    [Fact]
    public void SlicedInputs()
    {
        var r = new Random(11);
        var strings = Enumerable.Range(0, 100).Select(_ => RandString(r, 0.3)).ToArray();
        var lists = Enumerable.Range(0, 100).Select(_ => RandList(r)).ToArray();
        var concat = Fn("concat", "string", "string");
        var input = concat.CreateInput(strings.Select(s => new object?[] { s, s }).ToArray()).Slice(13, 50);
        Assert.Equal(strings.Skip(13).Take(50).Select(s => s is null ? null : s + s), Values(concat.CallScalar(input)).Cast<string?>());
        var sum = Fn("array_sum", "int32[]");
        var lin = sum.CreateInput(lists.Select(l => new object?[] { l }).ToArray()).Slice(5, 61);
        Assert.Equal(lists.Skip(5).Take(61).Select(l => (object?)ArraySum(l)), Values(sum.CallScalar(lin)));
        var range = Fn("range", "int32");
        using (var reader = range.CallTable(range.CreateInput([[2], [1], [null], [3]]).Slice(1, 3)))
            Assert.Equal(new[] { 0, 2, 2, 2 }, reader.SelectMany(b => ((Int32Array)b.Column(0)).Values.ToArray()));
        AssertGuestClean();
    }

    [Fact]
    public void EarlyStoppedTableIterationFreesGuestMemory()
    {
        var range = Fn("range", "int32");
        var input = range.CreateInput([[5000], [3], [100_000]]);
        using (var reader = range.CallTable(input))
        {
            Assert.True(reader.MoveNext());
            Assert.Equal(1024, reader.Current.Length);
            Assert.True(reader.MoveNext());
        } // stopped after two of ~103 batches
        AssertGuestClean();
        using (range.CallTable(input)) { } // stopped before the first batch
        AssertGuestClean();
        // The instance stayed healthy: a full drain afterwards sees every row.
        using (var reader = range.CallTable(input))
            Assert.Equal(105_003, reader.Sum(b => b.Length));
        AssertGuestClean();
        Assert.Equal(0, _m.PoolStats.Discarded);
    }

    /// <summary>NULL slots holding garbage (sent as-is with CallScalarIpc): the guest must go by the validity bitmaps.</summary>
    [Fact]
    public void GuestHonoursValidityNotSlotContents()
    {
        static byte[] Bits(params bool[] valid)
        {
            var b = new byte[(valid.Length + 7) / 8];
            for (int i = 0; i < valid.Length; i++) if (valid[i]) b[i >> 3] |= (byte)(1 << (i & 7));
            return b;
        }
        static byte[] Ints(params int[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();
        static ArrayData Data(IArrowType type, int length, int nulls, byte[][] buffers, ArrayData[]? children = null) =>
            new(type, length, nulls, 0, buffers.Select(b => new ArrowBuffer(b)).ToArray(), children ?? []);

        // int32: rows (NULL over 99, 4), (6, NULL over 0), (8, 12)
        var a = ArrowArrayFactory.BuildArray(Data(Int32Type.Default, 3, 1, [Bits(false, true, true), Ints(99, 6, 8)]));
        var b = ArrowArrayFactory.BuildArray(Data(Int32Type.Default, 3, 1, [Bits(true, false, true), Ints(4, 0, 12)]));
        var pair = Batch(("a", a), ("b", b));
        var raw = ArrowIpc.WriteFile(pair);
        Assert.Equal(new object?[] { null, null, 4 }, Values(Fn("gcd", "int32", "int32").CallScalarIpc(raw)));
        var d = Fn("div", "int32", "int32").CallScalarIpc(raw);
        Assert.Equal(new object?[] { null, null, 0 }, Values(d));
        Assert.False(d.HasErrors); // the NULL over 0 is not a division by zero

        // utf8: a NULL entry spanning real bytes ("x=y") is not a key/value pair
        var s = ArrowArrayFactory.BuildArray(Data(StringType.Default, 2, 1, [Bits(false, true), Ints(0, 3, 6), Encoding.UTF8.GetBytes("x=yk=v")]));
        var k = Fn("key_value", "string").CallScalarIpc(ArrowIpc.WriteFile(Batch(("s", s))));
        Assert.Null(k.GetValue(0));
        Assert.Equal(new Dictionary<string, object?> { ["key"] = "k", ["value"] = "v" }, k.GetValue(1));

        // list<int32>: a NULL element holding 1000, a NULL list spanning elements
        var items = Data(Int32Type.Default, 4, 1, [Bits(true, false, true, true), Ints(1, 1000, 2, 3)]);
        var list = ArrowArrayFactory.BuildArray(Data(new ListType(Int32Type.Default), 2, 1, [Bits(true, false), Ints(0, 3, 4)], [items]));
        var sum = Fn("array_sum", "int32[]").CallScalarIpc(ArrowIpc.WriteFile(Batch(("l", list))));
        Assert.Equal(new object?[] { 3, null }, Values(sum));
        AssertGuestClean();
    }

    [Fact]
    public void MalformedOrMistypedInputIsAWholeCallError()
    {
        var gcd = Fn("gcd", "int32", "int32");
        var e = Assert.Throws<UdfException>(() => gcd.CallScalarIpc(ArrowIpc.WriteFile(Batch(("s", Strings("a")), ("t", Strings("b"))))));
        Assert.Equal(UdfErrorKind.GuestError, e.Kind);
        Assert.Equal("column 0: expected shape 'i', got type id 5", e.Cause);
        e = Assert.Throws<UdfException>(() => gcd.CallScalarIpc(ArrowIpc.WriteFile(Batch(("a", Int32s([1]))))));
        Assert.Equal("expected 2 columns, got 1", e.Cause);
        e = Assert.Throws<UdfException>(() => gcd.CallScalarIpc("not an arrow file at all"u8));
        Assert.Equal("input is not an Arrow IPC file (magic)", e.Cause);
        var good = ArrowIpc.WriteFile(gcd.CreateInput([[12, 18]]));
        var truncated = good.ToArray();
        truncated[^7] ^= 0x7f; // corrupt the footer length
        Assert.Throws<UdfException>(() => gcd.CallScalarIpc(truncated));
        e = Assert.Throws<UdfException>(() => Fn("range", "int32").CallTable(Batch(("s", Strings("a")))));
        Assert.Equal("column 0: expected shape 'i', got type id 5", e.Cause);
        // After errors (instances discarded) the module still works, and nothing leaked in the live instance.
        Assert.Equal(6, gcd.CallScalarIpc(good).GetValue(0));
        AssertGuestClean();
    }

    /// <summary>The guest against an independent Arrow implementation (npm apache-arrow, driven by Abi3Guest/interop.mjs):
    /// apache-arrow writes the inputs and reads the outputs. Like the Arrow interop tests, a missing node or
    /// node_modules/apache-arrow is a failure (scripts/setup.sh installs both), not a silent pass.</summary>
    [Fact]
    public void InteropWithApacheArrowJs()
    {
        string wasm = Path.Combine(Path.GetTempPath(), $"abi3_guest_{Environment.ProcessId}.wasm");
        File.WriteAllBytes(wasm, s_wasm.Value);
        try
        {
            Assert.True(Directory.Exists(Path.Combine(Paths.Repo, "node_modules", "apache-arrow")), "node_modules/apache-arrow is missing: run `npm ci` (scripts/setup.sh)");
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Paths.Repo };
            foreach (var a in new[] { Path.Combine(Paths.Repo, "tests", "Wasql.Udf.Tests", "Abi3Guest", "interop.mjs"), Paths.Repo, wasm }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(60_000), "node timed out");
            Assert.True(p.ExitCode == 0, "node failed: " + err.Result);
            Assert.Equal(
            [
                "gcd:Int32 | [{\"gcd\":5},{\"gcd\":5},{\"gcd\":null}]",
                "div:Int32, error:Utf8 | [{\"div\":0,\"error\":null},{\"div\":null,\"error\":\"division by zero\"},{\"div\":null,\"error\":null}]",
                "key_value:Struct<{key:Utf8, value:Utf8}> | [{\"key_value\":{\"key\":\"rising\",\"value\":\"wave\"}},{\"key_value\":null},{\"key_value\":null},{\"key_value\":{\"key\":\"é\",\"value\":\"🙂\"}}]",
                "concat:Utf8 | [{\"concat\":\"ab\"},{\"concat\":null},{\"concat\":\"é日本\"}]",
                "array_sum:Int32 | [{\"array_sum\":3},{\"array_sum\":null},{\"array_sum\":8},{\"array_sum\":13}]",
                "reverse:Binary | [{\"reverse\":{\"0\":3,\"1\":2,\"2\":1}},{\"reverse\":null}]",
                "range batch [{\"row\":0,\"range\":0},{\"row\":2,\"range\":0},{\"row\":2,\"range\":1},{\"row\":2,\"range\":2}]",
                "live 0 bad 0 iters 0",
            ], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(wasm);
        }
    }
}
