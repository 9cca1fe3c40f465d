// A global variable cell. Exactly one of the typed fields is used, chosen by the type, so generated
// code loads and stores it without conversions.
using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace Wasql.Wasm;

public sealed class Global : Extern
{
    [EditorBrowsable(EditorBrowsableState.Never)] public int I32;
    [EditorBrowsable(EditorBrowsableState.Never)] public long I64;
    [EditorBrowsable(EditorBrowsableState.Never)] public float F32;
    [EditorBrowsable(EditorBrowsableState.Never)] public double F64;
    [EditorBrowsable(EditorBrowsableState.Never)] public Vector128<byte> V128;
    [EditorBrowsable(EditorBrowsableState.Never)] public object? Ref;

    public GlobalType Type { get; }
    public override ExternKind Kind => ExternKind.Global;

    public Global(GlobalType type, Value initial)
    {
        Type = type;
        Store(initial);
    }

    public static Global Create(Store store, GlobalType type, Value initial) => new(type, initial);

    public Value Value
    {
        get => Type.Type switch
        {
            ValType.I32 => Value.FromI32(I32),
            ValType.I64 => Value.FromI64(I64),
            ValType.F32 => Value.FromF32(F32),
            ValType.F64 => Value.FromF64(F64),
            ValType.V128 => Value.FromV128(V128.AsInt64()[0], V128.AsInt64()[1]),
            ValType.FuncRef => Value.FromFuncRef((Function?)Ref),
            _ => Value.FromExternRef(Ref),
        };
        set
        {
            if (!Type.Mutable) throw new InvalidOperationException("global is immutable");
            Store(value);
        }
    }

    private void Store(Value v)
    {
        switch (Type.Type)
        {
            case ValType.I32: I32 = v.I32; break;
            case ValType.I64: I64 = v.I64; break;
            case ValType.F32: F32 = BitConverter.Int32BitsToSingle((int)v.Bits); break;
            case ValType.F64: F64 = BitConverter.Int64BitsToDouble(v.Bits); break;
            case ValType.V128: V128 = Vector128.Create(v.Bits, v.BitsHigh).AsByte(); break;
            default: Ref = v.Ref; break;
        }
    }
}
