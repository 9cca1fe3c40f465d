// Calls. Functions of this module are direct CIL calls; imports and call_indirect go through a
// Function object (target + code pointer) with `calli`. Extra results come back through byref temporaries.
using System.Reflection;
using System.Reflection.Emit;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    private static readonly FieldInfo s_fnTarget = typeof(Function).GetField(nameof(Function.Target))!;
    private static readonly FieldInfo s_fnCode = typeof(Function).GetField(nameof(Function.Code))!;

    private void EmitCall(uint funcIndex)
    {
        FlushFuel();
        _meter.Spill();
        var ft = _m.FunctionType(funcIndex);
        if (funcIndex >= _m.ImportedFunctionCount)
        {
            EmitCtx();
            var extras = PushExtraResultAddresses(ft);
            int callee = (int)(funcIndex - _m.ImportedFunctionCount);
            // Baseline code inlines nothing, and a tiered module's baseline may live in another assembly than its callee.
            if (_env.CallsDirectly(callee) && !_baseline) _il.Emit(OpCodes.Call, _env.Methods[callee]);
            else
            {
                // Tiered module: through the callee's current entry (baseline, later optimized code).
                _tier!.EmitCall(callee, ft);
            }
            FinishCall(ft, extras, reloadMemory: _env.Calls.MayGrowMemory(callee));
            return;
        }
        var fn = _temps.Rent(typeof(Function));
        EmitFunctionRef(funcIndex);
        _il.Emit(OpCodes.Stloc, fn);
        EmitCalli(ft, fn);
        _temps.Return(fn);
    }

    private void EmitCallIndirect(uint typeIndex, uint tableIndex)
    {
        FlushFuel();
        _meter.Spill();
        var ft = _m.Types[(int)typeIndex];
        Pop(); // element index
        EmitTable(tableIndex);
        if (_env.Relocatable)
        {
            // Code saved to the module cache: the id is the loading engine's, found through the context.
            EmitCtx();
            _il.Emit(OpCodes.Ldfld, CtxField(nameof(VmContext.TypeIds)));
            _il.EmitI4((int)typeIndex);
            _il.Emit(OpCodes.Ldelem_I4);
        }
        else _il.EmitI4(_env.TypeIds[typeIndex]);
        _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.ResolveIndirect)));
        var fn = _temps.Rent(typeof(Function));
        _il.Emit(OpCodes.Stloc, fn);
        EmitCalli(ft, fn);
        _temps.Return(fn);
    }

    private void EmitCalli(FuncType ft, LocalBuilder fn)
    {
        _il.Emit(OpCodes.Ldloc, fn);
        _il.Emit(OpCodes.Ldfld, s_fnTarget);
        var extras = PushExtraResultAddresses(ft);
        _il.Emit(OpCodes.Ldloc, fn);
        _il.Emit(OpCodes.Ldfld, s_fnCode);
        _il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, ClrTypes.ReturnOf(ft), ClrTypes.CalliParamsOf(ft), null);
        FinishCall(ft, extras);
    }

    private LocalBuilder[]? PushExtraResultAddresses(FuncType ft)
    {
        if (ft.Results.Length <= 1) return null;
        var extras = new LocalBuilder[ft.Results.Length - 1];
        for (int i = 0; i < extras.Length; i++)
        {
            extras[i] = _temps.Rent(ClrTypes.Of(ft.Results[i + 1]));
            _il.Emit(OpCodes.Ldloca, extras[i]);
        }
        return extras;
    }

    private void FinishCall(FuncType ft, LocalBuilder[]? extras, bool reloadMemory = true)
    {
        for (int i = 0; i < ft.Params.Length; i++) Pop();
        if (extras is not null)
        {
            foreach (var e in extras)
            {
                _il.Emit(OpCodes.Ldloc, e);
                _temps.Return(e);
            }
        }
        foreach (var r in ft.Results) Push(r);
        if (reloadMemory) _memory.Reload();   // only memory.grow moves the base and changes the length
        _meter.Reload();
    }
}
