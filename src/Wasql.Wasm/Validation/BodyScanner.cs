// A decode-only pass over function bodies, run only when validation has already failed: the spec
// decodes the whole binary before validating, so a malformed body anywhere must win over an
// invalid one. Raises MalformedModuleException for bad instruction encodings; checks no types.
using Wasql.Wasm.Binary;
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Validation;

internal static class BodyScanner
{
    public static void ThrowIfAnyMalformed(ModuleInfo info)
    {
        foreach (var body in info.Bodies) Scan(info, body);
    }

    private static void Scan(ModuleInfo info, FunctionBody body)
    {
        var r = new WasmReader(info.Bytes, body.CodeOffset, body.End);
        long depth = 1;
        while (true)
        {
            if (r.AtEnd) throw r.Error("END opcode expected");
            int at = r.Position;
            var op = r.ReadOpcode();
            switch (op)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If:
                    long bt = r.ReadS33();
                    if (bt < 0 && bt != -64 && !(bt >= -128 && Enum.IsDefined((ValType)(byte)(bt & 0x7F))))
                        throw WasmReader.Error("malformed block type", at);
                    depth++;
                    break;
                case Opcode.End:
                    if (--depth == 0)
                    {
                        if (!r.AtEnd) throw r.Error("section size mismatch: operators remain after the final end");
                        return;
                    }
                    break;
                case Opcode.MemorySize or Opcode.MemoryGrow or Opcode.MemoryFill:
                    ZeroByte(ref r);
                    break;
                case Opcode.MemoryCopy:
                    ZeroByte(ref r);
                    ZeroByte(ref r);
                    break;
                case Opcode.MemoryInit:
                    r.ReadU32();
                    ZeroByte(ref r);
                    if (info.DataCount is null) throw WasmReader.Error("data count section required", at);
                    break;
                case Opcode.DataDrop:
                    r.ReadU32();
                    if (info.DataCount is null) throw WasmReader.Error("data count section required", at);
                    break;
                default:
                    Immediates.Skip(ref r, op);
                    break;
            }
        }
    }

    private static void ZeroByte(ref WasmReader r)
    {
        int at = r.Position;
        if (r.ReadByte() != 0) throw WasmReader.Error("zero byte expected", at);
    }
}
