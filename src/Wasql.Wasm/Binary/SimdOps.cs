// The 0xFD-prefixed (SIMD, v128) instructions of Wasm 2.0: one table indexed by sub-opcode giving each
// instruction's text name, its shape of operands and immediates, and its scalar type / lane count /
// natural alignment. The validator types instructions from it; the compiler emits a call to the
// VmHelpers method named after the instruction (i8x16.add_sat_s -> I8x16AddSatS).
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Binary;

internal enum SimdKind : byte
{
    None,
    /// <summary>memarg; i32 → v128 (v128.load*, load*_splat, load*_zero).</summary>
    Load,
    /// <summary>memarg; i32 v128 → ().</summary>
    Store,
    /// <summary>16 bytes; → v128.</summary>
    Const,
    /// <summary>16 lane indices; v128 v128 → v128.</summary>
    Shuffle,
    /// <summary>scalar → v128.</summary>
    Splat,
    /// <summary>lane; v128 → scalar.</summary>
    ExtractLane,
    /// <summary>lane; v128 scalar → v128.</summary>
    ReplaceLane,
    /// <summary>memarg lane; i32 v128 → v128.</summary>
    LoadLane,
    /// <summary>memarg lane; i32 v128 → ().</summary>
    StoreLane,
    Unary,
    Binary,
    /// <summary>v128 v128 v128 → v128 (bitselect).</summary>
    Ternary,
    /// <summary>v128 → i32 (any_true, all_true, bitmask).</summary>
    Test,
    /// <summary>v128 i32 → v128.</summary>
    Shift,
}

internal readonly record struct SimdOp(string? Name, SimdKind Kind, ValType Scalar, byte Lanes, byte AlignLog2, byte AccessSize)
{
    /// <summary>The VmHelpers method implementing the instruction: the name in PascalCase without separators.</summary>
    public string HelperName => string.Concat(Name!.Split('.', '_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}

internal static class SimdOps
{
    private static readonly string?[] s_names =
    [
        // 0x00
        "v128.load", "v128.load8x8_s", "v128.load8x8_u", "v128.load16x4_s", "v128.load16x4_u", "v128.load32x2_s", "v128.load32x2_u",
        "v128.load8_splat", "v128.load16_splat", "v128.load32_splat", "v128.load64_splat", "v128.store", "v128.const",
        "i8x16.shuffle", "i8x16.swizzle", "i8x16.splat", "i16x8.splat", "i32x4.splat", "i64x2.splat", "f32x4.splat", "f64x2.splat",
        "i8x16.extract_lane_s", "i8x16.extract_lane_u", "i8x16.replace_lane", "i16x8.extract_lane_s", "i16x8.extract_lane_u",
        "i16x8.replace_lane", "i32x4.extract_lane", "i32x4.replace_lane", "i64x2.extract_lane", "i64x2.replace_lane",
        "f32x4.extract_lane", "f32x4.replace_lane", "f64x2.extract_lane", "f64x2.replace_lane",
        // 35
        "i8x16.eq", "i8x16.ne", "i8x16.lt_s", "i8x16.lt_u", "i8x16.gt_s", "i8x16.gt_u", "i8x16.le_s", "i8x16.le_u", "i8x16.ge_s", "i8x16.ge_u",
        "i16x8.eq", "i16x8.ne", "i16x8.lt_s", "i16x8.lt_u", "i16x8.gt_s", "i16x8.gt_u", "i16x8.le_s", "i16x8.le_u", "i16x8.ge_s", "i16x8.ge_u",
        "i32x4.eq", "i32x4.ne", "i32x4.lt_s", "i32x4.lt_u", "i32x4.gt_s", "i32x4.gt_u", "i32x4.le_s", "i32x4.le_u", "i32x4.ge_s", "i32x4.ge_u",
        "f32x4.eq", "f32x4.ne", "f32x4.lt", "f32x4.gt", "f32x4.le", "f32x4.ge",
        "f64x2.eq", "f64x2.ne", "f64x2.lt", "f64x2.gt", "f64x2.le", "f64x2.ge",
        // 77
        "v128.not", "v128.and", "v128.andnot", "v128.or", "v128.xor", "v128.bitselect", "v128.any_true",
        "v128.load8_lane", "v128.load16_lane", "v128.load32_lane", "v128.load64_lane",
        "v128.store8_lane", "v128.store16_lane", "v128.store32_lane", "v128.store64_lane",
        "v128.load32_zero", "v128.load64_zero", "f32x4.demote_f64x2_zero", "f64x2.promote_low_f32x4",
        // 96
        "i8x16.abs", "i8x16.neg", "i8x16.popcnt", "i8x16.all_true", "i8x16.bitmask", "i8x16.narrow_i16x8_s", "i8x16.narrow_i16x8_u",
        "f32x4.ceil", "f32x4.floor", "f32x4.trunc", "f32x4.nearest", "i8x16.shl", "i8x16.shr_s", "i8x16.shr_u",
        "i8x16.add", "i8x16.add_sat_s", "i8x16.add_sat_u", "i8x16.sub", "i8x16.sub_sat_s", "i8x16.sub_sat_u",
        "f64x2.ceil", "f64x2.floor", "i8x16.min_s", "i8x16.min_u", "i8x16.max_s", "i8x16.max_u", "f64x2.trunc", "i8x16.avgr_u",
        "i16x8.extadd_pairwise_i8x16_s", "i16x8.extadd_pairwise_i8x16_u", "i32x4.extadd_pairwise_i16x8_s", "i32x4.extadd_pairwise_i16x8_u",
        // 128
        "i16x8.abs", "i16x8.neg", "i16x8.q15mulr_sat_s", "i16x8.all_true", "i16x8.bitmask", "i16x8.narrow_i32x4_s", "i16x8.narrow_i32x4_u",
        "i16x8.extend_low_i8x16_s", "i16x8.extend_high_i8x16_s", "i16x8.extend_low_i8x16_u", "i16x8.extend_high_i8x16_u",
        "i16x8.shl", "i16x8.shr_s", "i16x8.shr_u", "i16x8.add", "i16x8.add_sat_s", "i16x8.add_sat_u",
        "i16x8.sub", "i16x8.sub_sat_s", "i16x8.sub_sat_u", "f64x2.nearest", "i16x8.mul", "i16x8.min_s", "i16x8.min_u",
        "i16x8.max_s", "i16x8.max_u", null, "i16x8.avgr_u",
        "i16x8.extmul_low_i8x16_s", "i16x8.extmul_high_i8x16_s", "i16x8.extmul_low_i8x16_u", "i16x8.extmul_high_i8x16_u",
        // 160
        "i32x4.abs", "i32x4.neg", null, "i32x4.all_true", "i32x4.bitmask", null, null,
        "i32x4.extend_low_i16x8_s", "i32x4.extend_high_i16x8_s", "i32x4.extend_low_i16x8_u", "i32x4.extend_high_i16x8_u",
        "i32x4.shl", "i32x4.shr_s", "i32x4.shr_u", "i32x4.add", null, null, "i32x4.sub", null, null, null,
        "i32x4.mul", "i32x4.min_s", "i32x4.min_u", "i32x4.max_s", "i32x4.max_u", "i32x4.dot_i16x8_s", null,
        "i32x4.extmul_low_i16x8_s", "i32x4.extmul_high_i16x8_s", "i32x4.extmul_low_i16x8_u", "i32x4.extmul_high_i16x8_u",
        // 192
        "i64x2.abs", "i64x2.neg", null, "i64x2.all_true", "i64x2.bitmask", null, null,
        "i64x2.extend_low_i32x4_s", "i64x2.extend_high_i32x4_s", "i64x2.extend_low_i32x4_u", "i64x2.extend_high_i32x4_u",
        "i64x2.shl", "i64x2.shr_s", "i64x2.shr_u", "i64x2.add", null, null, "i64x2.sub", null, null, null,
        "i64x2.mul", "i64x2.eq", "i64x2.ne", "i64x2.lt_s", "i64x2.gt_s", "i64x2.le_s", "i64x2.ge_s",
        "i64x2.extmul_low_i32x4_s", "i64x2.extmul_high_i32x4_s", "i64x2.extmul_low_i32x4_u", "i64x2.extmul_high_i32x4_u",
        // 224
        "f32x4.abs", "f32x4.neg", null, "f32x4.sqrt", "f32x4.add", "f32x4.sub", "f32x4.mul", "f32x4.div",
        "f32x4.min", "f32x4.max", "f32x4.pmin", "f32x4.pmax",
        "f64x2.abs", "f64x2.neg", null, "f64x2.sqrt", "f64x2.add", "f64x2.sub", "f64x2.mul", "f64x2.div",
        "f64x2.min", "f64x2.max", "f64x2.pmin", "f64x2.pmax",
        "i32x4.trunc_sat_f32x4_s", "i32x4.trunc_sat_f32x4_u", "f32x4.convert_i32x4_s", "f32x4.convert_i32x4_u",
        "i32x4.trunc_sat_f64x2_s_zero", "i32x4.trunc_sat_f64x2_u_zero", "f64x2.convert_low_i32x4_s", "f64x2.convert_low_i32x4_u",
    ];

    private static readonly SimdOp[] s_table = Build();

    /// <summary>The instruction with this sub-opcode; Name is null (Kind None) for an illegal one.</summary>
    public static SimdOp Get(uint sub) => sub < (uint)s_table.Length ? s_table[sub] : default;

    private static SimdOp[] Build()
    {
        if (s_names.Length != 256) throw new InvalidOperationException($"SIMD opcode table has {s_names.Length} entries");
        var t = new SimdOp[256];
        for (int i = 0; i < 256; i++)
        {
            var name = s_names[i];
            if (name is null) continue;
            string shape = name[..name.IndexOf('.')];
            string op = name[(name.IndexOf('.') + 1)..];
            var (scalar, lanes) = shape switch
            {
                "i8x16" => (ValType.I32, (byte)16),
                "i16x8" => (ValType.I32, (byte)8),
                "i32x4" => (ValType.I32, (byte)4),
                "i64x2" => (ValType.I64, (byte)2),
                "f32x4" => (ValType.F32, (byte)4),
                "f64x2" => (ValType.F64, (byte)2),
                _ => (ValType.V128, (byte)16),
            };
            byte size = 0;
            SimdKind kind;
            switch (i)
            {
                case 0: kind = SimdKind.Load; size = 16; break;
                case >= 1 and <= 6: kind = SimdKind.Load; size = 8; break;
                case >= 7 and <= 10: kind = SimdKind.Load; size = (byte)(1 << (i - 7)); break;
                case 92: kind = SimdKind.Load; size = 4; break;
                case 93: kind = SimdKind.Load; size = 8; break;
                case 11: kind = SimdKind.Store; size = 16; break;
                case 12: kind = SimdKind.Const; break;
                case 13: kind = SimdKind.Shuffle; break;
                case >= 15 and <= 20: kind = SimdKind.Splat; break;
                case >= 21 and <= 34: kind = op.StartsWith("extract", StringComparison.Ordinal) ? SimdKind.ExtractLane : SimdKind.ReplaceLane; break;
                case >= 84 and <= 87: kind = SimdKind.LoadLane; size = (byte)(1 << (i - 84)); lanes = (byte)(16 >> (i - 84)); break;
                case >= 88 and <= 91: kind = SimdKind.StoreLane; size = (byte)(1 << (i - 88)); lanes = (byte)(16 >> (i - 88)); break;
                case 82: kind = SimdKind.Ternary; break;
                default:
                    if (op is "any_true" or "all_true" or "bitmask") kind = SimdKind.Test;
                    else if (op is "shl" or "shr_s" or "shr_u") kind = SimdKind.Shift;
                    else if (op.StartsWith("abs") || op.StartsWith("neg") || op.StartsWith("not") || op.StartsWith("popcnt")
                        || op.StartsWith("sqrt") || op.StartsWith("ceil") || op.StartsWith("floor") || op.StartsWith("trunc")
                        || op.StartsWith("nearest") || op.StartsWith("extend") || op.StartsWith("extadd") || op.StartsWith("convert")
                        || op.StartsWith("demote") || op.StartsWith("promote"))
                        kind = SimdKind.Unary;
                    else kind = SimdKind.Binary;
                    break;
            }
            byte align = size switch { 16 => 4, 8 => 3, 4 => 2, 2 => 1, _ => 0 };
            t[i] = new SimdOp(name, kind, scalar, lanes, align, size);
        }
        return t;
    }
}
