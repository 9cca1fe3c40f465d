// Validates one function body: decodes its instruction stream (raising MalformedModuleException for
// bad encodings, since the decoder frames bodies only) and type-checks every non-SIMD instruction with
// the operand/control stacks of FunctionValidator.Stacks.cs. One instance is reused for all bodies.
using Wasql.Wasm.Binary;
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Validation;

internal sealed partial class FunctionValidator
{
    private const ValType I32 = ValType.I32, I64 = ValType.I64, F32 = ValType.F32, F64 = ValType.F64;

    private static readonly ValType[] NoTypes = [];
    /// <summary>One-element type arrays, indexed by the value type's byte, for single-result block types.</summary>
    private static readonly ValType[][] SingleTypes = BuildSingles();

    private readonly ValidationContext _context;
    private readonly ModuleInfo _info;
    private ValType[] _locals = new ValType[16];
    private int _localCount;

    // The instruction being validated (for error messages).
    private int _funcIndex;
    private int _opOffset;
    private Opcode _op;

    public FunctionValidator(ValidationContext context)
    {
        _context = context;
        _info = context.Info;
    }

    private static ValType[][] BuildSingles()
    {
        var s = new ValType[256][];
        foreach (var t in new[] { ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128, ValType.FuncRef, ValType.ExternRef })
            s[(byte)t] = [t];
        return s;
    }

    public void Validate(int funcIndex, FunctionBody body)
    {
        _funcIndex = funcIndex;
        _opOffset = body.Offset;
        _op = Opcode.Nop;
        var type = _context.FunctionTypes[funcIndex];
        SetUpLocals(type, body);

        _opCount = 0;
        _ctrlCount = 0;
        PushCtrl(FrameKind.Function, NoTypes, type.Results);

        var r = new WasmReader(_info.Bytes, body.CodeOffset, body.End);
        try
        {
            while (true)
            {
                if (r.AtEnd)
                {
                    _opOffset = r.Position;
                    throw Malformed("END opcode expected: the function body ended inside an unclosed block");
                }
                _opOffset = r.Position;
                _op = r.ReadOpcode();
                if (Step(ref r, _op)) break;
            }
        }
        catch (MalformedModuleException e) when (!ReferenceEquals(e, _ownMalformed))
        {
            // A reader error (truncated immediate, bad LEB, bad type byte): add the function and instruction.
            string message = e.Message;
            int colon = message.IndexOf(": ", StringComparison.Ordinal);
            if (colon >= 0) message = message[(colon + 2)..];
            throw new MalformedModuleException($"{message} in {_context.DescribeFunction(funcIndex)} ({Immediates.Describe(_op)})", e.Offset);
        }
        if (!r.AtEnd)
            throw new MalformedModuleException(
                $"section size mismatch: operators remain after the final end of {_context.DescribeFunction(funcIndex)}", r.Position);
    }

    private void SetUpLocals(FuncType type, FunctionBody body)
    {
        long total = type.Params.Length + body.LocalCount;
        if (total > int.MaxValue / 2) throw new InvalidModuleException($"too many locals in {_context.DescribeFunction(_funcIndex)}");
        if (_locals.Length < total) _locals = new ValType[Math.Max(total, _locals.Length * 2)];
        int n = 0;
        foreach (var p in type.Params) _locals[n++] = p;
        foreach (var run in body.Locals)
            for (uint i = 0; i < run.Count; i++) _locals[n++] = run.Type;
        _localCount = n;
    }

    /// <summary>Validates one instruction whose opcode has been read; true when it closed the function.</summary>
    private bool Step(ref WasmReader r, Opcode op)
    {
        switch (op)
        {
            // ---- control ----
            case Opcode.Unreachable:
                SetUnreachable();
                break;
            case Opcode.Nop:
                break;
            case Opcode.Block or Opcode.Loop:
            {
                ReadBlockType(ref r, out var ps, out var rs);
                PopAll(ps);
                PushCtrl(op == Opcode.Block ? FrameKind.Block : FrameKind.Loop, ps, rs);
                break;
            }
            case Opcode.If:
            {
                ReadBlockType(ref r, out var ps, out var rs);
                Pop(I32);
                PopAll(ps);
                PushCtrl(FrameKind.If, ps, rs);
                break;
            }
            case Opcode.Else:
            {
                if (_ctrls[_ctrlCount - 1].Kind != FrameKind.If) throw Malformed("illegal opcode: else without a matching if");
                var f = PopCtrl();
                PushCtrl(FrameKind.Else, f.Params, f.Results);
                break;
            }
            case Opcode.End:
            {
                var f = PopCtrl();
                if (f.Kind == FrameKind.If && !f.Params.AsSpan().SequenceEqual(f.Results))
                    throw Fail("type mismatch: an if without else must have the same parameter and result types");
                if (_ctrlCount == 0) return true;
                PushAll(f.Results);
                break;
            }
            case Opcode.Br:
            {
                var types = Label(r.ReadU32()).LabelTypes;
                PopAll(types);
                SetUnreachable();
                break;
            }
            case Opcode.BrIf:
            {
                var types = Label(r.ReadU32()).LabelTypes;
                Pop(I32);
                PopAll(types);
                PushAll(types);
                break;
            }
            case Opcode.BrTable:
                BrTable(ref r);
                break;
            case Opcode.Return:
                PopAll(_ctrls[0].Results);
                SetUnreachable();
                break;
            case Opcode.Call:
            {
                uint f = r.ReadU32();
                if (f >= (uint)_context.FunctionTypes.Length) throw Fail($"unknown function {f}");
                var t = _context.FunctionTypes[f];
                PopAll(t.Params);
                PushAll(t.Results);
                break;
            }
            case Opcode.CallIndirect:
            {
                uint ti = r.ReadU32();
                uint table = r.ReadU32();
                if (table >= (uint)_context.TableCount) throw Fail($"unknown table {table}");
                if (ti >= (uint)_context.TypeCount) throw Fail($"unknown type {ti}");
                if (_info.Tables[(int)table].ElementType != ValType.FuncRef)
                    throw Fail($"type mismatch: call_indirect needs a funcref table, table {table} holds {_info.Tables[(int)table].ElementType.Name()}");
                var t = _info.Types[(int)ti];
                Pop(I32);
                PopAll(t.Params);
                PushAll(t.Results);
                break;
            }

            // ---- parametric ----
            case Opcode.Drop:
                Pop();
                break;
            case Opcode.Select:
            {
                Pop(I32);
                var t1 = Pop();
                var t2 = Pop();
                bool numeric1 = t1.IsNumeric() || t1 == ValType.V128 || t1 == Unknown;
                bool numeric2 = t2.IsNumeric() || t2 == ValType.V128 || t2 == Unknown;
                if (!numeric1 || !numeric2)
                    throw Fail($"type mismatch: untyped select needs numeric operands, found {(numeric1 ? t2 : t1).Name()}");
                if (t1 != t2 && t1 != Unknown && t2 != Unknown) throw Mismatch(t1.Name(), t2.Name());
                Push(t1 == Unknown ? t2 : t1);
                break;
            }
            case Opcode.SelectTyped:
            {
                uint n = r.ReadU32();
                if (n != 1)
                {
                    for (uint i = 0; i < n; i++) r.ReadValType();
                    throw Fail($"invalid result arity: select takes exactly one type, found {n}");
                }
                var t = r.ReadValType();
                Pop(I32);
                Pop(t);
                Pop(t);
                Push(t);
                break;
            }

            // ---- variables ----
            case Opcode.LocalGet:
                Push(Local(r.ReadU32()));
                break;
            case Opcode.LocalSet:
                Pop(Local(r.ReadU32()));
                break;
            case Opcode.LocalTee:
            {
                var t = Local(r.ReadU32());
                Pop(t);
                Push(t);
                break;
            }
            case Opcode.GlobalGet:
                Push(Global(r.ReadU32()).Type);
                break;
            case Opcode.GlobalSet:
            {
                var g = Global(r.ReadU32());
                if (!g.Mutable) throw Fail("global is immutable");
                Pop(g.Type);
                break;
            }
            case Opcode.TableGet:
            {
                var t = Table(r.ReadU32());
                Pop(I32);
                Push(t);
                break;
            }
            case Opcode.TableSet:
            {
                var t = Table(r.ReadU32());
                Pop(t);
                Pop(I32);
                break;
            }

            // ---- memory ----
            case >= Opcode.I32Load and <= Opcode.I64Store32:
                LoadStore(ref r, op);
                break;
            case Opcode.MemorySize:
                ZeroByte(ref r);
                RequireMemory();
                Push(I32);
                break;
            case Opcode.MemoryGrow:
                ZeroByte(ref r);
                RequireMemory();
                Pop(I32);
                Push(I32);
                break;

            // ---- constants ----
            case Opcode.I32Const: r.ReadS32(); Push(I32); break;
            case Opcode.I64Const: r.ReadS64(); Push(I64); break;
            case Opcode.F32Const: r.ReadF32Bits(); Push(F32); break;
            case Opcode.F64Const: r.ReadF64Bits(); Push(F64); break;

            // ---- reference ----
            case Opcode.RefNull:
                Push(r.ReadRefType());
                break;
            case Opcode.RefIsNull:
            {
                var t = Pop();
                if (t != Unknown && !t.IsReference()) throw Mismatch("a reference", t.Name());
                Push(I32);
                break;
            }
            case Opcode.RefFunc:
            {
                uint f = r.ReadU32();
                if (f >= (uint)_context.FunctionTypes.Length) throw Fail($"unknown function {f}");
                if (!_context.DeclaredRefs[f]) throw Fail($"undeclared function reference {f}");
                Push(ValType.FuncRef);
                break;
            }

            default:
                if ((int)op <= 0xFF)
                {
                    var sig = OperatorRules.Numeric[(int)op];
                    if (!sig.IsDefined) throw Malformed("illegal opcode");
                    if (sig.B != 0) Pop(sig.B);
                    Pop(sig.A);
                    Push(sig.R);
                }
                else if ((int)op < (int)Opcode.SimdPrefix) Prefixed(ref r, op);
                else ValidateSimd(ref r, (int)op - (int)Opcode.SimdPrefix);
                break;
        }
        return false;
    }

    /// <summary>The 0xFC-prefixed instructions: saturating truncation, bulk memory and table operations.</summary>
    private void Prefixed(ref WasmReader r, Opcode op)
    {
        switch (op)
        {
            case >= Opcode.I32TruncSatF32S and <= Opcode.I64TruncSatF64U:
            {
                var sig = OperatorRules.TruncSat[(int)op - 0xFC00];
                Pop(sig.A);
                Push(sig.R);
                break;
            }
            case Opcode.MemoryInit:
            {
                uint seg = r.ReadU32();
                ZeroByte(ref r);
                DataSegment(seg);
                RequireMemory();
                Pop(I32); Pop(I32); Pop(I32);
                break;
            }
            case Opcode.DataDrop:
                DataSegment(r.ReadU32());
                break;
            case Opcode.MemoryCopy:
                ZeroByte(ref r);
                ZeroByte(ref r);
                RequireMemory();
                Pop(I32); Pop(I32); Pop(I32);
                break;
            case Opcode.MemoryFill:
                ZeroByte(ref r);
                RequireMemory();
                Pop(I32); Pop(I32); Pop(I32);
                break;
            case Opcode.TableInit:
            {
                uint seg = r.ReadU32();
                uint table = r.ReadU32();
                var tt = Table(table);
                var et = ElemSegment(seg);
                if (tt != et) throw Fail($"type mismatch: table {table} holds {tt.Name()}, element segment {seg} holds {et.Name()}");
                Pop(I32); Pop(I32); Pop(I32);
                break;
            }
            case Opcode.ElemDrop:
                ElemSegment(r.ReadU32());
                break;
            case Opcode.TableCopy:
            {
                uint dst = r.ReadU32();
                uint src = r.ReadU32();
                var dt = Table(dst);
                var st = Table(src);
                if (dt != st) throw Fail($"type mismatch: table.copy from {st.Name()} table {src} to {dt.Name()} table {dst}");
                Pop(I32); Pop(I32); Pop(I32);
                break;
            }
            case Opcode.TableGrow:
            {
                var t = Table(r.ReadU32());
                Pop(I32);
                Pop(t);
                Push(I32);
                break;
            }
            case Opcode.TableSize:
                Table(r.ReadU32());
                Push(I32);
                break;
            case Opcode.TableFill:
            {
                var t = Table(r.ReadU32());
                Pop(I32);
                Pop(t);
                Pop(I32);
                break;
            }
            default:
                throw Malformed("illegal opcode");
        }
    }

    private void BrTable(ref WasmReader r)
    {
        uint n = r.ReadU32();
        // The default label comes after the targets but fixes the arity: read it first, then come back.
        int targetsAt = r.Position;
        for (uint i = 0; i < n; i++) r.ReadU32();
        var defaultTypes = Label(r.ReadU32()).LabelTypes;
        int after = r.Position;
        r.Position = targetsAt;
        int arity = defaultTypes.Length;
        Pop(I32);
        for (uint i = 0; i < n; i++)
        {
            uint depth = r.ReadU32();
            var types = Label(depth).LabelTypes;
            if (types.Length != arity)
                throw Fail($"type mismatch: br_table target {depth} has {types.Length} value(s), the default has {arity}");
            PeekAll(types);
        }
        r.Position = after;
        PopAll(defaultTypes);
        SetUnreachable();
    }

    private void LoadStore(ref WasmReader r, Opcode op)
    {
        var rule = OperatorRules.Memory[(int)op - (int)Opcode.I32Load];
        var (align, _) = r.ReadMemArg();
        RequireMemory();
        if (align > rule.NaturalAlignLog2)
            throw Fail($"alignment must not be larger than natural: 2^{align} > {1 << rule.NaturalAlignLog2}");
        if (rule.IsStore)
        {
            Pop(rule.Type);
            Pop(I32);
        }
        else
        {
            Pop(I32);
            Push(rule.Type);
        }
    }

    /// <summary>Block types: empty (0x40), one value type, or a type index (s33) for multi-value blocks.</summary>
    private void ReadBlockType(ref WasmReader r, out ValType[] parameters, out ValType[] results)
    {
        int at = r.Position;
        long bt = r.ReadS33();
        parameters = NoTypes;
        if (bt >= 0)
        {
            if (bt >= _context.TypeCount) throw Fail($"unknown type {bt}");
            var ft = _info.Types[(int)bt];
            parameters = ft.Params;
            results = ft.Results;
            return;
        }
        if (bt == -64)
        {
            results = NoTypes;
            return;
        }
        // A single value type: its byte, read as a negative one-byte sleb.
        var single = bt >= -128 ? SingleTypes[(byte)(bt & 0x7F)] : null;
        if (single is null)
        {
            _opOffset = at;
            throw Malformed("malformed block type");
        }
        results = single;
    }

    private void ZeroByte(ref WasmReader r)
    {
        int at = r.Position;
        if (r.ReadByte() != 0)
        {
            _opOffset = at;
            throw Malformed("zero byte expected");
        }
    }

    private ValType Local(uint index)
    {
        if (index >= (uint)_localCount) throw Fail($"unknown local {index}");
        return _locals[index];
    }

    private GlobalType Global(uint index)
    {
        if (index >= (uint)_context.GlobalCount) throw Fail($"unknown global {index}");
        return _info.Globals[(int)index];
    }

    private ValType Table(uint index)
    {
        if (index >= (uint)_context.TableCount) throw Fail($"unknown table {index}");
        return _info.Tables[(int)index].ElementType;
    }

    private ValType ElemSegment(uint index)
    {
        if (index >= (uint)_context.ElementCount) throw Fail($"unknown elem segment {index}");
        return _info.Elements[(int)index].ElementType;
    }

    private void DataSegment(uint index)
    {
        if (_info.DataCount is not uint count) throw Malformed("data count section required");
        if (index >= count) throw Fail($"unknown data segment {index}");
    }

    private void RequireMemory()
    {
        if (_context.MemoryCount == 0) throw Fail("unknown memory 0");
    }
}
