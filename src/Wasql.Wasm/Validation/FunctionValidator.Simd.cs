// SIMD (0xFD-prefixed) instruction validation: immediates (memarg alignment, lane indices, shuffle
// lanes) and operand types, driven by the shape table of Binary/SimdOps.cs.
using Wasql.Wasm.Binary;

namespace Wasql.Wasm.Validation;

internal sealed partial class FunctionValidator
{
    private void ValidateSimd(ref WasmReader r, int subOpcode)
    {
        var op = SimdOps.Get((uint)subOpcode);
        const ValType V128 = ValType.V128;
        switch (op.Kind)
        {
            case SimdKind.Load:
                SimdMemArg(ref r, op);
                Pop(ValType.I32);
                Push(V128);
                break;
            case SimdKind.Store:
                SimdMemArg(ref r, op);
                Pop(V128);
                Pop(ValType.I32);
                break;
            case SimdKind.Const:
                r.ReadBytes(16);
                Push(V128);
                break;
            case SimdKind.Shuffle:
                for (int i = 0; i < 16; i++)
                    if (r.ReadByte() >= 32) throw Fail("invalid lane index");
                Pop(V128);
                Pop(V128);
                Push(V128);
                break;
            case SimdKind.Splat:
                Pop(op.Scalar);
                Push(V128);
                break;
            case SimdKind.ExtractLane:
                SimdLane(ref r, op);
                Pop(V128);
                Push(op.Scalar);
                break;
            case SimdKind.ReplaceLane:
                SimdLane(ref r, op);
                Pop(op.Scalar);
                Pop(V128);
                Push(V128);
                break;
            case SimdKind.LoadLane:
                SimdMemArg(ref r, op);
                SimdLane(ref r, op);
                Pop(V128);
                Pop(ValType.I32);
                Push(V128);
                break;
            case SimdKind.StoreLane:
                SimdMemArg(ref r, op);
                SimdLane(ref r, op);
                Pop(V128);
                Pop(ValType.I32);
                break;
            case SimdKind.Unary:
                Pop(V128);
                Push(V128);
                break;
            case SimdKind.Binary:
                Pop(V128);
                Pop(V128);
                Push(V128);
                break;
            case SimdKind.Ternary:
                Pop(V128);
                Pop(V128);
                Pop(V128);
                Push(V128);
                break;
            case SimdKind.Test:
                Pop(V128);
                Push(ValType.I32);
                break;
            case SimdKind.Shift:
                Pop(ValType.I32);
                Pop(V128);
                Push(V128);
                break;
            default:
                throw Malformed("illegal opcode");
        }
    }

    private void SimdMemArg(ref WasmReader r, SimdOp op)
    {
        var (align, _) = r.ReadMemArg();
        RequireMemory();
        if (align > op.AlignLog2)
            throw Fail($"alignment must not be larger than natural: 2^{align} > {1 << op.AlignLog2}");
    }

    private void SimdLane(ref WasmReader r, SimdOp op)
    {
        byte lane = r.ReadByte();
        if (lane >= op.Lanes) throw Fail($"invalid lane index: {lane} >= {op.Lanes}");
    }
}
