// The Databend arrow-udf fixture (a real module, ABI 2.0): every case of its README, errors included, and
// recovery after a trap (a fresh instance serves the next call).
using Apache.Arrow;
using Apache.Arrow.Types;
using Wasql.Arrow;
using static Wasql.Udf.Tests.ArrowTestData;
using Wasql.Wasm;

namespace Wasql.Udf.Tests;

public sealed class FixtureTests : IDisposable
{
    private readonly UdfRuntime _runtime = new();
    private readonly UdfModule _module;

    public FixtureTests() => _module = _runtime.Load(File.ReadAllBytes(Paths.Fixture("databend_gcd.wasm")), "databend_gcd");

    public void Dispose() => _runtime.Dispose();

    private static RecordBatch Ints(params int?[][] columns)
    {
        var arrays = columns.Select(c => BoxedArrays.Build(Int32Type.Default, c.Cast<object?>().ToArray())).ToArray();
        return new RecordBatch(Schema(arrays.Select((a, i) => ("c" + i, (IArrowType)Int32Type.Default)).ToArray()), arrays, columns[0].Length);
    }

    private static object?[] Values(UdfScalarResult r) => Enumerable.Range(0, r.Length).Select(r.GetValue).ToArray();

    [Fact]
    public void ListsFunctionsInAbi2Vocabulary()
    {
        Assert.Equal(new Version(2, 0), _module.ArrowUdfVersion);
        var sigs = _module.Functions.Select(f => f.Signature).Order().ToArray();
        Assert.Equal(new[] { "wasm_factorial(int4)->int4", "wasm_fibonacci(int4)->int4", "wasm_gcd(int4,int4)->int4", "wasm_is_prime(int4)->boolean", "wasm_lcm(int4,int4)->int4" }, sigs);
        var gcd = _module.GetFunction("wasm_gcd", "int4", "int4");
        Assert.Equal(UdfFunctionKind.Scalar, gcd.Kind);
        Assert.Equal(ArrowTypeId.Int32, gcd.ReturnType.ArrowType.TypeId);
        Assert.Same(gcd, _module.FindFunction("wasm_gcd", ["integer", "int"]));
        Assert.Same(gcd, _module.FindFunction("wasm_gcd", ["int32", "int32"]));
        Assert.Null(_module.FindFunction("wasm_gcd", ["int8", "int8"])); // ABI 2: int8 is Int64
        Assert.Null(_module.FindFunction("wasm_gcd", ["int4"]));
        Assert.Equal(ArrowTypeId.Boolean, _module.GetFunction("wasm_is_prime", "int4").ReturnType.ArrowType.TypeId);
    }

    [Theory]
    [InlineData("wasm_gcd", new[] { 5, 5, -1, 6 })]
    [InlineData("wasm_lcm", new[] { 75, 0, -1, 36 })]
    public void TwoArgumentCasesWithNull(string name, int[] expected)
    {
        var r = _module.GetFunction(name, "int4", "int4").CallScalar(Ints([15, 5, null, 12], [25, 0, 1, 18]));
        Assert.Equal(expected.Select(e => e == -1 ? null : (object?)e), Values(r));
        Assert.False(r.HasErrors);
    }

    [Fact]
    public void OneArgumentCasesWithNull()
    {
        var input = Ints([15, 5, null, 12]);
        Assert.Equal(new object?[] { 2004310016, 120, null, 479001600 }, Values(_module.GetFunction("wasm_factorial", "int4").CallScalar(input)));
        Assert.Equal(new object?[] { 610, 5, null, 144 }, Values(_module.GetFunction("wasm_fibonacci", "int4").CallScalar(input)));
        Assert.Equal(new object?[] { false, true, null, false }, Values(_module.GetFunction("wasm_is_prime", "int4").CallScalar(input)));
    }

    [Fact]
    public void MultiplesAndSmallInputs()
    {
        var pairs = Ints([3, 6, 9, 12], [6, 12, 18, 24]);
        Assert.Equal(new object?[] { 3, 6, 9, 12 }, Values(_module.GetFunction("wasm_gcd", "int4", "int4").CallScalar(pairs)));
        Assert.Equal(new object?[] { 6, 12, 18, 24 }, Values(_module.GetFunction("wasm_lcm", "int4", "int4").CallScalar(pairs)));
        var small = Ints([1, 2, 3, 4]);
        Assert.Equal(new object?[] { 1, 2, 6, 24 }, Values(_module.GetFunction("wasm_factorial", "int4").CallScalar(small)));
        Assert.Equal(new object?[] { 1, 1, 2, 3 }, Values(_module.GetFunction("wasm_fibonacci", "int4").CallScalar(small)));
        Assert.Equal(new object?[] { false, true, true, false }, Values(_module.GetFunction("wasm_is_prime", "int4").CallScalar(small)));
    }

    [Fact]
    public void StreamFormatIsAGuestError()
    {
        var f = _module.GetFunction("wasm_gcd", "int4", "int4");
        var e = Assert.Throws<UdfException>(() => f.CallScalarIpc(ArrowIpc.WriteStream(Ints([1], [2]))));
        Assert.Equal(UdfErrorKind.GuestError, e.Kind);
        Assert.Equal("Parser error: Arrow file does not contain correct footer", e.Cause);
        Assert.Equal("wasm_gcd", e.FunctionName);
        Assert.Equal(new object?[] { 1 }, Values(f.CallScalar(Ints([1], [2]))));
    }

    [Fact]
    public void Int64ColumnsAreACastError()
    {
        var f = _module.GetFunction("wasm_gcd", "int4", "int4");
        var col = Int64s([1L, 2L]);
        var batch = Batch(("a", col), ("b", col));
        var e = Assert.Throws<UdfException>(() => f.CallScalar(batch));
        Assert.Equal(UdfErrorKind.GuestError, e.Kind);
        Assert.Equal("Cast error: expect Int32Array for the 0-th argument", e.Cause);
    }

    [Fact]
    public void GarbageIsAnIoError()
    {
        var f = _module.GetFunction("wasm_gcd", "int4", "int4");
        // Fewer bytes than the 10-byte file trailer: arrow-rs fails seeking before the start.
        var e = Assert.Throws<UdfException>(() => f.CallScalarIpc("garbage"u8));
        Assert.Equal("Io error: invalid seek to a negative or overflowing position", e.Cause);
        // Longer garbage has no footer magic.
        e = Assert.Throws<UdfException>(() => f.CallScalarIpc("this is not arrow at all, just bytes"u8));
        Assert.Equal("Parser error: Arrow file does not contain correct footer", e.Cause);
    }

    [Fact]
    public void LcmZeroTrapsWithPanicMessageAndRecovers()
    {
        var f = _module.GetFunction("wasm_lcm", "int4", "int4");
        var e = Assert.Throws<UdfException>(() => f.CallScalar(Ints([0], [0])));
        Assert.Equal(UdfErrorKind.Trap, e.Kind);
        Assert.Equal(TrapCode.Unreachable, e.TrapCode);
        Assert.Contains("attempt to divide by zero", e.Stderr);
        Assert.Contains("attempt to divide by zero", e.Message);
        Assert.Contains("wasm_lcm", e.Message);
        Assert.NotEmpty(e.WasmBacktrace);
        var before = _module.PoolStats;
        Assert.True(before.Discarded >= 1);
        // A fresh instance serves the next call.
        Assert.Equal(new object?[] { 75 }, Values(f.CallScalar(Ints([15], [25]))));
    }

    [Fact]
    public void NullSlotsAreZeroedSoLcmNullZeroTrapsLikeTheReference()
    {
        // Build a column whose NULL slot holds garbage (7): the host must send 0, and lcm(0,0) then traps.
        var validity = new byte[] { 0b10 };
        var values = new byte[8];
        BitConverter.TryWriteBytes(values.AsSpan(0), 7);
        BitConverter.TryWriteBytes(values.AsSpan(4), 3);
        var a = ArrowArrayFactory.BuildArray(new ArrayData(Int32Type.Default, 2, 1, 0, [new ArrowBuffer(validity), new ArrowBuffer(values)], []));
        var b = Int32s([0, 6]);
        var batch = Batch(("a", a), ("b", b));
        var e = Assert.Throws<UdfException>(() => _module.GetFunction("wasm_lcm", "int4", "int4").CallScalar(batch));
        Assert.Equal(UdfErrorKind.Trap, e.Kind);
        // gcd on the same batch: slot zeroed -> NULL result, row 1 = gcd(3,6)
        Assert.Equal(new object?[] { null, 3 }, Values(_module.GetFunction("wasm_gcd", "int4", "int4").CallScalar(batch)));
    }

    [Fact]
    public void PerRowInvoke()
    {
        Assert.Equal(5, _module.GetFunction("wasm_gcd", "int4", "int4").Invoke(25, 15));
        Assert.Null(_module.GetFunction("wasm_gcd", "int4", "int4").Invoke(null, 15));
        Assert.Equal(true, _module.GetFunction("wasm_is_prime", "int4").Invoke(13));
    }

    [Fact]
    public void EngineCanBeTunedButKeepsTheChecksTheLimitsNeed()
    {
        using var rt = new UdfRuntime(new UdfLimits { Deadline = TimeSpan.FromSeconds(5) }, c =>
        {
            c.BaselineTier = false;
            c.Interruptible = false;   // the deadline needs it: switched back on
        });
        Assert.False(rt.Engine.Config.BaselineTier);
        Assert.True(rt.Engine.Config.Interruptible);
        var m = rt.Load(File.ReadAllBytes(Paths.Fixture("databend_gcd.wasm")), "gcd");
        Assert.Equal(5, m.GetFunction("wasm_gcd", "int4", "int4").Invoke(25, 15));
    }

    [Fact]
    public void ConcurrentCallsStayWithinPoolCap()
    {
        using var rt = new UdfRuntime(new UdfLimits { MaxInstancesPerModule = 3 });
        var m = rt.Load(File.ReadAllBytes(Paths.Fixture("databend_gcd.wasm")), "gcd");
        var f = m.GetFunction("wasm_gcd", "int4", "int4");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var rng = new Random(t);
            for (int i = 0; i < 60; i++)
            {
                int n = rng.Next(1, 200);
                var a = Enumerable.Range(0, n).Select(_ => rng.Next(1, 100000)).ToArray();
                var b = Enumerable.Range(0, n).Select(_ => rng.Next(1, 100000)).ToArray();
                var r = f.CallScalar(Batch(("a", Int32s(a)), ("b", Int32s(b))));
                var vals = ((Int32Array)r.Values).Values;
                for (int k = 0; k < n; k++)
                    if (vals[k] != Gcd(a[k], b[k])) errors.Enqueue($"thread {t}: gcd({a[k]},{b[k]}) = {vals[k]}");
                if (m.PoolStats.Live > 3) errors.Enqueue($"pool over cap: {m.PoolStats}");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
        Assert.True(m.PoolStats.Peak <= 3, m.PoolStats.ToString());
        Assert.Equal(0, m.PoolStats.Discarded);
    }

    internal static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
