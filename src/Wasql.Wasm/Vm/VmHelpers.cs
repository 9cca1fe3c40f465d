// Out-of-line pieces of generated code: traps, wasm-exact numeric semantics where CIL differs, and the
// bulk memory/table operations. Small ones are marked for inlining into the generated methods. Every helper is also
// AggressiveOptimization: baseline code (MinOpts) calls them instead of inlining them, and left to .NET's tiering they
// would run as unoptimized Tier0 code for as long as new code keeps being compiled (SQLite: 9% of its run was Tier0
// VmHelpers.Address). Inlining into optimized code is unaffected.
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Wasql.Wasm.Vm;

[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe partial class VmHelpers
{
    // ---- reinterpretation ---------------------------------------------------------------------
    // f32.reinterpret_i32 through a vector register instead of BitConverter.Int32BitsToSingle: RyuJIT folds
    // BITCAST(small-typed load) into a 4-byte float load, so `i32.load16_s` + `f32.reinterpret_i32` read two bytes too
    // many (found by the wasmtime differential fuzz test; see WasmtimeOracleTests and EngineRegressionTests).
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float F32ReinterpretI32(int bits) =>
        System.Runtime.Intrinsics.Vector128.ToScalar(System.Runtime.Intrinsics.Vector128.AsSingle(System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(bits)));

    // ---- traps --------------------------------------------------------------------------------
    // Deliberately not NoInlining: RyuJIT reads these bodies, sees they always throw and treats the call
    // sites as cold, no-return paths. Hidden behind NoInlining they look like ordinary calls and every
    // live float register gets spilled around every bounds check.
    [DoesNotReturn]
    public static void Trap(int code) => throw new TrapException((TrapCode)code);

    [DoesNotReturn]
    public static void MemoryOutOfBounds() => throw new TrapException(TrapCode.MemoryOutOfBounds);

    [DoesNotReturn]
    public static void StackExhausted() => throw new TrapException(TrapCode.StackExhausted);

    /// <summary>The `unreachable` instruction: generated code throws the returned exception, ending the CIL block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception UnreachableTrap() => new TrapException(TrapCode.Unreachable);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void OutOfFuelOrInterrupted(VmContext ctx)
    {
        var ex = ctx.Exec;
        if (ex.Interrupt != 0) throw new TrapException(TrapCode.Interrupted, ex.InterruptReason);
        if (ex.Fuel < 0) throw new TrapException(TrapCode.OutOfFuel);
    }

    // ---- integer arithmetic -------------------------------------------------------------------
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int I32DivS(int a, int b)
    {
        if (b == 0) Trap((int)TrapCode.IntegerDivideByZero);
        if (b == -1 && a == int.MinValue) Trap((int)TrapCode.IntegerOverflow);
        return a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int I32DivU(int a, int b)
    {
        if (b == 0) Trap((int)TrapCode.IntegerDivideByZero);
        return (int)((uint)a / (uint)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int I32RemS(int a, int b)
    {
        if (b == 0) Trap((int)TrapCode.IntegerDivideByZero);
        return b == -1 ? 0 : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int I32RemU(int a, int b)
    {
        if (b == 0) Trap((int)TrapCode.IntegerDivideByZero);
        return (int)((uint)a % (uint)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static long I64DivS(long a, long b)
    {
        if (b == 0) Trap((int)TrapCode.IntegerDivideByZero);
        if (b == -1 && a == long.MinValue) Trap((int)TrapCode.IntegerOverflow);
        return a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static long I64DivU(long a, long b)
    {
        if (b == 0) Trap((int)TrapCode.IntegerDivideByZero);
        return (long)((ulong)a / (ulong)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static long I64RemS(long a, long b)
    {
        if (b == 0) Trap((int)TrapCode.IntegerDivideByZero);
        return b == -1 ? 0 : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static long I64RemU(long a, long b)
    {
        if (b == 0) Trap((int)TrapCode.IntegerDivideByZero);
        return (long)((ulong)a % (ulong)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static int I32Clz(int a) => System.Numerics.BitOperations.LeadingZeroCount((uint)a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static int I32Ctz(int a) => System.Numerics.BitOperations.TrailingZeroCount(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static int I32Popcnt(int a) => System.Numerics.BitOperations.PopCount((uint)a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static int I32Rotl(int a, int b) => (int)System.Numerics.BitOperations.RotateLeft((uint)a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static int I32Rotr(int a, int b) => (int)System.Numerics.BitOperations.RotateRight((uint)a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static long I64Clz(long a) => System.Numerics.BitOperations.LeadingZeroCount((ulong)a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static long I64Ctz(long a) => a == 0 ? 64 : System.Numerics.BitOperations.TrailingZeroCount(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static long I64Popcnt(long a) => System.Numerics.BitOperations.PopCount((ulong)a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static long I64Rotl(long a, long b) => (long)System.Numerics.BitOperations.RotateLeft((ulong)a, (int)b);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static long I64Rotr(long a, long b) => (long)System.Numerics.BitOperations.RotateRight((ulong)a, (int)b);

    // ---- floats: NaN results must be quiet (arithmetic) NaNs; x + x quiets a signalling NaN ------
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float F32Min(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float F32Max(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double F64Min(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double F64Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Ceil(float a) => float.IsNaN(a) ? a + a : MathF.Ceiling(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Floor(float a) => float.IsNaN(a) ? a + a : MathF.Floor(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Trunc(float a) => float.IsNaN(a) ? a + a : MathF.Truncate(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Nearest(float a) => float.IsNaN(a) ? a + a : MathF.Round(a, MidpointRounding.ToEven);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Sqrt(float a) => MathF.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Ceil(double a) => double.IsNaN(a) ? a + a : Math.Ceiling(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Floor(double a) => double.IsNaN(a) ? a + a : Math.Floor(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Trunc(double a) => double.IsNaN(a) ? a + a : Math.Truncate(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Nearest(double a) => double.IsNaN(a) ? a + a : Math.Round(a, MidpointRounding.ToEven);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Sqrt(double a) => Math.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float F32Abs(float a) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & int.MaxValue);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float F32Neg(float a) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) ^ int.MinValue);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float F32Copysign(float a, float b) => BitConverter.Int32BitsToSingle(
        (BitConverter.SingleToInt32Bits(a) & int.MaxValue) | (BitConverter.SingleToInt32Bits(b) & int.MinValue));
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double F64Abs(double a) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) & long.MaxValue);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double F64Neg(double a) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) ^ long.MinValue);
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double F64Copysign(double a, double b) => BitConverter.Int64BitsToDouble(
        (BitConverter.DoubleToInt64Bits(a) & long.MaxValue) | (BitConverter.DoubleToInt64Bits(b) & long.MinValue));

    // Not inlined: they exist so the JIT cannot fold x-0, x*1, x/1 (see FunctionCompiler.EmitFloatArithmetic).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Add(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Sub(float a, float b) => a - b;
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Mul(float a, float b) => a * b;
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static float F32Div(float a, float b) => a / b;
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Add(double a, double b) => a + b;
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Sub(double a, double b) => a - b;
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Mul(double a, double b) => a * b;
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static double F64Div(double a, double b) => a / b;
    /// <summary>An f32 from its bits without passing through a double (keeps signalling NaN payloads).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static float F32FromBits(int bits) => BitConverter.Int32BitsToSingle(bits);

    // ---- conversions ----------------------------------------------------------------------------
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int I32TruncF32S(float a)
    {
        if (float.IsNaN(a)) Trap((int)TrapCode.InvalidConversionToInteger);
        if (!(a >= -2147483648f && a < 2147483648f)) Trap((int)TrapCode.IntegerOverflow);
        return (int)a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int I32TruncF32U(float a)
    {
        if (float.IsNaN(a)) Trap((int)TrapCode.InvalidConversionToInteger);
        if (!(a > -1f && a < 4294967296f)) Trap((int)TrapCode.IntegerOverflow);
        return (int)(uint)a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int I32TruncF64S(double a)
    {
        if (double.IsNaN(a)) Trap((int)TrapCode.InvalidConversionToInteger);
        if (!(a > -2147483649.0 && a < 2147483648.0)) Trap((int)TrapCode.IntegerOverflow);
        return (int)a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int I32TruncF64U(double a)
    {
        if (double.IsNaN(a)) Trap((int)TrapCode.InvalidConversionToInteger);
        if (!(a > -1.0 && a < 4294967296.0)) Trap((int)TrapCode.IntegerOverflow);
        return (int)(uint)a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static long I64TruncF32S(float a)
    {
        if (float.IsNaN(a)) Trap((int)TrapCode.InvalidConversionToInteger);
        if (!(a >= -9223372036854775808f && a < 9223372036854775808f)) Trap((int)TrapCode.IntegerOverflow);
        return (long)a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static long I64TruncF32U(float a)
    {
        if (float.IsNaN(a)) Trap((int)TrapCode.InvalidConversionToInteger);
        if (!(a > -1f && a < 18446744073709551616f)) Trap((int)TrapCode.IntegerOverflow);
        return (long)(ulong)a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static long I64TruncF64S(double a)
    {
        if (double.IsNaN(a)) Trap((int)TrapCode.InvalidConversionToInteger);
        if (!(a >= -9223372036854775808.0 && a < 9223372036854775808.0)) Trap((int)TrapCode.IntegerOverflow);
        return (long)a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static long I64TruncF64U(double a)
    {
        if (double.IsNaN(a)) Trap((int)TrapCode.InvalidConversionToInteger);
        if (!(a > -1.0 && a < 18446744073709551616.0)) Trap((int)TrapCode.IntegerOverflow);
        return (long)(ulong)a;
    }

    // Saturating: .NET 5+ casts saturate on x64 and Arm64 and map NaN to 0, matching wasm; spelled out anyway.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int I32TruncSatF32S(float a) => float.IsNaN(a) ? 0 : a <= -2147483648f ? int.MinValue : a >= 2147483648f ? int.MaxValue : (int)a;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int I32TruncSatF32U(float a) => float.IsNaN(a) || a <= -1f ? 0 : a >= 4294967296f ? -1 : (int)(uint)a;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int I32TruncSatF64S(double a) => double.IsNaN(a) ? 0 : a <= -2147483649.0 ? int.MinValue : a >= 2147483648.0 ? int.MaxValue : (int)a;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int I32TruncSatF64U(double a) => double.IsNaN(a) || a <= -1.0 ? 0 : a >= 4294967296.0 ? -1 : (int)(uint)a;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long I64TruncSatF32S(float a) => float.IsNaN(a) ? 0 : a <= -9223372036854775808f ? long.MinValue : a >= 9223372036854775808f ? long.MaxValue : (long)a;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long I64TruncSatF32U(float a) => float.IsNaN(a) || a <= -1f ? 0 : a >= 18446744073709551616f ? -1 : (long)(ulong)a;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long I64TruncSatF64S(double a) => double.IsNaN(a) ? 0 : a <= -9223372036854775808.0 ? long.MinValue : a >= 9223372036854775808.0 ? long.MaxValue : (long)a;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long I64TruncSatF64U(double a) => double.IsNaN(a) || a <= -1.0 ? 0 : a >= 18446744073709551616.0 ? -1 : (long)(ulong)a;

    // Unsigned 64-bit to float with a single rounding (going through double would round twice).
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float F32ConvertI64U(long a)
    {
        if (a >= 0) return a;
        ulong u = (ulong)a;
        return (float)(long)((u >> 1) | (u & 1)) * 2f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double F64ConvertI64U(long a)
    {
        if (a >= 0) return a;
        ulong u = (ulong)a;
        return (double)(long)((u >> 1) | (u & 1)) * 2.0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static float F32ConvertI32U(int a) => (float)(long)(uint)a;
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static double F64ConvertI32U(int a) => (uint)a;
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static float F32ConvertI64S(long a) => a;
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static float F32DemoteF64(double a) => double.IsNaN(a) ? (float)(a + a) : (float)a;
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)] public static double F64PromoteF32(float a) => float.IsNaN(a) ? (double)(a + a) : a;

    // ---- memory -------------------------------------------------------------------------------
    /// <summary>Bounds check of an access of [address, address + end) where end = offset + size; returns base + address (the caller adds the offset).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static nint Address(long address, long end, long length, nint memoryBase)
    {
        if ((ulong)(address + end) > (ulong)length) MemoryOutOfBounds();
        return memoryBase + (nint)address;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int MemoryGrow(int delta, VmContext ctx) => ctx.Memory!.Grow((uint)delta);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MemoryFill(int dst, int value, int count, VmContext ctx)
    {
        var m = ctx.Memory!;
        if ((ulong)(uint)dst + (uint)count > (ulong)m.Length) MemoryOutOfBounds();
        new Span<byte>((byte*)m.Base + (uint)dst, count).Fill((byte)value);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MemoryCopy(int dst, int src, int count, VmContext ctx)
    {
        var m = ctx.Memory!;
        if ((ulong)(uint)dst + (uint)count > (ulong)m.Length || (ulong)(uint)src + (uint)count > (ulong)m.Length) MemoryOutOfBounds();
        Buffer.MemoryCopy((byte*)m.Base + (uint)src, (byte*)m.Base + (uint)dst, count, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MemoryInit(int dst, int src, int count, int segment, VmContext ctx)
    {
        var m = ctx.Memory!;
        var data = ctx.Data[segment].Span;
        if ((ulong)(uint)src + (uint)count > (ulong)data.Length || (ulong)(uint)dst + (uint)count > (ulong)m.Length) MemoryOutOfBounds();
        data.Slice(src, count).CopyTo(new Span<byte>((byte*)m.Base + (uint)dst, count));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DataDrop(int segment, VmContext ctx) => ctx.Data[segment] = default;

    // ---- tables -------------------------------------------------------------------------------
    /// <summary>call_indirect's lookup: bounds, null and signature checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static Function ResolveIndirect(int index, Table table, int typeId)
    {
        var elems = table.Elements;
        if ((uint)index >= (uint)elems.Length) Trap((int)TrapCode.UndefinedElement);
        var f = Unsafe.As<Function?>(elems[index]);
        if (f is null) Trap((int)TrapCode.UninitializedElement);
        if (f!.TypeId != typeId) Trap((int)TrapCode.IndirectCallTypeMismatch);
        return f;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static object? TableGet(int index, Table table)
    {
        var e = table.Elements;
        if ((uint)index >= (uint)e.Length) Trap((int)TrapCode.TableOutOfBounds);
        return e[index];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TableSet(int index, object? value, Table table)
    {
        var e = table.Elements;
        if ((uint)index >= (uint)e.Length) Trap((int)TrapCode.TableOutOfBounds);
        e[index] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int TableSize(Table table) => table.Elements.Length;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int TableGrow(object? init, int delta, Table table) => table.Grow((uint)delta, init);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TableFill(int dst, object? value, int count, Table table)
    {
        var e = table.Elements;
        if ((ulong)(uint)dst + (uint)count > (ulong)e.Length) Trap((int)TrapCode.TableOutOfBounds);
        Array.Fill(e, value, dst, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TableCopy(int dst, int src, int count, Table dstTable, Table srcTable)
    {
        var d = dstTable.Elements;
        var s = srcTable.Elements;
        if ((ulong)(uint)dst + (uint)count > (ulong)d.Length || (ulong)(uint)src + (uint)count > (ulong)s.Length)
            Trap((int)TrapCode.TableOutOfBounds);
        Array.Copy(s, src, d, dst, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TableInit(int dst, int src, int count, Table table, int segment, VmContext ctx)
    {
        var seg = ctx.Elements[segment];
        var e = table.Elements;
        if ((ulong)(uint)src + (uint)count > (ulong)seg.Length || (ulong)(uint)dst + (uint)count > (ulong)e.Length)
            Trap((int)TrapCode.TableOutOfBounds);
        Array.Copy(seg, src, e, dst, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ElemDrop(int segment, VmContext ctx) => ctx.Elements[segment] = [];
}
