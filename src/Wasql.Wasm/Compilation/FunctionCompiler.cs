// Translates one validated function body to CIL in a single forward pass: the driver and opcode dispatch. The wasm
// operand stack maps onto the CIL evaluation stack (OperandStack mirrors it); dead code after br/return/unreachable is
// skipped, never emitted. Instruction families live in the partial files FunctionCompiler.*.cs; the state that is not
// about instructions has types of its own: MemoryAccessEmitter (memory registers, bounds checks and their elision),
// FuelMeter (fuel and interruption), TierProbe (baseline counting, calls through the tier table), RegionExits (how an
// outlined region returns), TempLocals (scratch locals).
using System.Reflection;
using System.Reflection.Emit;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Model;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    private readonly CompileEnv _env;
    private readonly ModuleInfo _m;
    private readonly uint _funcIndex;
    private readonly FuncType _type;
    private readonly ILGenerator _il;
    private readonly FunctionBody _body;
    private readonly OperandStack _stack = new();
    private readonly List<ControlFrame> _frames = new(16);
    private readonly TempLocals _temps;

    // wasm locals: params are CIL arguments (except in outlined regions), the rest CIL locals declared on first use
    private readonly ValType[] _localTypes;
    private readonly LocalBuilder?[] _locals;
    private readonly int _argLocals;
    private readonly ContextArg _ctx;
    private readonly MemoryAccessEmitter _memory;
    private readonly FuelMeter _meter;
    /// <summary>Null unless the module is tiered (every function calls through the tier table) or this is baseline code.</summary>
    private readonly TierProbe? _tier;
    /// <summary>Only in a region method.</summary>
    private readonly RegionExits? _exits;

    // function splitting (see RegionPlanner): the plan, the shared frame, and the region this method compiles
    private readonly RegionMode? _mode;
    private RegionPlan _plan = RegionPlan.None;
    private FrameLayout? _frame;
    private LocalBuilder? _frameLocal;
    /// <summary>The value of an f32/f64.const just emitted (see EmitFloatArithmetic).</summary>
    private double? _lastFloatConst, _precedingFloatConst;
    private long? _lastIntConst, _precedingIntConst;
    /// <summary>Baseline code of a tiered module: never split, counts its calls and loop iterations (TierUpCompiler).</summary>
    private readonly bool _baseline;

    public FunctionCompiler(CompileEnv env, uint funcIndex, ILGenerator il, RegionMode? mode = null, bool baseline = false)
    {
        _mode = mode;
        _baseline = baseline;
        _env = env;
        _m = env.Module;
        _funcIndex = funcIndex;
        _type = _m.FunctionType(funcIndex);
        _il = il;
        _body = _m.Bodies[(int)funcIndex - _m.ImportedFunctionCount];
        _temps = new TempLocals(il);
        _argLocals = mode is null ? _type.Params.Length : 0;
        _ctx = new ContextArg(il, (short)(mode is null ? _type.Params.Length : 1));
        _memory = new MemoryAccessEmitter(il, _ctx, baseline);
        _meter = new FuelMeter(il, _ctx, env.Engine.Config.ConsumeFuel, env.Engine.Config.Interruptible);
        if (env.Tiered || baseline)
            _tier = new TierProbe(il, _ctx, _type, (int)funcIndex - _m.ImportedFunctionCount, env.Engine.Config.TierUpCalls);
        if (mode is not null) _exits = new RegionExits(il, mode.OuterLabels);

        int n = _type.Params.Length + (int)_body.LocalCount;
        _localTypes = new ValType[n];
        _locals = new LocalBuilder?[n];
        _type.Params.CopyTo(_localTypes, 0);
        int k = _type.Params.Length;
        foreach (var run in _body.Locals)
            for (uint j = 0; j < run.Count; j++)
                _localTypes[k++] = run.Type;
    }

    public void Compile()
    {
        WasmReader r;
        if (_mode is null)
        {
            // RyuJIT's MinOpts copes with any size, so baseline code is never split.
            _plan = _baseline ? RegionPlan.None : _env.PlanFor(_body);
            if (!_plan.IsEmpty)
            {
                _frame = _env.NewFrame(_funcIndex, _localTypes);
                _frameLocal = _il.DeclareLocal(_frame.Type);
            }
            EmitPrologue();
            _frames.Add(new ControlFrame { Kind = FrameKind.Function, Results = _type.Results, Height = 0, End = _il.DefineLabel() });
            r = new WasmReader(_m.Bytes, _body.CodeOffset, _body.End);
        }
        else
        {
            _plan = _mode.Plan;
            _frame = _mode.Frame;
            EmitPrologue();
            EmitRegionEntry();
            r = new WasmReader(_m.Bytes, _mode.Region.Start, _mode.Region.End);
        }

        int deadDepth = 0;
        do
        {
            int at = r.Position;
            var op = r.ReadOpcode();
            if (_frames.Count > 0 && Top.Unreachable)
            {
                // Skip dead code, tracking nesting so the frame's own else/end is found.
                if (op is Opcode.Block or Opcode.Loop or Opcode.If) { Immediates.Skip(ref r, op); deadDepth++; continue; }
                if (op == Opcode.End && deadDepth > 0) { deadDepth--; continue; }
                if (op == Opcode.Else && deadDepth > 0) continue;
                if (op is not (Opcode.End or Opcode.Else)) { Immediates.Skip(ref r, op); continue; }
            }
            _meter.Count();
            _precedingFloatConst = _lastFloatConst;
            _lastFloatConst = null;
            _precedingIntConst = _lastIntConst;
            _lastIntConst = null;
            if (op is Opcode.Block or Opcode.Loop or Opcode.If && _plan.ByStart.TryGetValue(at, out var region) && region != _mode?.Region)
            {
                EmitRegionCall(region);
                r.Position = region.End;
                continue;
            }
            EmitInstruction(ref r, op);
        } while (_frames.Count > 0);
        if (_mode is not null) EmitRegionEpilogue();
    }

    private ControlFrame Top => _frames[^1];

    private void EmitInstruction(ref WasmReader r, Opcode op)
    {
        switch (op)
        {
            case Opcode.Unreachable:
                FlushFuel();
                _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.UnreachableTrap)));
                _il.Emit(OpCodes.Throw);
                MarkUnreachable();
                return;
            case Opcode.Nop: return;
            case Opcode.Block or Opcode.Loop or Opcode.If: EnterBlock(ref r, op); return;
            case Opcode.Else: EmitElse(); return;
            case Opcode.End: EmitEnd(); return;
            case Opcode.Br: EmitBr(r.ReadU32()); return;
            case Opcode.BrIf: EmitBrIf(r.ReadU32()); return;
            case Opcode.BrTable: EmitBrTable(ref r); return;
            case Opcode.Return: FlushFuel(); EmitReturn(); MarkUnreachable(); return;
            case Opcode.Call: EmitCall(r.ReadU32()); return;
            case Opcode.CallIndirect:
                uint typeIndex = r.ReadU32();
                EmitCallIndirect(typeIndex, r.ReadU32());
                return;
            case Opcode.Drop: _il.Emit(OpCodes.Pop); Pop(); return;
            case Opcode.Select: EmitSelect(); return;
            case Opcode.SelectTyped:
                uint cnt = r.ReadU32();
                for (uint i = 0; i < cnt; i++) r.ReadValType();
                EmitSelect();
                return;
            case Opcode.LocalGet: EmitLocalGet(r.ReadU32()); return;
            case Opcode.LocalSet: EmitLocalSet(r.ReadU32(), tee: false); return;
            case Opcode.LocalTee: EmitLocalSet(r.ReadU32(), tee: true); return;
            case Opcode.GlobalGet: EmitGlobalGet(r.ReadU32()); return;
            case Opcode.GlobalSet: EmitGlobalSet(r.ReadU32()); return;
            case Opcode.I32Const: { int v = r.ReadS32(); _il.EmitI4(v); _lastIntConst = v; Push(ValType.I32); return; }
            case Opcode.I64Const: { long v = r.ReadS64(); _il.EmitI8(v); _lastIntConst = v; Push(ValType.I64); return; }
            case Opcode.F32Const: EmitF32Const(r.ReadF32Bits()); return;
            case Opcode.F64Const: EmitF64Const(r.ReadF64Bits()); return;
            case >= Opcode.I32Load and <= Opcode.I64Store32:
                var (_, offset) = r.ReadMemArg();
                EmitMemoryAccess(op, offset);
                return;
            case Opcode.MemorySize: r.ReadByte(); EmitMemorySize(); return;
            case Opcode.MemoryGrow: r.ReadByte(); EmitMemoryGrow(); return;
            case Opcode.RefNull: r.ReadRefType(); _il.Emit(OpCodes.Ldnull); Push(ValType.FuncRef); return;
            case Opcode.RefIsNull: _il.Emit(OpCodes.Ldnull); _il.Emit(OpCodes.Ceq); Pop(); Push(ValType.I32); return;
            case Opcode.RefFunc: EmitFunctionRef(r.ReadU32()); Push(ValType.FuncRef); return;
            case Opcode.TableGet or Opcode.TableSet or Opcode.TableSize or Opcode.TableGrow or Opcode.TableFill
                or Opcode.TableCopy or Opcode.TableInit or Opcode.ElemDrop:
                EmitTableOp(ref r, op);
                return;
            case Opcode.MemoryInit or Opcode.DataDrop or Opcode.MemoryCopy or Opcode.MemoryFill:
                EmitBulkMemory(ref r, op);
                return;
            case >= Opcode.SimdPrefix: EmitSimd(ref r, op); return;
            default:
                if (!EmitNumeric(op))
                    throw new MalformedModuleException($"illegal opcode {Immediates.Describe(op)}", r.Position);
                return;
        }
    }

    // ---- operand type stack -------------------------------------------------------------------
    private void Push(ValType t) => _stack.Push(t);

    private ValType Pop() => _stack.Pop();

    private void MarkUnreachable()
    {
        var f = Top;
        f.Unreachable = true;
        _stack.Truncate(f.Height);
    }

    /// <summary>X was assigned: values of X on the stack are now stale, and so is what was checked for X.</summary>
    private void LocalChanged(int local)
    {
        _stack.LocalChanged(local);
        _memory.LocalChanged(local);
    }

    /// <summary>A label: other paths join here, so no bounds check is known to cover anything.</summary>
    private void ForgetCheckedAddresses()
    {
        _memory.ForgetChecked();
        _stack.ForgetOrigins();
    }

    // ---- prologue: stack guard, fuel/interrupt check, memory registers --------------------------
    private void EmitPrologue()
    {
        int defined = (int)_funcIndex - _m.ImportedFunctionCount;
        if (_baseline) _tier!.EmitBaselineEntry();
        bool smallLeaf = _mode is null && _plan.IsEmpty && _env.Calls.IsLeaf(defined) && _localTypes.Length <= CallEffects.SmallLeafLocals;
        if (!smallLeaf && !_baseline)   // baseline code: EnterBaseline checks the stack
        {
            var probe = _il.DeclareLocal(typeof(int));
            var ok = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloca, probe);
            _il.Emit(OpCodes.Conv_U);
            EmitExec();
            _il.Emit(OpCodes.Ldfld, typeof(ExecState).GetField(nameof(ExecState.StackLimit))!);
            _il.Emit(OpCodes.Bge_Un, ok);
            _il.Emit(OpCodes.Call, Helper(nameof(VmHelpers.StackExhausted)));
            _il.MarkLabel(ok);
        }
        _meter.Declare();
        _meter.EmitLimitCheck();
        if (_env.Tiered) _tier!.LoadCodeTable();
        LoadGlobalCells();
        if (_env.HasMemory) _memory.DeclareRegisters();
    }

    private void EmitCtx() => _ctx.Load();

    private void EmitExec() => _ctx.LoadExec();

    /// <summary>Charges the fuel of the instructions since the last charge (a straight-line run).</summary>
    private void FlushFuel() => _meter.Flush(reachable: _frames.Count > 0 && !Top.Unreachable);

    // ---- locals and globals -------------------------------------------------------------------
    private void EmitLocalGet(uint i)
    {
        LoadLocal((int)i);
        Push(_localTypes[i]);
        _stack.NoteOrigin((int)i);
    }

    private void EmitLocalSet(uint i, bool tee)
    {
        if (tee) _il.Emit(OpCodes.Dup);
        else Pop();
        StoreLocal((int)i);
        LocalChanged((int)i);
        if (tee) _stack.NoteOrigin((int)i);
    }

    private void LoadLocal(int i)
    {
        if (i < _argLocals) _il.EmitLdarg(i);
        else _il.Emit(OpCodes.Ldloc, IlLocal(i));
    }

    private void StoreLocal(int i)
    {
        if (i < _argLocals) _il.EmitStarg(i);
        else _il.Emit(OpCodes.Stloc, IlLocal(i));
    }

    private LocalBuilder IlLocal(int i) => _locals[i] ??= _il.DeclareLocal(ClrTypes.Of(_localTypes[i]));

    private static FieldInfo GlobalField(ValType t) => typeof(Global).GetField(t switch
    {
        ValType.I32 => nameof(Global.I32),
        ValType.I64 => nameof(Global.I64),
        ValType.F32 => nameof(Global.F32),
        ValType.F64 => nameof(Global.F64),
        ValType.V128 => nameof(Global.V128),
        _ => nameof(Global.Ref),
    })!;

    /// <summary>The Global object of global <paramref name="i"/>: from a local loaded in the prologue (the cell of an
    /// instance never changes, only its value), which saves an array load and bounds check per access.</summary>
    private void EmitGlobalCell(uint i)
    {
        if (_globalCells is not null && _globalCells.TryGetValue((int)i, out var cell))
        {
            _il.Emit(OpCodes.Ldloc, cell);
            return;
        }
        EmitCtx();
        _il.Emit(OpCodes.Ldfld, CtxField(nameof(VmContext.Globals)));
        _il.EmitI4((int)i);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    private Dictionary<int, LocalBuilder>? _globalCells;

    private void LoadGlobalCells()
    {
        var used = _env.Calls.GlobalsUsed((int)_funcIndex - _m.ImportedFunctionCount);
        if (used.Length == 0) return;
        var cells = new Dictionary<int, LocalBuilder>();
        foreach (var g in used)
        {
            EmitGlobalCell((uint)g);
            var local = _il.DeclareLocal(typeof(Global));
            _il.Emit(OpCodes.Stloc, local);
            cells[g] = local;
        }
        _globalCells = cells;
    }

    private void EmitGlobalGet(uint i)
    {
        var t = _m.Globals[(int)i].Type;
        EmitGlobalCell(i);
        _il.Emit(OpCodes.Ldfld, GlobalField(t));
        Push(t);
    }

    private void EmitGlobalSet(uint i)
    {
        var t = Pop();
        var tmp = _temps.Rent(ClrTypes.Of(t));
        _il.Emit(OpCodes.Stloc, tmp);
        EmitGlobalCell(i);
        _il.Emit(OpCodes.Ldloc, tmp);
        _il.Emit(OpCodes.Stfld, GlobalField(t));
        _temps.Return(tmp);
    }

    /// <summary>
    /// select. Integers use a branch-free mask (b ^ ((a ^ b) &amp; -(cond != 0))): clang emits select for
    /// data-dependent choices, and RyuJIT does not turn branches inside loops into cmov, so a branch
    /// would mispredict on every other element. Other types keep a branch.
    /// </summary>
    private void EmitSelect()
    {
        Pop();
        var t = Pop();
        Pop();
        var clr = ClrTypes.Of(t);
        var cond = _temps.Rent(typeof(int));
        var b = _temps.Rent(clr);
        _il.Emit(OpCodes.Stloc, cond);
        _il.Emit(OpCodes.Stloc, b);
        if (t is ValType.I32 or ValType.I64)
        {
            _il.Emit(OpCodes.Ldloc, b);
            _il.Emit(OpCodes.Xor);
            _il.Emit(OpCodes.Ldloc, cond);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Cgt_Un);
            _il.Emit(OpCodes.Neg);
            if (t == ValType.I64) _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.And);
            _il.Emit(OpCodes.Ldloc, b);
            _il.Emit(OpCodes.Xor);
        }
        else
        {
            var keepA = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloc, cond);
            _il.Emit(OpCodes.Brtrue, keepA);
            _il.Emit(OpCodes.Pop);
            _il.Emit(OpCodes.Ldloc, b);
            _il.MarkLabel(keepA);
        }
        _temps.Return(cond);
        _temps.Return(b);
        Push(t);
    }

    private void EmitFunctionRef(uint funcIndex)
    {
        EmitCtx();
        _il.Emit(OpCodes.Ldfld, CtxField(nameof(VmContext.Functions)));
        _il.EmitI4((int)funcIndex);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    // ---- reflection handles -------------------------------------------------------------------
    private static FieldInfo CtxField(string name) => typeof(VmContext).GetField(name)!;

    private static MethodInfo Helper(string name) => typeof(VmHelpers).GetMethod(name)!;
}
