// The immediate operands of every instruction, for code that needs to step over an instruction
// without interpreting it (constant expressions, inspection tools).
namespace Wasql.Wasm.Binary;

internal static class Immediates
{
    public static void Skip(ref WasmReader r, Opcode op)
    {
        switch (op)
        {
            case Opcode.Block or Opcode.Loop or Opcode.If:
                r.ReadS33();
                break;
            case Opcode.Br or Opcode.BrIf or Opcode.Call or Opcode.LocalGet or Opcode.LocalSet or Opcode.LocalTee
                or Opcode.GlobalGet or Opcode.GlobalSet or Opcode.TableGet or Opcode.TableSet or Opcode.RefFunc
                or Opcode.DataDrop or Opcode.ElemDrop or Opcode.TableGrow or Opcode.TableSize or Opcode.TableFill
                or Opcode.MemorySize or Opcode.MemoryGrow or Opcode.MemoryFill:
                r.ReadU32();
                break;
            case Opcode.BrTable:
                uint n = r.ReadU32();
                for (uint i = 0; i <= n; i++) r.ReadU32();
                break;
            case Opcode.CallIndirect or Opcode.MemoryInit or Opcode.MemoryCopy or Opcode.TableInit or Opcode.TableCopy:
                r.ReadU32();
                r.ReadU32();
                break;
            case Opcode.SelectTyped:
                uint k = r.ReadU32();
                for (uint i = 0; i < k; i++) r.ReadValType();
                break;
            case >= Opcode.I32Load and <= Opcode.I64Store32:
                r.ReadMemArg();
                break;
            case Opcode.I32Const: r.ReadS32(); break;
            case Opcode.I64Const: r.ReadS64(); break;
            case Opcode.F32Const: r.ReadF32Bits(); break;
            case Opcode.F64Const: r.ReadF64Bits(); break;
            case Opcode.RefNull: r.ReadRefType(); break;
            case >= Opcode.SimdPrefix:
                SkipSimd(ref r, (int)(op - Opcode.SimdPrefix));
                break;
            default:
                if ((int)op > 0xFF && (int)op < 0xFC00 || (int)op > 0xFC11 && (int)op < (int)Opcode.SimdPrefix)
                    throw r.Error($"illegal opcode {Describe(op)}");
                if ((int)op <= 0xFF && !IsKnownSingleByte((byte)op))
                    throw r.Error($"illegal opcode {Describe(op)}");
                break;
        }
    }

    private static void SkipSimd(ref WasmReader r, int sub)
    {
        switch (sub)
        {
            case <= 11 or 92 or 93: r.ReadMemArg(); break;
            case 12 or 13: r.ReadBytes(16); break;
            case >= 21 and <= 34: r.ReadByte(); break;
            case >= 84 and <= 91: r.ReadMemArg(); r.ReadByte(); break;
        }
    }

    public static bool IsKnownSingleByte(byte b) =>
        b <= 0x05 || (b >= 0x0B && b <= 0x11) || b == 0x1A || b == 0x1B || b == 0x1C ||
        (b >= 0x20 && b <= 0x26) || (b >= 0x28 && b <= 0xC4) || (b >= 0xD0 && b <= 0xD2);

    public static string Describe(Opcode op) =>
        (int)op >= (int)Opcode.SimdPrefix ? $"0xfd {(int)op - (int)Opcode.SimdPrefix}"
        : (int)op >= 0xFC00 ? $"0xfc {(int)op - 0xFC00}"
        : Enum.IsDefined(op) ? $"{op} (0x{(int)op:x2})" : $"0x{(int)op:x2}";
}
