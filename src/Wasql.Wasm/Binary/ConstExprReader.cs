// Reads a constant expression (an instruction sequence ending in `end`). Wasm 2.0 allows exactly one
// constant instruction; anything else is recorded for the validator to reject with the spec's message.
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Binary;

internal static class ConstExprReader
{
    public static ConstExpr Read(ref WasmReader r)
    {
        ConstExpr result = default;
        int count = 0;
        bool nonConstant = false;
        while (true)
        {
            var op = r.ReadOpcode();
            if (op == Opcode.End) break;
            count++;
            switch (op)
            {
                case Opcode.I32Const: result = new ConstExpr(ConstKind.I32, r.ReadS32()); break;
                case Opcode.I64Const: result = new ConstExpr(ConstKind.I64, r.ReadS64()); break;
                case Opcode.F32Const: result = new ConstExpr(ConstKind.F32, r.ReadF32Bits()); break;
                case Opcode.F64Const: result = new ConstExpr(ConstKind.F64, (long)r.ReadF64Bits()); break;
                case Opcode.RefNull: result = new ConstExpr(ConstKind.RefNull, 0, 0, r.ReadRefType()); break;
                case Opcode.RefFunc: result = new ConstExpr(ConstKind.RefFunc, r.ReadU32()); break;
                case Opcode.GlobalGet: result = new ConstExpr(ConstKind.GlobalGet, r.ReadU32()); break;
                case Opcode.SimdPrefix + 12:
                    var bytes = r.ReadBytes(16);
                    result = new ConstExpr(ConstKind.V128, BitConverter.ToInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..]));
                    break;
                default:
                    Immediates.Skip(ref r, op);
                    nonConstant = true;
                    break;
            }
        }
        if (nonConstant) return new ConstExpr(ConstKind.NotConstant, 0);
        if (count != 1) return new ConstExpr(ConstKind.WrongArity, count);
        return result;
    }
}
