// ABI 3 with a hand-made C guest speaking the same bytes as arrow-udf 0.3+: symbols (incl. arrowudt_ struct),
// scalar, per-row error column, struct return, table function with iterator and drop. Simplification: the guest
// does not parse Arrow; it compares the host's input IPC bytes with the bytes the test expects (so the host's
// framing is checked byte for byte) and returns output batches the test pre-encoded with Wasql.Arrow.
using System.Text;
using Wasql.Arrow;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Builders;
using Wasql.Arrow.Types;

namespace Wasql.Udf.Tests;

public sealed class Abi3Tests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '$').Replace('/', '_');
    private static string CArray(string name, byte[] b) => $"static const unsigned char {name}[{Math.Max(1, b.Length)}] = {{{string.Join(",", b.DefaultIfEmpty((byte)0))}}};\n";

    private static RecordBatch Batch(params (string Name, ArrowArray Col)[] cols) => new(cols.Select(c => (c.Name, c.Col)).ToList());

    [Fact]
    public void ScalarTableStructAndErrors()
    {
        var i32 = (int?[] v) => ArrayBuilder.Build(ArrowType.Int32, v.Cast<object?>());
        var gcdIn = Batch(("arg0", i32([15, 5, null])), ("arg1", i32([25, 0, 1])));
        var gcdOut = Batch(("gcd", i32([5, 5, null])));
        var divOut = Batch(("div", i32([0, null, null])), ("error", StringArray.From([null, "division by zero", null])));
        var rangeIn = Batch(("arg0", i32([1, null, 3])));
        var rangeOut = Batch(("row", i32([0, 2, 2, 2])), ("range", i32([0, 0, 1, 2])));
        var kvType = new StructType(new Field("key", ArrowType.Utf8), new Field("value", ArrowType.Utf8));
        var kvIn = Batch(("arg0", StringArray.From(["rising=wave", "???"])));
        var kvOut = Batch(("key_value", ArrayBuilder.Build(kvType, [new object?[] { "rising", "wave" }, null])));

        var fns = new (string Sym, RecordBatch In, RecordBatch Out, bool Table)[]
        {
            ("gcd(int32,int32)->int32", gcdIn, gcdOut, false),
            ("div(int32,int32)->int32", gcdIn, divOut, false),
            ("range(int32)->>int32", rangeIn, rangeOut, true),
            ("key_value(string)->struct KeyValue", kvIn, kvOut, false),
        };
        var c = new StringBuilder("#include \"wasql_udf.h\"\nint ARROWUDF_VERSION_3_0; int arrowudt_" + B64("KeyValue=key:string,value:string") + ";\n");
        c.Append(@"static int32_t dropped, iter_state;
WASQL_EXPORT(dropped_count) int32_t dropped_count(void) { return dropped; }
static int32_t reply(const unsigned char *in, int32_t n, const unsigned char *exp, int32_t expn, const unsigned char *out, int32_t outn, uint32_t *cs) {
  int ok = n == expn; for (int32_t i = 0; ok && i < n; i++) ok = in[i] == exp[i];
  if (!ok) { static const char m[] = ""unexpected input bytes""; char *b = wasql_alloc_result(sizeof m - 1); for (int i = 0; i < (int)sizeof m - 1; i++) b[i] = m[i]; cs[0] = (uint32_t)(uintptr_t)b; cs[1] = sizeof m - 1; return -1; }
  char *b = wasql_alloc_result(outn); for (int32_t i = 0; i < outn; i++) b[i] = out[i];
  cs[0] = (uint32_t)(uintptr_t)b; cs[1] = (uint32_t)outn; return 0;
}
");
        var exports = new List<string> { "ARROWUDF_VERSION_3_0", "arrowudt_" + B64("KeyValue=key:string,value:string") };
        for (int i = 0; i < fns.Length; i++)
        {
            var (sym, input, output, table) = fns[i];
            c.Append(CArray($"in{i}", ArrowIpc.WriteFile(input))).Append(CArray($"out{i}", ArrowIpc.WriteFile(output)));
            if (!table)
                c.Append($"__attribute__((export_name(\"arrowudf_{B64(sym)}\"))) int32_t f{i}(const unsigned char *p, int32_t n, uint32_t *cs) {{ return reply(p, n, in{i}, sizeof in{i}, out{i}, sizeof out{i}, cs); }}\n");
            else
                c.Append($@"static int32_t table_out = {i};
__attribute__((export_name(""arrowudf_{B64(sym)}""))) int32_t f{i}(const unsigned char *p, int32_t n, uint32_t *cs) {{
  int32_t rc = reply(p, n, in{i}, sizeof in{i}, out{i}, 0, cs); if (rc) return rc; iter_state = 1; cs[0] = 77; cs[1] = 12345; return 0; }}
__attribute__((export_name(""record_batch_iterator_next""))) void next(int32_t it, uint32_t *cs) {{
  if (it != 77 || iter_state != 1) {{ cs[0] = 0; cs[1] = 0; return; }} iter_state = 2; reply(out{i}, sizeof out{i}, out{i}, sizeof out{i}, out{i}, sizeof out{i}, cs); }}
__attribute__((export_name(""record_batch_iterator_drop""))) void drop(int32_t it) {{ if (it == 77) dropped++; }}
");
        }
        var wasm = Toolchain.CompileC(c.ToString(), [.. exports.Select(e => "-Wl,--export=" + e)]);
        using var rt = new UdfRuntime(new UdfLimits { MaxInstancesPerModule = 1 });
        var m = rt.Load(wasm, "abi3");
        Assert.Equal(3, m.ArrowUdfVersion!.Major);
        Assert.Equal(4, m.Functions.Count);
        var kv = m.GetFunction("key_value", "string");
        Assert.True(kv.ReturnType.IsStruct);
        Assert.Equal("KeyValue", kv.ReturnType.StructName);
        Assert.Equal(kvType, kv.ReturnType.ArrowType);
        Assert.Same(m.GetFunction("gcd", "int32", "int32"), m.FindFunction("gcd", ["int", "integer"]));
        Assert.Null(m.FindFunction("gcd", ["int8", "int8"])); // ABI 3: int8 is 8-bit

        var g = m.GetFunction("gcd", "int32", "int32").CallScalar(gcdIn);
        Assert.Equal(new object?[] { 5, 5, null }, Enumerable.Range(0, 3).Select(g.GetValue));
        var d = m.GetFunction("div", "int32", "int32").CallScalar(gcdIn);
        Assert.True(d.HasErrors);
        Assert.Equal(new[] { null, "division by zero", null }, Enumerable.Range(0, 3).Select(d.GetError));
        Assert.Equal(1, Assert.Throws<UdfException>(() => d.ThrowIfAnyError()).Row);
        var k = m.GetFunction("key_value", "varchar").CallScalar(kvIn);
        Assert.Null(k.GetValue(1));
        Assert.Equal("wave", ((StringArray)((StructArray)k.Values).Fields[1]).GetString(0));

        var range = m.GetFunction("range", "int32");
        Assert.True(range.IsTable);
        using (var reader = range.CallTable(rangeIn))
        {
            var batches = reader.ToList();
            Assert.Single(batches);
            Assert.Equal(new[] { 0, 2, 2, 2 }, ((Int32Array)batches[0].Column(0)).Values.ToArray());
            Assert.Equal(new[] { 0, 0, 1, 2 }, ((Int32Array)batches[0].Column(1)).Values.ToArray());
        }
        // Early stop: Dispose drops the iterator too.
        using (var reader = range.CallTable(rangeIn)) { }
        var dropped = m.BindDirect("dropped_count", [], "int4");
        Assert.Equal(2, dropped.Invoke()); // one instance (cap 1): both iterators were dropped
        // Wrong input bytes -> rc -1 with the guest's message, and the instance is discarded.
        var e = Assert.Throws<UdfException>(() => m.GetFunction("gcd", "int32", "int32").CallScalar(rangeIn.Slice(0, 1)));
        Assert.Equal(UdfErrorKind.Signature, e.Kind);
        e = Assert.Throws<UdfException>(() => m.GetFunction("gcd", "int32", "int32").CallScalar(Batch(("a", i32([1])), ("b", i32([2])))));
        Assert.Equal("unexpected input bytes", e.Cause);
    }
}
