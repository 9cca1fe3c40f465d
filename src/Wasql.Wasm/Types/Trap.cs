// Traps: the one exception type guest code raises, with a code and a wasm-level backtrace.
using Wasql.Wasm.Vm;

namespace Wasql.Wasm;

public enum TrapCode
{
    Unreachable,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    MemoryOutOfBounds,
    TableOutOfBounds,
    UndefinedElement,
    UninitializedElement,
    IndirectCallTypeMismatch,
    StackExhausted,
    OutOfFuel,
    Interrupted,
    /// <summary>A host function threw; the exception is the trap's InnerException (a WASI exit is one of these:
    /// Wasql.Wasi's WasiExitException, owned by WASI, not by the engine).</summary>
    HostError,
}

/// <summary>Guest execution stopped abnormally. Carries the trap code and the wasm frames that were active.</summary>
public sealed class TrapException : WasmException
{
    public TrapCode Code { get; }

    /// <summary>Wasm frames, innermost first, as "module!function" names (or "func[N]").</summary>
    public IReadOnlyList<string> Backtrace { get; internal set; } = [];

    public TrapException(TrapCode code, string? detail = null, Exception? inner = null)
        : base(detail is null ? Describe(code) : $"{Describe(code)}: {detail}", inner)
    {
        Code = code;
    }

    public static string Describe(TrapCode code) => code switch
    {
        TrapCode.Unreachable => "unreachable",
        TrapCode.IntegerDivideByZero => "integer divide by zero",
        TrapCode.IntegerOverflow => "integer overflow",
        TrapCode.InvalidConversionToInteger => "invalid conversion to integer",
        TrapCode.MemoryOutOfBounds => "out of bounds memory access",
        TrapCode.TableOutOfBounds => "out of bounds table access",
        TrapCode.UndefinedElement => "undefined element",
        TrapCode.UninitializedElement => "uninitialized element",
        TrapCode.IndirectCallTypeMismatch => "indirect call type mismatch",
        TrapCode.StackExhausted => "call stack exhausted",
        TrapCode.OutOfFuel => "all fuel consumed",
        TrapCode.Interrupted => "interrupted (deadline exceeded or cancelled)",
        TrapCode.HostError => "host function failed",
        _ => code.ToString(),
    };

    /// <summary>How many frames <see cref="ToString"/> prints (innermost first); a deep recursion has tens of thousands.</summary>
    public const int PrintedFrames = 64;

    /// <summary>Frames past <see cref="Backtrace"/>'s end that were not kept (see <c>Backtrace.MaxFrames</c>).</summary>
    public int OmittedFrames { get; internal set; }

    public override string ToString()
    {
        if (Backtrace.Count == 0) return Message;
        var lines = Backtrace.Take(PrintedFrames).Select((f, i) => $"  {i}: {f}");
        int more = Backtrace.Count - Math.Min(Backtrace.Count, PrintedFrames) + OmittedFrames;
        if (more > 0) lines = lines.Append($"  ... {more} more frames");
        return Message + Environment.NewLine + "wasm backtrace:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
