// The operand stack and control stack of the spec's validation algorithm (appendix "Validation
// Algorithm"), including the polymorphic stack after unreachable code, plus error construction that
// names the function, byte offset and instruction. Arrays are reused across bodies: no allocation per op.
using System.Runtime.CompilerServices;
using Wasql.Wasm.Binary;

namespace Wasql.Wasm.Validation;

internal sealed partial class FunctionValidator
{
    /// <summary>The "Unknown" operand type of unreachable code; matches any type.</summary>
    private const ValType Unknown = 0;

    private enum FrameKind : byte { Block, Loop, If, Else, Function }

    private struct Frame
    {
        public ValType[] Params;
        public ValType[] Results;
        public int Height;
        public FrameKind Kind;
        public bool Unreachable;

        public readonly ValType[] LabelTypes => Kind == FrameKind.Loop ? Params : Results;
    }

    private ValType[] _ops = new ValType[64];
    private int _opCount;
    private Frame[] _ctrls = new Frame[16];
    private int _ctrlCount;
    // Copies of the innermost frame's Height and Unreachable, for the hot pop paths.
    private int _height;
    private bool _unreachable;

    // ---- operand stack ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Push(ValType t)
    {
        if (_opCount == _ops.Length) Array.Resize(ref _ops, _ops.Length * 2);
        _ops[_opCount++] = t;
    }

    private void PushAll(ValType[] types)
    {
        foreach (var t in types) Push(t);
    }

    /// <summary>Pops any operand (Unknown when the current frame's stack is polymorphic and exhausted).</summary>
    private ValType Pop()
    {
        if (_opCount == _height)
        {
            if (_unreachable) return Unknown;
            throw Mismatch("a value", "an empty stack");
        }
        return _ops[--_opCount];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValType Pop(ValType expected)
    {
        if (_opCount > _height)
        {
            var actual = _ops[--_opCount];
            if (actual == expected || actual == Unknown) return actual;
            throw Mismatch(expected.Name(), actual.Name());
        }
        return PopSlow(expected);
    }

    private ValType PopSlow(ValType expected)
    {
        if (_unreachable) return expected;
        throw Mismatch(expected.Name(), "an empty stack");
    }

    private void PopAll(ValType[] types)
    {
        for (int i = types.Length - 1; i >= 0; i--) Pop(types[i]);
    }

    /// <summary>Checks that the top of the stack matches <paramref name="types"/> without changing it
    /// (the spec's <c>push_vals(pop_vals(types))</c>, used by br_table).</summary>
    private void PeekAll(ValType[] types)
    {
        for (int k = 0; k < types.Length; k++)
        {
            int pos = _opCount - 1 - k;
            var expected = types[types.Length - 1 - k];
            if (pos < _height)
            {
                if (_unreachable) continue;
                throw Mismatch(expected.Name(), "an empty stack");
            }
            var actual = _ops[pos];
            if (actual != expected && actual != Unknown) throw Mismatch(expected.Name(), actual.Name());
        }
    }

    // ---- control stack ----

    private void PushCtrl(FrameKind kind, ValType[] parameters, ValType[] results)
    {
        if (_ctrlCount == _ctrls.Length) Array.Resize(ref _ctrls, _ctrls.Length * 2);
        _ctrls[_ctrlCount++] = new Frame { Kind = kind, Params = parameters, Results = results, Height = _opCount };
        _height = _opCount;
        _unreachable = false;
        PushAll(parameters);
    }

    private Frame PopCtrl()
    {
        ref Frame f = ref _ctrls[_ctrlCount - 1];
        PopAll(f.Results);
        if (_opCount != f.Height)
            throw Fail($"type mismatch: {_opCount - f.Height} value(s) left on the stack at the end of the block");
        var popped = _ctrls[--_ctrlCount];
        if (_ctrlCount > 0)
        {
            ref Frame outer = ref _ctrls[_ctrlCount - 1];
            _height = outer.Height;
            _unreachable = outer.Unreachable;
        }
        return popped;
    }

    private void SetUnreachable()
    {
        _opCount = _height;
        _ctrls[_ctrlCount - 1].Unreachable = true;
        _unreachable = true;
    }

    /// <summary>The frame <paramref name="depth"/> labels out from the innermost one ("unknown label" if none).</summary>
    private ref Frame Label(uint depth)
    {
        if (depth >= (uint)_ctrlCount) throw Fail($"unknown label {depth}");
        return ref _ctrls[_ctrlCount - 1 - (int)depth];
    }

    // ---- errors ----

    private InvalidModuleException Mismatch(string expected, string found) =>
        new($"type mismatch in {Where()}: expected {expected}, found {found}");

    /// <summary>An error whose message starts with the spec's text, followed by the location.</summary>
    private InvalidModuleException Fail(string message)
    {
        int colon = message.IndexOf(':');
        return colon < 0
            ? new InvalidModuleException($"{message} in {Where()}")
            : new InvalidModuleException($"{message[..colon]} in {Where()}{message[colon..]}");
    }

    /// <summary>The last malformed-body error built here (already names the function), so the reader-error
    /// wrapper in Validate leaves it alone.</summary>
    private MalformedModuleException? _ownMalformed;

    private MalformedModuleException Malformed(string message) =>
        _ownMalformed = new($"{message} in {_context.DescribeFunction(_funcIndex)} ({Immediates.Describe(_op)})", _opOffset);

    private string Where() => $"{_context.DescribeFunction(_funcIndex)} at 0x{_opOffset:x} ({Immediates.Describe(_op)})";
}
