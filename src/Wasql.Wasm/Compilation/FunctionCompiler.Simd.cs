// SIMD (0xFD-prefixed) instructions. v128 values are Vector128<byte> on the CIL stack; every lane
// operation is a call to the VmHelpers method named after the instruction (VmHelpers.Simd.cs), all of
// them AggressiveInlining over Vector128/Sse* intrinsics, so RyuJIT turns each into a few SSE
// instructions. Memory forms reuse the bounds-checked EmitEffectiveAddress and pass the native pointer.
using System.Reflection;
using System.Reflection.Emit;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    private static readonly MethodInfo?[] s_simdHelpers = new MethodInfo?[256];

    /// <summary>The IL offset just after the last v128.const (see the float arithmetic case).</summary>
    private int _v128ConstEnd = -1;

    private static MethodInfo SimdHelper(uint sub, SimdOp op)
    {
        var m = Volatile.Read(ref s_simdHelpers[sub]);
        if (m is null)
        {
            m = typeof(VmHelpers).GetMethod(op.HelperName)
                ?? throw new WasmException($"SIMD instruction {op.Name} has no implementation ({op.HelperName})");
            Volatile.Write(ref s_simdHelpers[sub], m);
        }
        return m;
    }

    private void EmitSimd(ref WasmReader r, Opcode opcode)
    {
        uint sub = (uint)(opcode - Opcode.SimdPrefix);
        var op = SimdOps.Get(sub);
        switch (op.Kind)
        {
            case SimdKind.Load:
            {
                uint offset = r.ReadMemArg().Offset;
                Pop();
                _memory.EmitEffectiveAddress(offset, op.AccessSize);
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                Push(ValType.V128);
                return;
            }
            case SimdKind.Store or SimdKind.LoadLane or SimdKind.StoreLane:
            {
                uint offset = r.ReadMemArg().Offset;
                int lane = op.Kind == SimdKind.Store ? -1 : r.ReadByte();
                Pop();
                var value = _temps.Rent(typeof(System.Runtime.Intrinsics.Vector128<byte>));
                _il.Emit(OpCodes.Stloc, value);
                Pop();
                _memory.EmitEffectiveAddress(offset, op.AccessSize);
                _il.Emit(OpCodes.Ldloc, value);
                _temps.Return(value);
                if (lane >= 0) _il.EmitI4(lane);
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                if (op.Kind == SimdKind.LoadLane) Push(ValType.V128);
                return;
            }
            case SimdKind.Const:
            {
                var bytes = r.ReadBytes(16);
                EmitV128Const(BitConverter.ToInt64(bytes[..8]), BitConverter.ToInt64(bytes[8..]));
                _v128ConstEnd = _il.ILOffset;
                Push(ValType.V128);
                return;
            }
            case SimdKind.Shuffle:
            {
                // Two pshufb masks: lanes < 16 pick from a, the rest from b; 0x80 zeroes a lane.
                var lanes = r.ReadBytes(16);
                Span<byte> ma = stackalloc byte[16], mb = stackalloc byte[16];
                for (int i = 0; i < 16; i++)
                {
                    ma[i] = lanes[i] < 16 ? lanes[i] : (byte)0x80;
                    mb[i] = lanes[i] >= 16 ? (byte)(lanes[i] - 16) : (byte)0x80;
                }
                EmitV128Const(BitConverter.ToInt64(ma[..8]), BitConverter.ToInt64(ma[8..]));
                EmitV128Const(BitConverter.ToInt64(mb[..8]), BitConverter.ToInt64(mb[8..]));
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                Pop(); Pop();
                Push(ValType.V128);
                return;
            }
            case SimdKind.Splat:
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                Pop();
                Push(ValType.V128);
                return;
            case SimdKind.ExtractLane:
                _il.EmitI4(r.ReadByte());
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                Pop();
                Push(op.Scalar);
                return;
            case SimdKind.ReplaceLane:
                _il.EmitI4(r.ReadByte());
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                Pop(); Pop();
                Push(ValType.V128);
                return;
            case SimdKind.Unary:
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                return;
            case SimdKind.Binary or SimdKind.Shift:
                // RyuJIT folds x*1, x/1, x-0, x+(-0) to x, wrong for a signalling NaN lane (the result must be
                // quiet): right after a v128.const operand, float arithmetic goes through a helper it cannot fold.
                if (_il.ILOffset == _v128ConstEnd && op.Name![0] == 'f' && op.Name[6..] is "add" or "sub" or "mul" or "div")
                    _il.Emit(OpCodes.Call, Helper(op.HelperName + "NoFold"));
                else
                    _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                Pop();
                return;
            case SimdKind.Ternary:
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                Pop(); Pop();
                return;
            case SimdKind.Test:
                _il.Emit(OpCodes.Call, SimdHelper(sub, op));
                Pop();
                Push(ValType.I32);
                return;
            default:
                throw new MalformedModuleException($"illegal opcode {Immediates.Describe(opcode)}", r.Position);
        }
    }

    private void EmitV128Const(long low, long high)
    {
        _il.EmitI8(low);
        _il.EmitI8(high);
        _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.V128Const)));
    }
}
