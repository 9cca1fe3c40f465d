// Numeric instructions: comparisons, arithmetic, bit operations and conversions. Where CIL matches
// wasm exactly the opcode is emitted inline; otherwise a VmHelpers method with wasm semantics is called.
using System.Reflection.Emit;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    private bool EmitNumeric(Opcode op)
    {
        switch (op)
        {
            case Opcode.I32Eqz: _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(1, ValType.I32); return true;
            case Opcode.I32Eq: _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I32Ne: _il.Emit(OpCodes.Ceq); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I32LtS: _il.Emit(OpCodes.Clt); Retype(2, ValType.I32); return true;
            case Opcode.I32LtU: _il.Emit(OpCodes.Clt_Un); Retype(2, ValType.I32); return true;
            case Opcode.I32GtS: _il.Emit(OpCodes.Cgt); Retype(2, ValType.I32); return true;
            case Opcode.I32GtU: _il.Emit(OpCodes.Cgt_Un); Retype(2, ValType.I32); return true;
            case Opcode.I32LeS: _il.Emit(OpCodes.Cgt); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I32LeU: _il.Emit(OpCodes.Cgt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I32GeS: _il.Emit(OpCodes.Clt); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I32GeU: _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I64Eqz: _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Conv_I8); _il.Emit(OpCodes.Ceq); Retype(1, ValType.I32); return true;
            case Opcode.I64Eq: _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I64Ne: _il.Emit(OpCodes.Ceq); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I64LtS: _il.Emit(OpCodes.Clt); Retype(2, ValType.I32); return true;
            case Opcode.I64LtU: _il.Emit(OpCodes.Clt_Un); Retype(2, ValType.I32); return true;
            case Opcode.I64GtS: _il.Emit(OpCodes.Cgt); Retype(2, ValType.I32); return true;
            case Opcode.I64GtU: _il.Emit(OpCodes.Cgt_Un); Retype(2, ValType.I32); return true;
            case Opcode.I64LeS: _il.Emit(OpCodes.Cgt); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I64LeU: _il.Emit(OpCodes.Cgt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I64GeS: _il.Emit(OpCodes.Clt); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I64GeU: _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.F32Eq: _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.F32Ne: _il.Emit(OpCodes.Ceq); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.F32Lt: _il.Emit(OpCodes.Clt); Retype(2, ValType.I32); return true;
            case Opcode.F32Gt: _il.Emit(OpCodes.Cgt); Retype(2, ValType.I32); return true;
            case Opcode.F32Le: _il.Emit(OpCodes.Cgt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.F32Ge: _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.F64Eq: _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.F64Ne: _il.Emit(OpCodes.Ceq); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.F64Lt: _il.Emit(OpCodes.Clt); Retype(2, ValType.I32); return true;
            case Opcode.F64Gt: _il.Emit(OpCodes.Cgt); Retype(2, ValType.I32); return true;
            case Opcode.F64Le: _il.Emit(OpCodes.Cgt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.F64Ge: _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); Retype(2, ValType.I32); return true;
            case Opcode.I32Clz: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32Clz))); Retype(1, ValType.I32); return true;
            case Opcode.I32Ctz: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32Ctz))); Retype(1, ValType.I32); return true;
            case Opcode.I32Popcnt: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32Popcnt))); Retype(1, ValType.I32); return true;
            case Opcode.I32Add: _il.Emit(OpCodes.Add); Retype(2, ValType.I32); return true;
            case Opcode.I32Sub: _il.Emit(OpCodes.Sub); Retype(2, ValType.I32); return true;
            case Opcode.I32Mul: _il.Emit(OpCodes.Mul); Retype(2, ValType.I32); return true;
            case Opcode.I32DivS: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32DivS))); Retype(2, ValType.I32); return true;
            case Opcode.I32DivU: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32DivU))); Retype(2, ValType.I32); return true;
            case Opcode.I32RemS: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32RemS))); Retype(2, ValType.I32); return true;
            case Opcode.I32RemU: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32RemU))); Retype(2, ValType.I32); return true;
            case Opcode.I32Rotl: EmitRotate(32, left: true, nameof(VmHelpers.I32Rotl)); Retype(2, ValType.I32); return true;
            case Opcode.I32Rotr: EmitRotate(32, left: false, nameof(VmHelpers.I32Rotr)); Retype(2, ValType.I32); return true;
            case Opcode.I32And: _il.Emit(OpCodes.And); Retype(2, ValType.I32); return true;
            case Opcode.I32Or: _il.Emit(OpCodes.Or); Retype(2, ValType.I32); return true;
            case Opcode.I32Xor: _il.Emit(OpCodes.Xor); Retype(2, ValType.I32); return true;
            case Opcode.I32Shl: _il.EmitI4(31); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shl); Retype(2, ValType.I32); return true;
            case Opcode.I32ShrS: _il.EmitI4(31); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shr); Retype(2, ValType.I32); return true;
            case Opcode.I32ShrU: _il.EmitI4(31); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shr_Un); Retype(2, ValType.I32); return true;
            case Opcode.I64Clz: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64Clz))); Retype(1, ValType.I64); return true;
            case Opcode.I64Ctz: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64Ctz))); Retype(1, ValType.I64); return true;
            case Opcode.I64Popcnt: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64Popcnt))); Retype(1, ValType.I64); return true;
            case Opcode.I64Add: _il.Emit(OpCodes.Add); Retype(2, ValType.I64); return true;
            case Opcode.I64Sub: _il.Emit(OpCodes.Sub); Retype(2, ValType.I64); return true;
            case Opcode.I64Mul: _il.Emit(OpCodes.Mul); Retype(2, ValType.I64); return true;
            case Opcode.I64DivS: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64DivS))); Retype(2, ValType.I64); return true;
            case Opcode.I64DivU: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64DivU))); Retype(2, ValType.I64); return true;
            case Opcode.I64RemS: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64RemS))); Retype(2, ValType.I64); return true;
            case Opcode.I64RemU: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64RemU))); Retype(2, ValType.I64); return true;
            case Opcode.I64Rotl: EmitRotate(64, left: true, nameof(VmHelpers.I64Rotl)); Retype(2, ValType.I64); return true;
            case Opcode.I64Rotr: EmitRotate(64, left: false, nameof(VmHelpers.I64Rotr)); Retype(2, ValType.I64); return true;
            case Opcode.I64And: _il.Emit(OpCodes.And); Retype(2, ValType.I64); return true;
            case Opcode.I64Or: _il.Emit(OpCodes.Or); Retype(2, ValType.I64); return true;
            case Opcode.I64Xor: _il.Emit(OpCodes.Xor); Retype(2, ValType.I64); return true;
            case Opcode.I64Shl: _il.Emit(OpCodes.Conv_I4); _il.EmitI4(63); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shl); Retype(2, ValType.I64); return true;
            case Opcode.I64ShrS: _il.Emit(OpCodes.Conv_I4); _il.EmitI4(63); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shr); Retype(2, ValType.I64); return true;
            case Opcode.I64ShrU: _il.Emit(OpCodes.Conv_I4); _il.EmitI4(63); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shr_Un); Retype(2, ValType.I64); return true;
            case Opcode.F32Abs: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Abs))); Retype(1, ValType.F32); return true;
            case Opcode.F32Ceil: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Ceil))); Retype(1, ValType.F32); return true;
            case Opcode.F32Floor: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Floor))); Retype(1, ValType.F32); return true;
            case Opcode.F32Trunc: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Trunc))); Retype(1, ValType.F32); return true;
            case Opcode.F32Nearest: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Nearest))); Retype(1, ValType.F32); return true;
            case Opcode.F32Sqrt: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Sqrt))); Retype(1, ValType.F32); return true;
            case Opcode.F32Neg: _il.Emit(OpCodes.Neg); Retype(1, ValType.F32); return true;
            case Opcode.F32Add: EmitFloatArithmetic(OpCodes.Add, nameof(VmHelpers.F32Add)); Retype(2, ValType.F32); return true;
            case Opcode.F32Sub: EmitFloatArithmetic(OpCodes.Sub, nameof(VmHelpers.F32Sub)); Retype(2, ValType.F32); return true;
            case Opcode.F32Mul: EmitFloatArithmetic(OpCodes.Mul, nameof(VmHelpers.F32Mul)); Retype(2, ValType.F32); return true;
            case Opcode.F32Div: EmitFloatArithmetic(OpCodes.Div, nameof(VmHelpers.F32Div)); Retype(2, ValType.F32); return true;
            case Opcode.F32Min: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Min))); Retype(2, ValType.F32); return true;
            case Opcode.F32Max: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Max))); Retype(2, ValType.F32); return true;
            case Opcode.F32Copysign: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32Copysign))); Retype(2, ValType.F32); return true;
            case Opcode.F64Abs: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Abs))); Retype(1, ValType.F64); return true;
            case Opcode.F64Ceil: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Ceil))); Retype(1, ValType.F64); return true;
            case Opcode.F64Floor: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Floor))); Retype(1, ValType.F64); return true;
            case Opcode.F64Trunc: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Trunc))); Retype(1, ValType.F64); return true;
            case Opcode.F64Nearest: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Nearest))); Retype(1, ValType.F64); return true;
            case Opcode.F64Sqrt: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Sqrt))); Retype(1, ValType.F64); return true;
            case Opcode.F64Neg: _il.Emit(OpCodes.Neg); Retype(1, ValType.F64); return true;
            case Opcode.F64Add: EmitFloatArithmetic(OpCodes.Add, nameof(VmHelpers.F64Add)); Retype(2, ValType.F64); return true;
            case Opcode.F64Sub: EmitFloatArithmetic(OpCodes.Sub, nameof(VmHelpers.F64Sub)); Retype(2, ValType.F64); return true;
            case Opcode.F64Mul: EmitFloatArithmetic(OpCodes.Mul, nameof(VmHelpers.F64Mul)); Retype(2, ValType.F64); return true;
            case Opcode.F64Div: EmitFloatArithmetic(OpCodes.Div, nameof(VmHelpers.F64Div)); Retype(2, ValType.F64); return true;
            case Opcode.F64Min: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Min))); Retype(2, ValType.F64); return true;
            case Opcode.F64Max: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Max))); Retype(2, ValType.F64); return true;
            case Opcode.F64Copysign: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64Copysign))); Retype(2, ValType.F64); return true;
            case Opcode.I32WrapI64: _il.Emit(OpCodes.Conv_I4); Retype(1, ValType.I32); return true;
            case Opcode.I32TruncF32S: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32TruncF32S))); Retype(1, ValType.I32); return true;
            case Opcode.I32TruncF32U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32TruncF32U))); Retype(1, ValType.I32); return true;
            case Opcode.I32TruncF64S: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32TruncF64S))); Retype(1, ValType.I32); return true;
            case Opcode.I32TruncF64U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32TruncF64U))); Retype(1, ValType.I32); return true;
            case Opcode.I64ExtendI32S: _il.Emit(OpCodes.Conv_I8); Retype(1, ValType.I64); return true;
            case Opcode.I64ExtendI32U: _il.Emit(OpCodes.Conv_U8); Retype(1, ValType.I64); return true;
            case Opcode.I64TruncF32S: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64TruncF32S))); Retype(1, ValType.I64); return true;
            case Opcode.I64TruncF32U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64TruncF32U))); Retype(1, ValType.I64); return true;
            case Opcode.I64TruncF64S: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64TruncF64S))); Retype(1, ValType.I64); return true;
            case Opcode.I64TruncF64U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64TruncF64U))); Retype(1, ValType.I64); return true;
            case Opcode.F32ConvertI32S: _il.Emit(OpCodes.Conv_R4); Retype(1, ValType.F32); return true;
            case Opcode.F32ConvertI32U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32ConvertI32U))); Retype(1, ValType.F32); return true;
            case Opcode.F32ConvertI64S: _il.Emit(OpCodes.Conv_R4); Retype(1, ValType.F32); return true;
            case Opcode.F32ConvertI64U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32ConvertI64U))); Retype(1, ValType.F32); return true;
            case Opcode.F32DemoteF64: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32DemoteF64))); Retype(1, ValType.F32); return true;
            case Opcode.F64ConvertI32S: _il.Emit(OpCodes.Conv_R8); Retype(1, ValType.F64); return true;
            case Opcode.F64ConvertI32U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64ConvertI32U))); Retype(1, ValType.F64); return true;
            case Opcode.F64ConvertI64S: _il.Emit(OpCodes.Conv_R8); Retype(1, ValType.F64); return true;
            case Opcode.F64ConvertI64U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64ConvertI64U))); Retype(1, ValType.F64); return true;
            case Opcode.F64PromoteF32: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F64PromoteF32))); Retype(1, ValType.F64); return true;
            case Opcode.I32ReinterpretF32: _il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.SingleToInt32Bits))!); Retype(1, ValType.I32); return true;
            case Opcode.I64ReinterpretF64: _il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.DoubleToInt64Bits))!); Retype(1, ValType.I64); return true;
            case Opcode.F32ReinterpretI32: _il.Emit(OpCodes.Call, typeof(VmHelpers).GetMethod(nameof(VmHelpers.F32ReinterpretI32))!); Retype(1, ValType.F32); return true;
            case Opcode.F64ReinterpretI64: _il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.Int64BitsToDouble))!); Retype(1, ValType.F64); return true;
            case Opcode.I32Extend8S: _il.Emit(OpCodes.Conv_I1); Retype(1, ValType.I32); return true;
            case Opcode.I32Extend16S: _il.Emit(OpCodes.Conv_I2); Retype(1, ValType.I32); return true;
            case Opcode.I64Extend8S: _il.Emit(OpCodes.Conv_I1); _il.Emit(OpCodes.Conv_I8); Retype(1, ValType.I64); return true;
            case Opcode.I64Extend16S: _il.Emit(OpCodes.Conv_I2); _il.Emit(OpCodes.Conv_I8); Retype(1, ValType.I64); return true;
            case Opcode.I64Extend32S: _il.Emit(OpCodes.Conv_I4); _il.Emit(OpCodes.Conv_I8); Retype(1, ValType.I64); return true;
            case Opcode.I32TruncSatF32S: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32TruncSatF32S))); Retype(1, ValType.I32); return true;
            case Opcode.I32TruncSatF32U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32TruncSatF32U))); Retype(1, ValType.I32); return true;
            case Opcode.I32TruncSatF64S: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32TruncSatF64S))); Retype(1, ValType.I32); return true;
            case Opcode.I32TruncSatF64U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I32TruncSatF64U))); Retype(1, ValType.I32); return true;
            case Opcode.I64TruncSatF32S: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64TruncSatF32S))); Retype(1, ValType.I64); return true;
            case Opcode.I64TruncSatF32U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64TruncSatF32U))); Retype(1, ValType.I64); return true;
            case Opcode.I64TruncSatF64S: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64TruncSatF64S))); Retype(1, ValType.I64); return true;
            case Opcode.I64TruncSatF64U: _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.I64TruncSatF64U))); Retype(1, ValType.I64); return true;
            default: return false;
        }
    }

    /// <summary>
    /// Rotates. RyuJIT (.NET 10, x64) emits rol/ror/rorx for a rotate by a constant and then reuses the flags for a
    /// following test against zero, but those instructions do not set ZF: `if (i32.rotl x 20)` branched on stale flags
    /// (found by the wasmtime differential fuzz test, see WasmtimeRegressionTests). A rotate by a known count is
    /// emitted as two shifts joined by an add, which the JIT does not turn back into a rotate; other counts use the helper.
    /// </summary>
    private void EmitRotate(int bits, bool left, string helper)
    {
        if (_precedingIntConst is not long count)
        {
            _il.Emit(OpCodes.Call, Helper(helper));
            return;
        }
        _il.Emit(OpCodes.Pop); // the constant count, just pushed
        int k = (int)(count & (bits - 1));
        if (!left) k = (bits - k) & (bits - 1);
        if (k == 0) return;
        var value = _temps.Rent(bits == 32 ? typeof(int) : typeof(long));
        _il.Emit(OpCodes.Stloc, value);
        _il.Emit(OpCodes.Ldloc, value);
        _il.EmitI4(k);
        _il.Emit(OpCodes.Shl);
        _il.Emit(OpCodes.Ldloc, value);
        _il.EmitI4(bits - k);
        _il.Emit(OpCodes.Shr_Un);
        _il.Emit(OpCodes.Add);
        _temps.Return(value);
    }

    /// <summary>
    /// Float add/sub/mul/div. RyuJIT folds x-0, x*1, x/1 and x+(-0) to x, which is wrong in wasm for a
    /// signalling NaN x (the result must be quiet); with such a constant operand the operation goes
    /// through a helper the JIT cannot fold.
    /// </summary>
    private void EmitFloatArithmetic(OpCode op, string helper)
    {
        if (_precedingFloatConst is double c && (c == 0 || Math.Abs(c) == 1))
            _il.Emit(OpCodes.Call, Helper(helper));
        else
            _il.Emit(op);
    }

    private void EmitF32Const(uint bits)
    {
        float v = BitConverter.Int32BitsToSingle((int)bits);
        if (float.IsNaN(v))
        {
            // RyuJIT keeps float constants as doubles, which quiets signalling NaNs: build it from bits at run time.
            _il.EmitI4((int)bits);
            _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.F32FromBits)));
        }
        else _il.Emit(OpCodes.Ldc_R4, v);
        _lastFloatConst = v;
        Push(ValType.F32);
    }

    private void EmitF64Const(ulong bits)
    {
        double v = BitConverter.Int64BitsToDouble((long)bits);
        _il.Emit(OpCodes.Ldc_R8, v);
        _lastFloatConst = v;
        Push(ValType.F64);
    }

    /// <summary>Updates the type stack for an instruction popping <paramref name="pops"/> operands and pushing one result.</summary>
    private void Retype(int pops, ValType push)
    {
        for (int i = 0; i < pops; i++) Pop();
        Push(push);
    }
}
