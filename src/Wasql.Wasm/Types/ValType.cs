// Value types and the type vocabulary shared by every layer (binary codes are the enum values).
namespace Wasql.Wasm;

/// <summary>A WebAssembly value type. The numeric value is the type's binary encoding.</summary>
public enum ValType : byte
{
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    FuncRef = 0x70,
    ExternRef = 0x6F,
}

public static class ValTypeExtensions
{
    public static bool IsReference(this ValType t) => t is ValType.FuncRef or ValType.ExternRef;
    public static bool IsNumeric(this ValType t) => t is ValType.I32 or ValType.I64 or ValType.F32 or ValType.F64;

    public static string Name(this ValType t) => t switch
    {
        ValType.I32 => "i32",
        ValType.I64 => "i64",
        ValType.F32 => "f32",
        ValType.F64 => "f64",
        ValType.V128 => "v128",
        ValType.FuncRef => "funcref",
        ValType.ExternRef => "externref",
        _ => $"0x{(byte)t:x2}",
    };
}

/// <summary>The four kinds of things a module imports and exports.</summary>
public enum ExternKind : byte
{
    Func = 0,
    Table = 1,
    Memory = 2,
    Global = 3,
}
