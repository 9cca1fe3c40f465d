// Static signature tables for the "plain" instructions whose typing depends only on the opcode:
// numeric unary/binary/compare/convert operators (single-byte and 0xFC trunc_sat) and the memory
// loads/stores (value type + natural alignment). Built once; lookups are array indexing.
namespace Wasql.Wasm.Validation;

/// <summary>[A] -> [R] or [A B] -> [R]; <see cref="B"/> is 0 for unary operators, <see cref="R"/> 0 for "no rule".</summary>
internal readonly struct OpSig(ValType a, ValType b, ValType r)
{
    public readonly ValType A = a;
    public readonly ValType B = b;
    public readonly ValType R = r;
    public bool IsDefined => R != 0;
}

/// <summary>A load or store: the value type moved and log2 of the natural alignment.</summary>
internal readonly struct MemOpRule(ValType type, byte naturalAlignLog2, bool isStore)
{
    public readonly ValType Type = type;
    public readonly byte NaturalAlignLog2 = naturalAlignLog2;
    public readonly bool IsStore = isStore;
}

internal static class OperatorRules
{
    private const ValType I32 = ValType.I32, I64 = ValType.I64, F32 = ValType.F32, F64 = ValType.F64;

    /// <summary>Numeric operators indexed by their single-byte opcode (0x45..0xC4).</summary>
    public static readonly OpSig[] Numeric = BuildNumeric();

    /// <summary>Saturating truncations, indexed by the 0xFC sub-opcode (0..7).</summary>
    public static readonly OpSig[] TruncSat =
    [
        new(F32, 0, I32), new(F32, 0, I32), new(F64, 0, I32), new(F64, 0, I32),
        new(F32, 0, I64), new(F32, 0, I64), new(F64, 0, I64), new(F64, 0, I64),
    ];

    /// <summary>Loads and stores indexed by opcode - 0x28 (0x28..0x3E).</summary>
    public static readonly MemOpRule[] Memory =
    [
        new(I32, 2, false), new(I64, 3, false), new(F32, 2, false), new(F64, 3, false), // 28..2B
        new(I32, 0, false), new(I32, 0, false), new(I32, 1, false), new(I32, 1, false), // 2C..2F
        new(I64, 0, false), new(I64, 0, false), new(I64, 1, false), new(I64, 1, false), // 30..33
        new(I64, 2, false), new(I64, 2, false),                                         // 34..35
        new(I32, 2, true), new(I64, 3, true), new(F32, 2, true), new(F64, 3, true),     // 36..39
        new(I32, 0, true), new(I32, 1, true), new(I64, 0, true), new(I64, 1, true),     // 3A..3D
        new(I64, 2, true),                                                              // 3E
    ];

    private static OpSig[] BuildNumeric()
    {
        var t = new OpSig[256];
        void Range(int from, int to, OpSig s) { for (int i = from; i <= to; i++) t[i] = s; }

        // Comparisons.
        t[0x45] = new(I32, 0, I32);
        Range(0x46, 0x4F, new(I32, I32, I32));
        t[0x50] = new(I64, 0, I32);
        Range(0x51, 0x5A, new(I64, I64, I32));
        Range(0x5B, 0x60, new(F32, F32, I32));
        Range(0x61, 0x66, new(F64, F64, I32));
        // Arithmetic.
        Range(0x67, 0x69, new(I32, 0, I32));
        Range(0x6A, 0x78, new(I32, I32, I32));
        Range(0x79, 0x7B, new(I64, 0, I64));
        Range(0x7C, 0x8A, new(I64, I64, I64));
        Range(0x8B, 0x91, new(F32, 0, F32));
        Range(0x92, 0x98, new(F32, F32, F32));
        Range(0x99, 0x9F, new(F64, 0, F64));
        Range(0xA0, 0xA6, new(F64, F64, F64));
        // Conversions.
        t[0xA7] = new(I64, 0, I32);
        Range(0xA8, 0xA9, new(F32, 0, I32));
        Range(0xAA, 0xAB, new(F64, 0, I32));
        Range(0xAC, 0xAD, new(I32, 0, I64));
        Range(0xAE, 0xAF, new(F32, 0, I64));
        Range(0xB0, 0xB1, new(F64, 0, I64));
        Range(0xB2, 0xB3, new(I32, 0, F32));
        Range(0xB4, 0xB5, new(I64, 0, F32));
        t[0xB6] = new(F64, 0, F32);
        Range(0xB7, 0xB8, new(I32, 0, F64));
        Range(0xB9, 0xBA, new(I64, 0, F64));
        t[0xBB] = new(F32, 0, F64);
        t[0xBC] = new(F32, 0, I32);
        t[0xBD] = new(F64, 0, I64);
        t[0xBE] = new(I32, 0, F32);
        t[0xBF] = new(I64, 0, F64);
        // Sign extension.
        Range(0xC0, 0xC1, new(I32, 0, I32));
        Range(0xC2, 0xC4, new(I64, 0, I64));
        return t;
    }
}
