// Conversions generated invokers and trampolines call between typed CIL values and the untyped Value.
using System.Reflection;
using System.Runtime.Intrinsics;

namespace Wasql.Wasm.Vm;

/// <summary>Conversions between typed CIL values and the untyped <see cref="Value"/> (public: generated trampolines call it).</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class ValueCodec
{
    internal static MethodInfo Getter(ValType t) => typeof(ValueCodec).GetMethod(t switch
    {
        ValType.I32 => nameof(GetI32),
        ValType.I64 => nameof(GetI64),
        ValType.F32 => nameof(GetF32),
        ValType.F64 => nameof(GetF64),
        ValType.V128 => nameof(GetV128),
        _ => nameof(GetRef),
    })!;

    internal static MethodInfo Maker(ValType t) => typeof(ValueCodec).GetMethod(t switch
    {
        ValType.I32 => nameof(MakeI32),
        ValType.I64 => nameof(MakeI64),
        ValType.F32 => nameof(MakeF32),
        ValType.F64 => nameof(MakeF64),
        ValType.V128 => nameof(MakeV128),
        ValType.FuncRef => nameof(MakeFuncRef),
        _ => nameof(MakeExternRef),
    })!;

    public static int GetI32(ref Value v) => (int)v.Bits;
    public static long GetI64(ref Value v) => v.Bits;
    public static float GetF32(ref Value v) => BitConverter.Int32BitsToSingle((int)v.Bits);
    public static double GetF64(ref Value v) => BitConverter.Int64BitsToDouble(v.Bits);
    public static Vector128<byte> GetV128(ref Value v) => Vector128.Create(v.Bits, v.BitsHigh).AsByte();
    public static object? GetRef(ref Value v) => v.Ref;
    public static Value MakeI32(int x) => Value.FromI32(x);
    public static Value MakeI64(long x) => Value.FromI64(x);
    public static Value MakeF32(float x) => Value.FromF32Bits((uint)BitConverter.SingleToInt32Bits(x));
    public static Value MakeF64(double x) => Value.FromF64Bits((ulong)BitConverter.DoubleToInt64Bits(x));
    public static Value MakeV128(Vector128<byte> x) => Value.FromV128(x.AsInt64()[0], x.AsInt64()[1]);
    public static Value MakeFuncRef(object? x) => Value.FromFuncRef((Function?)x);
    public static Value MakeExternRef(object? x) => Value.FromExternRef(x);
}
