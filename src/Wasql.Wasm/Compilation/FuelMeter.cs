// Fuel (EngineConfig.ConsumeFuel) and interruption (EngineConfig.Interruptible) in generated code. Instructions are
// counted per straight-line run and charged at branches, calls and returns. Remaining fuel lives in a CIL local (a
// register) while a method runs: loaded at entry and after calls, written back to the store before calls, returns
// and the out-of-fuel check. A trap skips the write-back, so after a trap the store reports the fuel as of the
// trapping method's last call or entry.
using System.Reflection;
using System.Reflection.Emit;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed class FuelMeter(ILGenerator il, ContextArg ctx, bool metered, bool interruptible)
{
    private static readonly FieldInfo s_fuel = typeof(ExecState).GetField(nameof(ExecState.Fuel))!;
    private int _pending;
    private LocalBuilder? _remaining;

    /// <summary>One more instruction in the current run.</summary>
    public void Count() => _pending++;

    /// <summary>Prologue: the register for the remaining fuel.</summary>
    public void Declare()
    {
        if (!metered) return;
        _remaining = il.DeclareLocal(typeof(long));
        Reload();
    }

    /// <summary>Charges the instructions since the last charge. Nothing is emitted in dead code (nothing may follow a
    /// terminator), where the run is simply dropped.</summary>
    public void Flush(bool reachable)
    {
        if (!metered || _pending == 0 || !reachable) { _pending = 0; return; }
        il.Emit(OpCodes.Ldloc, _remaining!);
        il.EmitI8(_pending);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Stloc, _remaining!);
        _pending = 0;
    }

    /// <summary>Writes the register back to the store (before calls, returns and region exits).</summary>
    public void Spill()
    {
        if (!metered) return;
        ctx.LoadExec();
        il.Emit(OpCodes.Ldloc, _remaining!);
        il.Emit(OpCodes.Stfld, s_fuel);
    }

    /// <summary>Reloads the register from the store (at entry, after calls).</summary>
    public void Reload()
    {
        if (!metered) return;
        ctx.LoadExec();
        il.Emit(OpCodes.Ldfld, s_fuel);
        il.Emit(OpCodes.Stloc, _remaining!);
    }

    /// <summary>At function entry and loop heads: stop when fuel ran out or an interrupt was requested.</summary>
    public void EmitLimitCheck()
    {
        if (!metered && !interruptible) return;
        var ok = il.DefineLabel();
        var slow = il.DefineLabel();
        if (metered)
        {
            il.Emit(OpCodes.Ldloc, _remaining!);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Conv_I8);
            il.Emit(OpCodes.Blt, slow);
        }
        if (interruptible)
        {
            ctx.LoadExec();
            il.Emit(OpCodes.Volatile);
            il.Emit(OpCodes.Ldfld, typeof(ExecState).GetField(nameof(ExecState.Interrupt))!);
            il.Emit(OpCodes.Brtrue, slow);
        }
        il.Emit(OpCodes.Br, ok);
        il.MarkLabel(slow);
        Spill();
        ctx.Load();
        il.Emit(OpCodes.Call, typeof(VmHelpers).GetMethod(nameof(VmHelpers.OutOfFuelOrInterrupted))!);
        il.MarkLabel(ok);
    }
}
