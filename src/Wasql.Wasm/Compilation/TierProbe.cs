// What tiering (Compilation/TierUpCompiler.cs) adds to a function's code: in baseline code, the entry call that counts
// calls and forwards to optimized code once it exists, and the loop-iteration countdown; in every function of a tiered
// module, calls to other functions through TierState.Code.
using System.Reflection;
using System.Reflection.Emit;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed class TierProbe(ILGenerator il, ContextArg ctx, FuncType type, int defined, int tierUpCalls)
{
    private LocalBuilder? _codeTable;
    private LocalBuilder? _loopTicks;

    /// <summary>Baseline prologue: one call counts the call (TierState.EnterBaseline); once the optimized code is
    /// ready it returns its address and the baseline forwards there (calls that reach the baseline through a table or
    /// an export hold its pointer). Loop heads count down a local (EmitLoopTick), reset per call.</summary>
    public void EmitBaselineEntry()
    {
        var code = il.DeclareLocal(typeof(nint));
        var stay = il.DefineLabel();
        ctx.Load();
        il.EmitI4(defined);
        il.Emit(OpCodes.Call, typeof(TierState).GetMethod(nameof(TierState.EnterBaseline))!);
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Stloc, code);
        il.Emit(OpCodes.Brfalse, stay);
        var parameters = ClrTypes.ParamsOf(type, ClrTypes.Context);
        for (int a = 0; a < parameters.Length; a++) il.EmitLdarg((short)a);
        il.Emit(OpCodes.Ldloc, code);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, ClrTypes.ReturnOf(type), parameters, null);
        il.Emit(OpCodes.Ret);
        il.MarkLabel(stay);
        _loopTicks = il.DeclareLocal(typeof(int));
        il.EmitI4(Math.Max(1, tierUpCalls));
        il.Emit(OpCodes.Stloc, _loopTicks);
    }

    /// <summary>Baseline loop head: after TierUpCalls iterations within one call, ask for optimized code.</summary>
    public void EmitLoopTick()
    {
        var done = il.DefineLabel();
        il.Emit(OpCodes.Ldloc, _loopTicks!);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Stloc, _loopTicks!);
        il.Emit(OpCodes.Brtrue, done);
        ctx.Load();
        il.EmitI4(defined);
        il.Emit(OpCodes.Call, typeof(TierState).GetMethod(nameof(TierState.LoopHot))!);
        il.MarkLabel(done);
    }

    /// <summary>Prologue of any function of a tiered module: TierState.CodeTable into a local, once per method.</summary>
    public void LoadCodeTable()
    {
        _codeTable = il.DeclareLocal(typeof(nint));
        ctx.Load();
        il.Emit(OpCodes.Ldfld, typeof(VmContext).GetField(nameof(VmContext.Tiers))!);
        il.Emit(OpCodes.Ldfld, typeof(TierState).GetField(nameof(TierState.CodeTable))!);
        il.Emit(OpCodes.Stloc, _codeTable);
    }

    /// <summary>Calls defined function <paramref name="callee"/> through its current entry (baseline, later optimized
    /// code); the arguments and the context are on the stack.</summary>
    public void EmitCall(int callee, FuncType calleeType)
    {
        il.Emit(OpCodes.Ldloc, _codeTable!);
        if (callee != 0)
        {
            il.EmitI4(callee * IntPtr.Size);
            il.Emit(OpCodes.Add);
        }
        il.Emit(OpCodes.Ldind_I);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, ClrTypes.ReturnOf(calleeType), ClrTypes.ParamsOf(calleeType, ClrTypes.Context), null);
    }
}
