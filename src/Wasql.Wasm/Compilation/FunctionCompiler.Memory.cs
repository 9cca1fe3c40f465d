// Linear memory instructions: loads and stores (typed here, addressed by MemoryAccessEmitter: effective address =
// zero-extended i32 + offset as u64, checked so that address + size <= length), memory.size/grow and bulk memory.
using System.Reflection.Emit;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    private void EmitMemoryAccess(Opcode op, uint offset)
    {
        var (size, valueType, isStore) = op switch
        {
            Opcode.I32Load => (4, ValType.I32, false),
            Opcode.I64Load => (8, ValType.I64, false),
            Opcode.F32Load => (4, ValType.F32, false),
            Opcode.F64Load => (8, ValType.F64, false),
            Opcode.I32Load8S or Opcode.I32Load8U => (1, ValType.I32, false),
            Opcode.I32Load16S or Opcode.I32Load16U => (2, ValType.I32, false),
            Opcode.I64Load8S or Opcode.I64Load8U => (1, ValType.I64, false),
            Opcode.I64Load16S or Opcode.I64Load16U => (2, ValType.I64, false),
            Opcode.I64Load32S or Opcode.I64Load32U => (4, ValType.I64, false),
            Opcode.I32Store => (4, ValType.I32, true),
            Opcode.I64Store => (8, ValType.I64, true),
            Opcode.F32Store => (4, ValType.F32, true),
            Opcode.F64Store => (8, ValType.F64, true),
            Opcode.I32Store8 => (1, ValType.I32, true),
            Opcode.I32Store16 => (2, ValType.I32, true),
            Opcode.I64Store8 => (1, ValType.I64, true),
            Opcode.I64Store16 => (2, ValType.I64, true),
            _ => (4, ValType.I64, true), // I64Store32
        };

        if (_baseline)
        {
            Pop();
            if (isStore) Pop();
            _memory.EmitBaselineAccess(op, offset);
            if (!isStore) Push(valueType);
            return;
        }

        LocalBuilder? value = null;
        if (isStore)
        {
            Pop();
            value = _temps.Rent(ClrTypes.Of(valueType));
            _il.Emit(OpCodes.Stloc, value);
        }
        int addressLocal = _stack.OriginOf(_stack.Count - 1);
        Pop(); // address
        _memory.EmitEffectiveAddress(offset, size, addressLocal);

        if (isStore)
        {
            _il.Emit(OpCodes.Ldloc, value!);
            _il.Emit(op switch
            {
                Opcode.I32Store or Opcode.I64Store32 => OpCodes.Stind_I4,
                Opcode.I64Store => OpCodes.Stind_I8,
                Opcode.F32Store => OpCodes.Stind_R4,
                Opcode.F64Store => OpCodes.Stind_R8,
                Opcode.I32Store8 or Opcode.I64Store8 => OpCodes.Stind_I1,
                _ => OpCodes.Stind_I2,
            });
            _temps.Return(value!);
            return;
        }

        switch (op)
        {
            case Opcode.I32Load: _il.Emit(OpCodes.Ldind_I4); break;
            case Opcode.I64Load: _il.Emit(OpCodes.Ldind_I8); break;
            case Opcode.F32Load: _il.Emit(OpCodes.Ldind_R4); break;
            case Opcode.F64Load: _il.Emit(OpCodes.Ldind_R8); break;
            case Opcode.I32Load8S: _il.Emit(OpCodes.Ldind_I1); break;
            case Opcode.I32Load8U: _il.Emit(OpCodes.Ldind_U1); break;
            case Opcode.I32Load16S: _il.Emit(OpCodes.Ldind_I2); break;
            case Opcode.I32Load16U: _il.Emit(OpCodes.Ldind_U2); break;
            case Opcode.I64Load8S: _il.Emit(OpCodes.Ldind_I1); _il.Emit(OpCodes.Conv_I8); break;
            case Opcode.I64Load8U: _il.Emit(OpCodes.Ldind_U1); _il.Emit(OpCodes.Conv_U8); break;
            case Opcode.I64Load16S: _il.Emit(OpCodes.Ldind_I2); _il.Emit(OpCodes.Conv_I8); break;
            case Opcode.I64Load16U: _il.Emit(OpCodes.Ldind_U2); _il.Emit(OpCodes.Conv_U8); break;
            case Opcode.I64Load32S: _il.Emit(OpCodes.Ldind_I4); _il.Emit(OpCodes.Conv_I8); break;
            case Opcode.I64Load32U: _il.Emit(OpCodes.Ldind_U4); _il.Emit(OpCodes.Conv_U8); break;
        }
        Push(valueType);
    }

    private void EmitMemorySize()
    {
        _memory.EmitSize();
        Push(ValType.I32);
    }

    private void EmitMemoryGrow()
    {
        EmitCtx();
        _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.MemoryGrow)));
        _memory.Reload();
    }

    private void EmitBulkMemory(ref WasmReader r, Opcode op)
    {
        switch (op)
        {
            case Opcode.MemoryInit:
                uint seg = r.ReadU32();
                r.ReadByte();
                _il.EmitI4((int)seg);
                EmitCtx();
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.MemoryInit)));
                Pop(); Pop(); Pop();
                break;
            case Opcode.DataDrop:
                _il.EmitI4((int)r.ReadU32());
                EmitCtx();
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.DataDrop)));
                break;
            case Opcode.MemoryCopy:
                r.ReadByte();
                r.ReadByte();
                EmitCtx();
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.MemoryCopy)));
                Pop(); Pop(); Pop();
                break;
            case Opcode.MemoryFill:
                r.ReadByte();
                EmitCtx();
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.MemoryFill)));
                Pop(); Pop(); Pop();
                break;
        }
    }
}
