// Which post-MVP features a module uses (for `wasql inspect` and diagnostics): scans the module
// structure and every instruction once.
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Binary;

internal static class FeatureScanner
{
    public static WasmFeatures Scan(ModuleInfo m)
    {
        var f = WasmFeatures.None;
        if (m.Imports.Any(i => i.Kind == ExternKind.Global && i.Global.Mutable) ||
            m.Exports.Any(e => e.Kind == ExternKind.Global && m.Globals[(int)e.Index].Mutable))
            f |= WasmFeatures.MutableGlobals;
        if (m.Types.Any(t => t.Results.Length > 1)) f |= WasmFeatures.MultiValue;
        if (m.Tables.Count > 1 || m.Tables.Any(t => t.ElementType == ValType.ExternRef) || m.Elements.Any(e => e.Mode != SegmentMode.Active || e.TableIndex != 0))
            f |= WasmFeatures.ReferenceTypes;
        if (m.Data.Any(d => d.Mode == SegmentMode.Passive) || m.DataCount is not null) f |= WasmFeatures.BulkMemory;
        if (m.Types.Any(t => t.Params.Contains(ValType.V128) || t.Results.Contains(ValType.V128)) || m.Globals.Any(g => g.Type == ValType.V128))
            f |= WasmFeatures.Simd;

        foreach (var body in m.Bodies)
        {
            var r = new WasmReader(m.Bytes, body.CodeOffset, body.End);
            while (!r.AtEnd)
            {
                var op = r.ReadOpcode();
                f |= op switch
                {
                    >= Opcode.I32Extend8S and <= Opcode.I64Extend32S => WasmFeatures.SignExtension,
                    >= Opcode.I32TruncSatF32S and <= Opcode.I64TruncSatF64U => WasmFeatures.NonTrappingFloatToInt,
                    >= Opcode.MemoryInit and <= Opcode.MemoryFill => WasmFeatures.BulkMemory,
                    Opcode.TableInit or Opcode.ElemDrop or Opcode.TableCopy => WasmFeatures.BulkMemory,
                    Opcode.TableGrow or Opcode.TableSize or Opcode.TableFill or Opcode.TableGet or Opcode.TableSet
                        or Opcode.RefNull or Opcode.RefIsNull or Opcode.RefFunc or Opcode.SelectTyped => WasmFeatures.ReferenceTypes,
                    >= Opcode.SimdPrefix => WasmFeatures.Simd,
                    _ => WasmFeatures.None,
                };
                if (op is Opcode.Block or Opcode.Loop or Opcode.If)
                {
                    long bt = r.ReadS33();
                    if (bt >= 0) f |= WasmFeatures.MultiValue;
                    continue;
                }
                Immediates.Skip(ref r, op);
            }
        }
        return f;
    }
}
