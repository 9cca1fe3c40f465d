// Outlined regions (see RegionPlanner). The caller spills the region's entry values and locals into the
// frame struct, calls the region method, copies written locals back and dispatches on the returned exit
// code: 0 falls through with the construct's results, e+1 branches to the e-th enclosing label, -1 returns.
using System.Reflection.Emit;
using Wasql.Wasm.Binary;

namespace Wasql.Wasm.Compilation;

/// <summary>How a region method is compiled: which construct, the function's plan and frame, and the outer labels' types.</summary>
internal sealed record RegionMode(Region Region, RegionPlan Plan, FrameLayout Frame, ValType[][] OuterLabels);

internal sealed partial class FunctionCompiler
{
    private void EmitFrameAddress()
    {
        if (_mode is null) _il.Emit(OpCodes.Ldloca, _frameLocal!);
        else _il.Emit(OpCodes.Ldarg_0);
    }

    /// <summary>Values the construct takes from the stack (block parameters, plus the condition of an if) and its results.</summary>
    private (ValType[] Entry, ValType[] Results) RegionSignature(Region region)
    {
        var r = new WasmReader(_m.Bytes, region.Start, region.End);
        r.ReadOpcode();
        var (ps, rs) = ReadBlockType(ref r);
        return (region.Kind == Opcode.If ? [.. ps, ValType.I32] : ps, rs);
    }

    private void PushFromTransfer(ValType[] types)
    {
        for (int j = 0; j < types.Length; j++)
        {
            EmitFrameAddress();
            _il.Emit(OpCodes.Ldfld, _frame!.Transfer(types, j));
            Push(types[j]);
        }
    }

    /// <summary>Moves the top values (of <paramref name="types"/>) into the transfer slots, leaving the type stack alone.</summary>
    private void StoreToTransfer(ValType[] types)
    {
        for (int j = types.Length - 1; j >= 0; j--)
        {
            var tmp = _temps.Rent(ClrTypes.Of(types[j]));
            _il.Emit(OpCodes.Stloc, tmp);
            EmitFrameAddress();
            _il.Emit(OpCodes.Ldloc, tmp);
            _il.Emit(OpCodes.Stfld, _frame!.Transfer(types, j));
            _temps.Return(tmp);
        }
    }

    /// <summary>Region method prologue: copy the locals in and push the entry values.</summary>
    private void EmitRegionEntry()
    {
        var region = _mode!.Region;
        foreach (int i in region.Locals)
        {
            EmitFrameAddress();
            _il.Emit(OpCodes.Ldfld, _frame!.Local(i));
            StoreLocal(i);
        }
        PushFromTransfer(RegionSignature(region).Entry);
    }

    /// <summary>Leaves the region method: label values to the transfer slots, then the shared epilogue.</summary>
    private void EmitRegionExit(int code, ValType[] types)
    {
        StoreToTransfer(types);
        for (int i = _stack.Count - types.Length; i > 0; i--) _il.Emit(OpCodes.Pop);
        _exits!.EmitExit(code);
    }

    /// <summary>The one place a region method returns: written locals back to the frame, exit code out.</summary>
    private void EmitRegionEpilogue()
    {
        if (!_exits!.Used) return;
        _exits.MarkEpilogue();
        foreach (int i in _mode!.Region.Writes)
        {
            EmitFrameAddress();
            LoadLocal(i);
            _il.Emit(OpCodes.Stfld, _frame!.Local(i));
        }
        _meter.Spill();
        _exits.EmitReturnCode();
    }

    private void EmitRegionCall(Region region)
    {
        FlushFuel();
        ForgetCheckedAddresses();   // the region may change locals, and its end is a merge point
        _meter.Spill();
        var (entry, results) = RegionSignature(region);
        StoreToTransfer(entry);
        for (int j = 0; j < entry.Length; j++) Pop();
        foreach (int i in region.Locals)
        {
            EmitFrameAddress();
            LoadLocal(i);
            _il.Emit(OpCodes.Stfld, _frame!.Local(i));
        }

        // Compile the region now, while this method's frames describe the labels around it.
        int exitCount = region.Exits.Length == 0 ? 0 : region.Exits.Max() + 1;
        var outer = new ValType[exitCount][];
        for (int e = 0; e < exitCount; e++) outer[e] = FrameAt((uint)e).LabelTypes;
        var method = _env.DefineRegionMethod(_funcIndex, _frame!);
        new FunctionCompiler(_env, _funcIndex, method.GetILGenerator(), new RegionMode(region, _plan, _frame!, outer)).Compile();

        EmitFrameAddress();
        EmitCtx();
        _il.Emit(OpCodes.Call, method);
        foreach (int i in region.Writes)
        {
            EmitFrameAddress();
            _il.Emit(OpCodes.Ldfld, _frame!.Local(i));
            StoreLocal(i);
        }
        _memory.Reload();
        _meter.Reload();

        if (region.Exits.Length > 0 || region.Returns)
        {
            var code = _temps.Rent(typeof(int));
            _il.Emit(OpCodes.Stloc, code);
            foreach (int e in region.Exits) EmitExitDispatch(code, e + 1, FrameAt((uint)e));
            if (region.Returns) EmitExitDispatch(code, -1, null);
            _temps.Return(code);
        }
        else _il.Emit(OpCodes.Pop);
        PushFromTransfer(results);
    }

    /// <summary>if (code == value) { push the label's values; branch (or return when target is null) }</summary>
    private void EmitExitDispatch(LocalBuilder code, int value, ControlFrame? target)
    {
        var next = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, code);
        _il.EmitI4(value);
        _il.Emit(OpCodes.Bne_Un, next);
        var types = target?.LabelTypes ?? _type.Results;
        PushFromTransfer(types);
        if (target is null) EmitReturn();
        else EmitBranchTo(target);
        _stack.Truncate(_stack.Count - types.Length);
        _il.MarkLabel(next);
    }
}
