// An untyped wasm value for the dynamic embedding API (Function.Invoke, Global.Value).
// Typed delegates (Instance.GetFunction<...>) avoid this struct entirely on hot paths.
namespace Wasql.Wasm;

public readonly struct Value : IEquatable<Value>
{
    /// <summary>Raw bits of numeric values (floats as their IEEE bit pattern; v128 low half).</summary>
    public readonly long Bits;
    /// <summary>High 64 bits of a v128.</summary>
    public readonly long BitsHigh;
    /// <summary>Reference values: a <see cref="Function"/> for funcref, any object for externref; null is ref.null.</summary>
    public readonly object? Ref;
    public readonly ValType Type;

    private Value(ValType type, long bits, long high = 0, object? reference = null)
    {
        Type = type;
        Bits = bits;
        BitsHigh = high;
        Ref = reference;
    }

    public static Value FromI32(int v) => new(ValType.I32, (uint)v);
    public static Value FromI64(long v) => new(ValType.I64, v);
    public static Value FromF32(float v) => new(ValType.F32, (uint)BitConverter.SingleToInt32Bits(v));
    public static Value FromF32Bits(uint bits) => new(ValType.F32, bits);
    public static Value FromF64(double v) => new(ValType.F64, BitConverter.DoubleToInt64Bits(v));
    public static Value FromF64Bits(ulong bits) => new(ValType.F64, (long)bits);
    public static Value FromV128(long low, long high) => new(ValType.V128, low, high);
    public static Value FromFuncRef(Function? f) => new(ValType.FuncRef, 0, 0, f);
    public static Value FromExternRef(object? o) => new(ValType.ExternRef, 0, 0, o);
    public static Value Null(ValType refType) => new(refType, 0);

    /// <summary>The zero value of a type (what locals and new table slots start as).</summary>
    public static Value Default(ValType t) => new(t, 0);

    public int I32 => (int)Bits;
    public long I64 => Bits;
    public float F32 => BitConverter.Int32BitsToSingle((int)Bits);
    public double F64 => BitConverter.Int64BitsToDouble(Bits);
    public bool IsNull => Type.IsReference() && Ref is null;

    public bool Equals(Value o) => Type == o.Type && Bits == o.Bits && BitsHigh == o.BitsHigh && ReferenceEquals(Ref, o.Ref);
    public override bool Equals(object? obj) => obj is Value v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Type, Bits, BitsHigh, Ref);

    public override string ToString() => Type switch
    {
        ValType.I32 => $"i32:{I32}",
        ValType.I64 => $"i64:{I64}",
        ValType.F32 => $"f32:{F32}",
        ValType.F64 => $"f64:{F64}",
        ValType.V128 => $"v128:0x{BitsHigh:x16}{Bits:x16}",
        _ => Ref is null ? $"{Type.Name()}:null" : $"{Type.Name()}:{Ref}",
    };
}
