// Linear memory access for one method: the memory base/length registers (CIL locals, reloaded after anything that
// may grow memory), checked effective addresses, and the elision of redundant bounds checks. Baseline code has no
// registers: each access is one BaselineMemory helper call, which keeps its IL (and so its JIT time) short.
//
// Redundant bounds checks: within straight-line code (no label in between: every block, loop, if, else, end and
// outlined region calls ForgetChecked), an access through `local.get X` whose end does not exceed one already checked
// for the same value of X cannot be out of bounds, because linear memory never shrinks. So `p->a; p->b; p->c` checks
// once (or twice, when a later field lies further). OperandStack tracks which slot holds which local's value.
using System.Reflection.Emit;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed class MemoryAccessEmitter(ILGenerator il, ContextArg ctx, bool baseline)
{
    private readonly Dictionary<int, long> _checkedEnds = [];
    private LocalBuilder? _base, _length;

    /// <summary>Prologue of optimized code in a module with a memory: declares and loads the registers.</summary>
    public void DeclareRegisters()
    {
        if (baseline) return;
        _base = il.DeclareLocal(typeof(nint));
        _length = il.DeclareLocal(typeof(long));
        Reload();
    }

    /// <summary>Reloads the registers (after memory.grow and calls that may grow memory); no-op without registers.</summary>
    public void Reload()
    {
        if (_base is null) return;
        ctx.Load();
        il.Emit(OpCodes.Ldfld, typeof(VmContext).GetField(nameof(VmContext.Memory))!);
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Ldfld, typeof(Memory).GetField(nameof(Memory.Base))!);
        il.Emit(OpCodes.Stloc, _base);
        il.Emit(OpCodes.Ldfld, typeof(Memory).GetField(nameof(Memory.Length))!);
        il.Emit(OpCodes.Stloc, _length!);
    }

    /// <summary><paramref name="local"/> was assigned: what was checked for its old value says nothing about the new.</summary>
    public void LocalChanged(int local) => _checkedEnds.Remove(local);

    /// <summary>A label or region call: other paths join here, so nothing is known to be checked.</summary>
    public void ForgetChecked() => _checkedEnds.Clear();

    /// <summary>
    /// Turns the i32 address on the stack into a checked native pointer to <paramref name="size"/> bytes at
    /// <paramref name="offset"/>. <paramref name="addressLocal"/> is the local whose unmodified value the address is
    /// (-1: unknown). The check is an inlined helper call rather than an IL branch so that it adds no basic blocks:
    /// RyuJIT gives up on optimizing methods with more than 2,000 blocks, and memory-heavy functions have thousands.
    /// </summary>
    public void EmitEffectiveAddress(uint offset, int size, int addressLocal = -1)
    {
        if (baseline)
        {
            il.EmitI4((int)offset);
            il.EmitI4(size);
            ctx.Load();
            il.Emit(OpCodes.Call, typeof(BaselineMemory).GetMethod(nameof(BaselineMemory.Address))!);
            return;
        }
        long end = (long)offset + size, checkedEnd = 0;
        il.Emit(OpCodes.Conv_U8);
        if (addressLocal >= 0 && _checkedEnds.TryGetValue(addressLocal, out checkedEnd) && end <= checkedEnd)
        {
            // Proven in bounds: an earlier access through the same local value reached at least this far, on every
            // path to here, and memory never shrinks.
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Ldloc, _base!);
            il.Emit(OpCodes.Add);
        }
        else
        {
            il.EmitI8(end);
            il.Emit(OpCodes.Ldloc, _length!);
            il.Emit(OpCodes.Ldloc, _base!);
            il.Emit(OpCodes.Call, typeof(VmHelpers).GetMethod(nameof(VmHelpers.Address))!);
            if (addressLocal >= 0) _checkedEnds[addressLocal] = Math.Max(end, checkedEnd);
        }
        if (offset != 0)
        {
            il.EmitI4((int)offset);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Add);
        }
    }

    /// <summary>Baseline code: the whole access is one helper call (address, [value,] [offset,] ctx). MinOpts would not
    /// inline the bounds check anyway.</summary>
    public void EmitBaselineAccess(Opcode op, uint offset)
    {
        if (offset != 0) il.EmitI4((int)offset);
        ctx.Load();
        il.Emit(OpCodes.Call, BaselineMemory.For(op, withOffset: offset != 0));
    }

    /// <summary>memory.size in pages.</summary>
    public void EmitSize()
    {
        if (baseline)
        {
            ctx.Load();
            il.Emit(OpCodes.Call, typeof(BaselineMemory).GetMethod(nameof(BaselineMemory.Size))!);
            return;
        }
        il.Emit(OpCodes.Ldloc, _length!);
        il.EmitI4(16);
        il.Emit(OpCodes.Shr_Un);
        il.Emit(OpCodes.Conv_I4);
    }
}
