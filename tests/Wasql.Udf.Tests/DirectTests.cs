// Direct ABI: C (sdk/c/wasql_udf.h) and Rust (sdk/rust/wasql_udf.rs) guests; numbers, text, bytea, NULLs,
// typed delegates (session and pooled), traps and recovery, deadline, fuel and memory cap.
namespace Wasql.Udf.Tests;

public sealed class DirectTests : IDisposable
{
    private static readonly Lazy<byte[]> s_c = new(() => Toolchain.CompileC(File.ReadAllText(Path.Combine(Paths.Guests, "direct.c"))));
    private static readonly Lazy<byte[]> s_rust = new(() => Toolchain.CompileRust(
        $"include!(\"{Path.Combine(Paths.Sdk, "rust", "wasql_udf.rs")}\");\n" + File.ReadAllText(Path.Combine(Paths.Guests, "direct.rs"))));

    private readonly UdfRuntime _runtime = new(new UdfLimits { Deadline = TimeSpan.FromMilliseconds(300), MaxMemoryBytes = 16 << 20 });

    public void Dispose() => _runtime.Dispose();

    [Fact]
    public void CNumbers()
    {
        var m = _runtime.Load(s_c.Value, "direct_c");
        var gcd = m.BindDirect("gcd", ["int4", "int4"], "int4");
        Assert.Equal(5, gcd.Invoke(25, 15));
        Assert.Null(gcd.Invoke(null, 15));
        Assert.Equal(6, gcd.Invoke(12L, (short)18));
        using (var s = gcd.OpenSession())
        {
            var f = s.CreateDelegate<Func<int, int, int>>();
            for (int i = 1; i < 500; i++) Assert.Equal(FixtureTests.Gcd(i * 7, 91), f(i * 7, 91));
            var g = s.CreateDelegate<Func<long, long, long>>();
            Assert.Equal(4L, g(8, 12));
            Assert.Throws<OverflowException>(() => g(long.MaxValue, 1));
        }
        var pooled = gcd.CreateDelegate<Func<int, int, int>>();
        Assert.Equal(3, pooled(9, 12));
        Assert.Equal(7L, m.BindDirect("gcd64", DirectSignature.Parse("(int8, bigint) -> int8")).CreateDelegate<Func<long, long, long>>()(49, 14));
        Assert.Equal(25.0, m.BindDirect("hyp", ["float8", "float4"], "float8").Invoke(3.0, 4.0f));
        Assert.Equal((short)-5, m.BindDirect("neg2", ["int4"], "int2").Invoke(5));
        Assert.Equal(true, m.BindDirect("is_even", ["int4"], "boolean").Invoke(4));
        Assert.Equal(false, m.BindDirect("is_even", ["int4"], "bool").CreateDelegate<Func<int, bool>>()(3));
    }

    [Fact]
    public void SuspendedSessionLendsItsInstanceAndKeepsItsDelegates()
    {
        var m = _runtime.Load(s_c.Value, "direct_c");
        var gcd = m.BindDirect("gcd", ["int4", "int4"], "int4");
        var s = gcd.OpenSession();
        var f = s.CreateDelegate<Func<int, int, int>>();
        Assert.Equal(5, f(25, 15));
        var before = _runtime.Diagnostics.Snapshot();
        for (int round = 0; round < 20; round++)
        {
            s.Suspend();
            Assert.False(s.Held);
            Assert.Throws<InvalidOperationException>(() => s.Invoke(4, 6));   // no instance to call while suspended
            Assert.Equal(m.PoolStats.Live, m.PoolStats.Idle);   // the instance is back in the pool for others
            using (var other = gcd.OpenSession()) Assert.Equal(3, other.Invoke(9, 12));
            s.Resume();
            Assert.True(s.Held);
            Assert.Equal(FixtureTests.Gcd(round * 6, 84), f(round * 6, 84));
        }
        var work = _runtime.Diagnostics.Snapshot() - before;
        Assert.Equal(0, work.DelegatesCreated);   // the delegate made once serves every resume
        Assert.Equal(0, work.InstancesCreated);   // resume takes the pooled instance back
        s.Dispose();
        Assert.Equal(m.PoolStats.Live, m.PoolStats.Idle);
    }

    [Fact]
    public void CTextAndBytea()
    {
        var m = _runtime.Load(s_c.Value, "direct_c");
        var upper = m.BindDirect("upper", ["text"], "text");
        Assert.Equal("HELLO, WORLD", upper.Invoke("hello, world"));
        Assert.Equal("", upper.Invoke(""));
        Assert.Null(upper.Invoke([null]));
        var repeat = m.BindDirect("repeat", ["varchar", "int4"], "text");
        Assert.Equal("abab", repeat.Invoke("ab", 2));
        Assert.Null(repeat.Invoke("ab", -1));
        Assert.Equal(new byte[] { 3, 3 }, m.BindDirect("xor_bytes", ["bytea", "bytea"], "bytea").Invoke(new byte[] { 1, 2, 9 }, new byte[] { 2, 1 }));
        using var s = repeat.OpenSession();
        for (int i = 0; i < 300; i++) Assert.Equal(new string('x', i % 7), s.Invoke("x", i % 7));
        Assert.True(m.PoolStats.Live <= 2);
        Assert.Throws<UdfException>(() => upper.CreateDelegate<Func<int, int>>());
    }

    [Fact]
    public void BindChecksTheWasmType()
    {
        var m = _runtime.Load(s_c.Value, "direct_c");
        Assert.Equal(UdfErrorKind.Signature, Assert.Throws<UdfException>(() => m.BindDirect("gcd", ["int8", "int8"], "int8")).Kind);
        Assert.Equal(UdfErrorKind.Signature, Assert.Throws<UdfException>(() => m.BindDirect("nope", ["int4"], "int4")).Kind);
        Assert.Contains(m.Exports, e => e.Name == "upper" && e.Results.SequenceEqual(["i64"]));
    }

    [Fact]
    public void TrapsNameTheFunctionAndAFreshInstanceServesTheNextCall()
    {
        var m = _runtime.Load(s_c.Value, "direct_c");
        var div = m.BindDirect("divide", ["int4", "int4"], "int4");
        var e = Assert.Throws<UdfException>(() => div.Invoke(1, 0));
        Assert.Equal(UdfErrorKind.Trap, e.Kind);
        Assert.Equal(Wasql.Wasm.TrapCode.IntegerDivideByZero, e.TrapCode);
        Assert.Equal("divide", e.FunctionName);
        Assert.Equal(5, div.Invoke(10, 2));
        using var s = div.OpenSession();
        var f = s.CreateDelegate<Func<int, int, int>>();
        Assert.Throws<UdfException>(() => f(1, 0));
        Assert.Equal(3, f(9, 3)); // same delegate, fresh instance
        // state is per instance: a trapped instance's globals are gone
        var bump = m.BindDirect("bump", ["int4"], "int4");
        using var b = bump.OpenSession();
        Assert.Equal(1, b.Invoke(1));
        Assert.Equal(3, b.Invoke(2));
    }

    [Fact]
    public void DeadlineStopsARunawayLoop()
    {
        var m = _runtime.Load(s_c.Value, "direct_c");
        var spin = m.BindDirect("spin", ["int4"], "int4");
        var e = Assert.Throws<UdfException>(() => spin.Invoke(1));
        Assert.Equal(UdfErrorKind.Timeout, e.Kind);
        var f = spin.CreateDelegate<Func<int, int>>();
        Assert.Equal(UdfErrorKind.Timeout, Assert.Throws<UdfException>(() => f(1)).Kind);
        Assert.Equal(4, m.BindDirect("gcd", ["int4", "int4"], "int4").Invoke(8, 12));
    }

    [Fact]
    public void FuelStopsARunawayLoop()
    {
        using var rt = new UdfRuntime(new UdfLimits { Deadline = null, FuelPerCall = 5_000_000 });
        var m = rt.Load(s_c.Value, "direct_c");
        var e = Assert.Throws<UdfException>(() => m.BindDirect("spin", ["int4"], "int4").Invoke(1));
        Assert.Equal(UdfErrorKind.OutOfFuel, e.Kind);
        Assert.Equal(4, m.BindDirect("gcd", ["int4", "int4"], "int4").CreateDelegate<Func<int, int, int>>()(8, 12));
    }

    [Fact]
    public void MemoryCapIsEnforced()
    {
        var m = _runtime.Load(s_c.Value, "direct_c");
        var hog = m.BindDirect("hog", ["int4"], "int4");
        Assert.Equal(2, hog.Invoke(2));
        var e = Assert.Throws<UdfException>(() => hog.Invoke(64));
        Assert.Equal(UdfErrorKind.OutOfMemory, e.Kind);
        Assert.Equal(2, hog.Invoke(2));
    }

    [Fact]
    public void RustMacroGuest()
    {
        var m = _runtime.Load(s_rust.Value, "direct_rust");
        Assert.Equal(5, m.BindDirect("gcd", ["int4", "int4"], "int4").CreateDelegate<Func<int, int, int>>()(25, 15));
        Assert.Equal("ÉTÉ RISING", m.BindDirect("upper", ["text"], "text").Invoke("été rising"));
        Assert.Equal("ab3-2", m.BindDirect("concat", ["text", "int4", "bytea"], "text").Invoke("ab", 3, new byte[] { 1, 2 }));
        Assert.Null(m.BindDirect("concat", ["text", "int4", "bytea"], "text").Invoke("ab", -3, new byte[] { 1, 2 }));
        Assert.Equal(new byte[] { 3, 2, 1 }, m.BindDirect("rev", ["bytea"], "bytea").Invoke(new byte[] { 1, 2, 3 }));
        Assert.Equal(Array.Empty<byte>(), m.BindDirect("rev", ["bytea"], "bytea").Invoke(Array.Empty<byte>()));
        Assert.Equal(true, m.BindDirect("isodd", ["int8", "boolean"], "boolean").Invoke(3L, false));
        var boom = m.BindDirect("boom", ["int4"], "int4");
        var panic = Assert.Throws<UdfException>(() => boom.Invoke(0));
        Assert.Equal(UdfErrorKind.Trap, panic.Kind);
        // The SDK's panic hook (issue #22) keeps the message and location for the host, instead of "unreachable".
        Assert.StartsWith("panicked at 'boom', ", panic.Cause);
        Assert.Contains(".rs:", panic.Cause);
        Assert.Equal(50, boom.Invoke(2));
    }

    /// <summary>sdk/DIRECT_ABI.md: only modules passing text/bytea need a memory (and an allocator).</summary>
    [Fact]
    public void NumbersOnlyModuleNeedsNoMemory()
    {
        var m = _runtime.Load(Toolchain.Wat("""
            (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
            """), "no_memory");
        var add = m.BindDirect("add", ["int4", "int4"], "int4");
        Assert.Equal(42, add.Invoke(40, 2));
        Assert.Equal(7, add.CreateDelegate<Func<int, int, int>>()(3, 4));
    }

    [Fact]
    public void TextFunctionWithoutMemoryFailsAtBindNamingTheMemory()
    {
        var m = _runtime.Load(Toolchain.Wat("""
            (module
              (func (export "len") (param i32 i32) (result i32) local.get 1)
              (func (export "alloc") (param i32 i32) (result i32) i32.const 0)
              (func (export "dealloc") (param i32 i32 i32)))
            """), "text_no_memory");
        var e = Assert.Throws<UdfException>(() => m.BindDirect("len", ["text"], "int4"));
        Assert.Equal(UdfErrorKind.Signature, e.Kind);
        Assert.Contains("must export its linear memory as 'memory'", e.Message);
        Assert.Equal(3, m.BindDirect("len", ["int4", "int4"], "int4").Invoke(0, 3));   // the same export, as numbers
    }
}
