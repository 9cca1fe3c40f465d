// Structured control flow: blocks, loops, if/else, branches, br_table and return. A branch that leaves
// surplus values under the label's values spills the label values to temporaries, pops the surplus and
// reloads them, so every CIL label sees one consistent stack shape.
using System.Reflection.Emit;
using Wasql.Wasm.Binary;

namespace Wasql.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    private (ValType[] Params, ValType[] Results) ReadBlockType(ref WasmReader r)
    {
        long bt = r.ReadS33();
        if (bt == -64) return ([], []);
        if (bt < 0) return ([], [(ValType)(byte)(bt & 0x7F)]);
        var ft = _m.Types[(int)bt];
        return (ft.Params, ft.Results);
    }

    private void EnterBlock(ref WasmReader r, Opcode op)
    {
        var (ps, rs) = ReadBlockType(ref r);
        FlushFuel();
        ForgetCheckedAddresses();
        if (op == Opcode.If) Pop();
        var f = new ControlFrame
        {
            Kind = op switch { Opcode.Loop => FrameKind.Loop, Opcode.If => FrameKind.If, _ => FrameKind.Block },
            Params = ps,
            Results = rs,
            Height = _stack.Count - ps.Length,
            End = _il.DefineLabel(),
        };
        if (op == Opcode.Loop)
        {
            f.LoopStart = _il.DefineLabel();
            _il.MarkLabel(f.LoopStart);
            _meter.EmitLimitCheck();
            if (_baseline) _tier!.EmitLoopTick();
        }
        else if (op == Opcode.If)
        {
            f.Else = _il.DefineLabel();
            _il.Emit(OpCodes.Brfalse, f.Else);
        }
        _frames.Add(f);
    }

    private void EmitElse()
    {
        var f = Top;
        FlushFuel();
        ForgetCheckedAddresses();
        if (!f.Unreachable)
        {
            _il.Emit(OpCodes.Br, f.End);
            f.EndTargeted = true;
        }
        _il.MarkLabel(f.Else);
        f.HasElse = true;
        f.Unreachable = false;
        ResetTypes(f.Height, f.Params);
    }

    private void EmitEnd()
    {
        var f = Top;
        FlushFuel();
        ForgetCheckedAddresses();
        bool fallsThrough = !f.Unreachable;
        bool reachableAfter = fallsThrough || f.EndTargeted || f.Kind == FrameKind.If && !f.HasElse;
        if (f.Kind == FrameKind.If && !f.HasElse)
        {
            // No else: the false edge arrives here with the parameters, which equal the results.
            if (fallsThrough)
            {
                _il.Emit(OpCodes.Br, f.End);
            }
            _il.MarkLabel(f.Else);
        }
        _il.MarkLabel(f.End);
        _frames.RemoveAt(_frames.Count - 1);
        ResetTypes(f.Height, f.Results);

        if (f.Kind == FrameKind.Function)
        {
            if (reachableAfter) EmitReturn();
            return;
        }
        if (_frames.Count == 0)
        {
            // The end of an outlined region's construct: hand its results back to the caller.
            if (reachableAfter) EmitRegionExit(RegionExits.FallThrough, f.Results);
            return;
        }
        if (!reachableAfter) MarkUnreachable();
    }

    private void ResetTypes(int height, ValType[] top)
    {
        _stack.Truncate(height);
        foreach (var t in top) Push(t);
    }

    /// <summary>The frame a branch of the given depth targets; past the outermost frame of a region, an exit label.</summary>
    private ControlFrame FrameAt(uint depth)
    {
        if (depth < _frames.Count) return _frames[_frames.Count - 1 - (int)depth];
        return _exits!.Frame((int)depth - _frames.Count);
    }

    private Label LabelOf(ControlFrame f)
    {
        if (f.Kind == FrameKind.Loop) return f.LoopStart;
        f.EndTargeted = true;
        return f.End;
    }

    /// <summary>Surplus values between the frame's base and the values a branch to it carries.</summary>
    private int SurplusFor(ControlFrame f) => _stack.Count - f.LabelTypes.Length - f.Height;

    /// <summary>Drops the surplus under the top <paramref name="keep"/> values (CIL has no stack shuffle).</summary>
    private void DropSurplus(int keep, int surplus)
    {
        if (surplus <= 0) return;
        var saved = new LocalBuilder[keep];
        for (int i = keep - 1; i >= 0; i--)
        {
            saved[i] = _temps.Rent(ClrTypes.Of(_stack[_stack.Count - keep + i]));
            _il.Emit(OpCodes.Stloc, saved[i]);
        }
        for (int i = 0; i < surplus; i++) _il.Emit(OpCodes.Pop);
        for (int i = 0; i < keep; i++)
        {
            _il.Emit(OpCodes.Ldloc, saved[i]);
            _temps.Return(saved[i]);
        }
    }

    private void EmitBranchTo(ControlFrame target)
    {
        if (target.Kind == FrameKind.Function)
        {
            EmitReturn();
            return;
        }
        if (target.Kind == FrameKind.Exit)
        {
            EmitRegionExit(target.ExitCode, target.Results);
            return;
        }
        DropSurplus(target.LabelTypes.Length, SurplusFor(target));
        _il.Emit(OpCodes.Br, LabelOf(target));
    }

    private void EmitBr(uint depth)
    {
        FlushFuel();
        EmitBranchTo(FrameAt(depth));
        MarkUnreachable();
    }

    private void EmitBrIf(uint depth)
    {
        FlushFuel();
        Pop();
        var target = FrameAt(depth);
        if (target.Kind is not (FrameKind.Function or FrameKind.Exit) && SurplusFor(target) == 0)
        {
            _il.Emit(OpCodes.Brtrue, LabelOf(target));
            return;
        }
        var skip = _il.DefineLabel();
        _il.Emit(OpCodes.Brfalse, skip);
        EmitBranchTo(target);
        _il.MarkLabel(skip);
    }

    private void EmitBrTable(ref WasmReader r)
    {
        uint n = r.ReadU32();
        var depths = new uint[n];
        for (int i = 0; i < n; i++) depths[i] = r.ReadU32();
        uint defaultDepth = r.ReadU32();
        FlushFuel();
        Pop();

        // Each distinct target gets one landing label: the frame's label itself when no stack fix-up is needed.
        var landing = new Dictionary<uint, Label>();
        var stubs = new List<(Label, ControlFrame)>();
        Label LandingFor(uint depth)
        {
            if (landing.TryGetValue(depth, out var l)) return l;
            var f = FrameAt(depth);
            if (f.Kind is not (FrameKind.Function or FrameKind.Exit) && SurplusFor(f) == 0) l = LabelOf(f);
            else
            {
                l = _il.DefineLabel();
                stubs.Add((l, f));
            }
            landing[depth] = l;
            return l;
        }
        var labels = depths.Select(LandingFor).ToArray();
        var dflt = LandingFor(defaultDepth);
        if (labels.Length > 0) _il.Emit(OpCodes.Switch, labels);
        else _il.Emit(OpCodes.Pop); // only a default target: the index is unused
        _il.Emit(OpCodes.Br, dflt);
        foreach (var (label, f) in stubs)
        {
            _il.MarkLabel(label);
            EmitBranchTo(f);
        }
        MarkUnreachable();
    }

    /// <summary>Returns the function's results: extra results through the byref arguments, the first as the CIL return.</summary>
    private void EmitReturn()
    {
        if (_mode is not null)
        {
            EmitRegionExit(RegionExits.Return, _type.Results);
            return;
        }
        _meter.Spill();
        int n = _type.Results.Length;
        int surplus = _stack.Count - n;
        if (n <= 1)
        {
            DropSurplus(n, surplus);
            _il.Emit(OpCodes.Ret);
            return;
        }
        var saved = new LocalBuilder[n];
        for (int i = n - 1; i >= 0; i--)
        {
            saved[i] = _temps.Rent(ClrTypes.Of(_type.Results[i]));
            _il.Emit(OpCodes.Stloc, saved[i]);
        }
        for (int i = 0; i < surplus; i++) _il.Emit(OpCodes.Pop);
        for (int i = 1; i < n; i++)
        {
            _il.EmitLdarg(_ctx.Index + i);
            _il.Emit(OpCodes.Ldloc, saved[i]);
            _il.Emit(OpCodes.Stobj, ClrTypes.Of(_type.Results[i]));
        }
        _il.Emit(OpCodes.Ldloc, saved[0]);
        foreach (var s in saved) _temps.Return(s);
        _il.Emit(OpCodes.Ret);
    }
}
