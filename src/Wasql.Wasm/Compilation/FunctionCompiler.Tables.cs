// Table instructions (reference types and bulk table operations), done by VmHelpers with the Table
// object pushed after the wasm operands.
using System.Reflection.Emit;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    private void EmitTable(uint index)
    {
        EmitCtx();
        _il.Emit(OpCodes.Ldfld, CtxField(nameof(VmContext.Tables)));
        _il.EmitI4((int)index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    private void EmitTableOp(ref WasmReader r, Opcode op)
    {
        switch (op)
        {
            case Opcode.TableGet:
            {
                uint t = r.ReadU32();
                EmitTable(t);
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.TableGet)));
                Pop();
                Push(_m.Tables[(int)t].ElementType);
                break;
            }
            case Opcode.TableSet:
                EmitTable(r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.TableSet)));
                Pop(); Pop();
                break;
            case Opcode.TableSize:
                EmitTable(r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.TableSize)));
                Push(ValType.I32);
                break;
            case Opcode.TableGrow:
                EmitTable(r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.TableGrow)));
                Pop(); Pop();
                Push(ValType.I32);
                break;
            case Opcode.TableFill:
                EmitTable(r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.TableFill)));
                Pop(); Pop(); Pop();
                break;
            case Opcode.TableCopy:
                uint dst = r.ReadU32();
                uint src = r.ReadU32();
                EmitTable(dst);
                EmitTable(src);
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.TableCopy)));
                Pop(); Pop(); Pop();
                break;
            case Opcode.TableInit:
                uint seg = r.ReadU32();
                EmitTable(r.ReadU32());
                _il.EmitI4((int)seg);
                EmitCtx();
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.TableInit)));
                Pop(); Pop(); Pop();
                break;
            case Opcode.ElemDrop:
                _il.EmitI4((int)r.ReadU32());
                EmitCtx();
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.ElemDrop)));
                break;
        }
    }
}
