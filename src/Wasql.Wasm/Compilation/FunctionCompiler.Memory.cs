// Linear memory access with explicit bounds checks against the base/length registers (CIL locals):
// effective address = zero-extended i32 + offset as u64, checked so that address + size <= length.
using System.Reflection.Emit;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Runtime;

namespace Wasql.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    // Redundant bounds checks. Within straight-line code (no label in between: every block, loop, if, else, end
    // and outlined region resets this), an access through `local.get X` whose end does not exceed one already
    // checked for the same value of X cannot be out of bounds, because linear memory never shrinks. So
    // `p->a; p->b; p->c` checks once (or twice, when a later field lies further). _origins[h] is the local whose
    // unmodified value sits at stack height h (-1: anything else).
    private readonly Dictionary<int, long> _checkedEnds = [];
    private int[] _origins = NoOrigins(64);

    private static int[] NoOrigins(int n)
    {
        var a = new int[n];
        Array.Fill(a, -1);
        return a;
    }

    private void NoteOrigin(int local)
    {
        int h = _types.Count - 1;
        if (h >= _origins.Length)
        {
            var grown = NoOrigins(Math.Max(h + 1, _origins.Length * 2));
            _origins.CopyTo(grown, 0);
            _origins = grown;
        }
        _origins[h] = local;
    }

    private int OriginOf(int height) => height >= 0 && height < _origins.Length ? _origins[height] : -1;

    /// <summary>X was assigned: values of X on the stack are now stale, and so is what was checked for X.</summary>
    private void LocalChanged(int local)
    {
        _checkedEnds.Remove(local);
        for (int h = Math.Min(_types.Count, _origins.Length) - 1; h >= 0; h--)
            if (_origins[h] == local) _origins[h] = -1;
    }

    private void ForgetCheckedAddresses()
    {
        _checkedEnds.Clear();
        Array.Fill(_origins, -1);
    }

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
            EmitBaselineMemoryAccess(op, offset, valueType, isStore);
            return;
        }

        LocalBuilder? value = null;
        if (isStore)
        {
            Pop();
            value = _temps.Rent(ClrTypes.Of(valueType));
            _il.Emit(OpCodes.Stloc, value);
        }
        int addressLocal = OriginOf(_types.Count - 1);
        Pop(); // address
        EmitEffectiveAddress(offset, size, addressLocal);

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

    /// <summary>
    /// Turns the i32 address on the stack into a checked native pointer. The check is an inlined helper
    /// call rather than an IL branch so that it adds no basic blocks to the method: RyuJIT gives up on
    /// optimizing methods with more than 2,000 blocks, and memory-heavy functions have thousands of accesses.
    /// </summary>
    private void EmitEffectiveAddress(uint offset, int size, int addressLocal = -1)
    {
        if (_baseline)
        {
            _il.EmitI4((int)offset);
            _il.EmitI4(size);
            EmitCtx();
            _il.Emit(OpCodes.Call, typeof(BaselineMemory).GetMethod(nameof(BaselineMemory.Address))!);
            return;
        }
        long end = (long)offset + size, checkedEnd = 0;
        _il.Emit(OpCodes.Conv_U8);
        if (addressLocal >= 0 && _checkedEnds.TryGetValue(addressLocal, out checkedEnd) && end <= checkedEnd)
        {
            // Proven in bounds: an earlier access through the same local value reached at least this far, on every
            // path to here, and memory never shrinks.
            _il.Emit(OpCodes.Conv_I);
            _il.Emit(OpCodes.Ldloc, _memBase!);
            _il.Emit(OpCodes.Add);
        }
        else
        {
            _il.EmitI8(end);
            _il.Emit(OpCodes.Ldloc, _memLen!);
            _il.Emit(OpCodes.Ldloc, _memBase!);
            _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.Address)));
            if (addressLocal >= 0) _checkedEnds[addressLocal] = Math.Max(end, checkedEnd);
        }
        if (offset != 0)
        {
            _il.EmitI4((int)offset);
            _il.Emit(OpCodes.Conv_U);
            _il.Emit(OpCodes.Add);
        }
    }

    /// <summary>Baseline code: the whole access is one helper call (address, [value,] [offset,] ctx). MinOpts would not
    /// inline the bounds check anyway, and the short IL is what makes baseline code cheap to JIT.</summary>
    private void EmitBaselineMemoryAccess(Opcode op, uint offset, ValType valueType, bool isStore)
    {
        Pop();
        if (isStore) Pop();
        if (offset != 0) _il.EmitI4((int)offset);
        EmitCtx();
        _il.Emit(OpCodes.Call, BaselineMemory.For(op, withOffset: offset != 0));
        if (!isStore) Push(valueType);
    }

    private void EmitMemorySize()
    {
        if (_baseline)
        {
            EmitCtx();
            _il.Emit(OpCodes.Call, typeof(BaselineMemory).GetMethod(nameof(BaselineMemory.Size))!);
            Push(ValType.I32);
            return;
        }
        _il.Emit(OpCodes.Ldloc, _memLen!);
        _il.EmitI4(16);
        _il.Emit(OpCodes.Shr_Un);
        _il.Emit(OpCodes.Conv_I4);
        Push(ValType.I32);
    }

    private void EmitMemoryGrow()
    {
        EmitCtx();
        _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.MemoryGrow)));
        ReloadMemory();
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
