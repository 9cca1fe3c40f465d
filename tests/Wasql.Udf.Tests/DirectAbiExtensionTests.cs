// The optional parts of the direct ABI (sdk/DIRECT_ABI.md) that inline-Rust wrappers use, from hand-written modules:
// NULL flags per argument, a nullable numeric result through wasql_result_null, the guest's message through
// wasql_error after a trap (and a hostile one ignored), and the table-row decoder.
using System.Text;
using Wasql.Udf.Direct;

namespace Wasql.Udf.Tests;

public sealed class DirectAbiExtensionTests : IDisposable
{
    private readonly UdfRuntime _runtime = new(new UdfLimits { Deadline = TimeSpan.FromMilliseconds(500), MaxMemoryBytes = 16 << 20 });

    public void Dispose() => _runtime.Dispose();

    [Fact]
    public void NullFlagsReachTheFunctionWhenCalledOnNullInput()
    {
        var m = _runtime.Load(Toolchain.Wat("""
            (module (func (export "dbl") (param i32 i32) (result i32)
              (if (result i32) (local.get 1) (then (i32.const -1)) (else (i32.mul (local.get 0) (i32.const 2))))))
            """), "null_flags");
        var strictShape = Assert.Throws<UdfException>(() => m.BindDirect("dbl", ["int4"], "int4"));
        Assert.Equal(UdfErrorKind.Signature, strictShape.Kind);   // without the option the shape has no flag
        var f = m.BindDirect("dbl", ["int4"], "int4", calledOnNullInput: true);
        Assert.Equal(6, f.Invoke(3));
        Assert.Equal(-1, f.Invoke([null]));
        Assert.False(f.IsNumeric);   // no typed delegate for this shape
        Assert.Throws<UdfException>(() => f.CreateDelegate<Func<int, int>>());
    }

    [Fact]
    public void NullableNumericResultAsksTheGuest()
    {
        var m = _runtime.Load(Toolchain.Wat("""
            (module
              (global $null (mut i32) (i32.const 0))
              (func (export "half") (param i32) (result i32)
                (if (i32.and (local.get 0) (i32.const 1)) (then (global.set $null (i32.const 1)) (return (i32.const 0))))
                (i32.div_s (local.get 0) (i32.const 2)))
              (func (export "wasql_result_null") (result i32) (global.get $null) (global.set $null (i32.const 0))))
            """), "nullable_result");
        var f = m.BindDirect("half", ["int4"], "int4", nullableResult: true);
        Assert.Equal(2, f.Invoke(4));
        Assert.Null(f.Invoke(3));
        Assert.Equal(0, f.Invoke(0));   // a real zero is not NULL: the flag was cleared

        var bare = _runtime.Load(Toolchain.Wat("""(module (func (export "half") (param i32) (result i32) (local.get 0)))"""), "no_flag");
        var e = Assert.Throws<UdfException>(() => bare.BindDirect("half", ["int4"], "int4", nullableResult: true));
        Assert.Contains("wasql_result_null", e.Message);
    }

    [Fact]
    public void TrapMessageComesFromWasqlErrorAndAHostileAnswerIsIgnored()
    {
        var m = _runtime.Load(Toolchain.Wat("""
            (module
              (memory (export "memory") 1)
              (data (i32.const 16) "negative input: -3")
              (global $bad (mut i32) (i32.const 0))
              (func (export "chk") (param i32) (result i32)
                (if (i32.lt_s (local.get 0) (i32.const 0)) (then unreachable))
                (if (i32.eq (local.get 0) (i32.const 99)) (then (global.set $bad (i32.const 1)) unreachable))
                (local.get 0))
              (func (export "wasql_error") (result i64)
                (if (result i64) (global.get $bad)
                  (then (i64.const 0x7fff000000000010))   ;; far past the end of memory
                  (else (i64.const 0x0000001000000012)))))
            """), "error_message");
        var f = m.BindDirect("chk", ["int4"], "int4");
        var e = Assert.Throws<UdfException>(() => f.Invoke(-3));
        Assert.Equal("negative input: -3", e.Cause);
        Assert.Equal(7, f.Invoke(7));   // a fresh instance serves the next call
        e = Assert.Throws<UdfException>(() => f.Invoke(99));
        Assert.Contains("unreachable", e.Cause);
    }

    [Fact]
    public void RowDecoderChecksEveryLength()
    {
        var row = new List<byte> { (byte)DirectCell.Integer };
        row.AddRange(BitConverter.GetBytes(-5L));
        row.Add((byte)DirectCell.Null);
        row.Add((byte)DirectCell.Float);
        row.AddRange(BitConverter.GetBytes(2.5));
        row.Add((byte)DirectCell.Text);
        row.AddRange(BitConverter.GetBytes(3u));
        row.AddRange(Encoding.UTF8.GetBytes("hé"));   // 3 bytes
        row.Add((byte)DirectCell.Bytes);
        row.AddRange(BitConverter.GetBytes(0u));
        var bytes = row.ToArray();
        var decoded = DirectRow.Decode(bytes, 5, "f");
        Assert.Equal(-5L, decoded[0]);
        Assert.Null(decoded[1]);
        Assert.Equal(2.5, decoded[2]);
        Assert.Equal("hé", decoded[3]);
        Assert.Equal(Array.Empty<byte>(), decoded[4]);

        Assert.Contains("ends before column 6", Assert.Throws<UdfException>(() => DirectRow.Decode(bytes, 6, "f")).Cause);
        Assert.Contains("bytes after the last", Assert.Throws<UdfException>(() => DirectRow.Decode(bytes, 4, "f")).Cause);
        Assert.Contains("truncated integer", Assert.Throws<UdfException>(() => DirectRow.Decode(bytes[..5], 1, "f")).Cause);
        Assert.Contains("unknown cell tag 9", Assert.Throws<UdfException>(() => DirectRow.Decode([9], 1, "f")).Cause);
        Assert.Contains("claimed", Assert.Throws<UdfException>(() => DirectRow.Decode([3, 255, 255, 255, 255, 1], 1, "f")).Cause);
        Assert.Contains("not valid UTF-8", Assert.Throws<UdfException>(() => DirectRow.Decode([3, 1, 0, 0, 0, 0xff], 1, "f")).Cause);
    }
}
