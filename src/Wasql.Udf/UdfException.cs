// The one exception type of the UDF layer: names the function, the row where known, and the cause
// (trap code, wasm backtrace, guest error text, captured stdout/stderr).
using Wasql.Wasm;

namespace Wasql.Udf;

/// <summary>What went wrong in a UDF call or load.</summary>
public enum UdfErrorKind
{
    /// <summary>The guest trapped (unreachable, out-of-bounds access, divide by zero, stack exhausted...).</summary>
    Trap,
    /// <summary>The call ran past <see cref="UdfLimits.Deadline"/>.</summary>
    Timeout,
    /// <summary>The call used up <see cref="UdfLimits.FuelPerCall"/>.</summary>
    OutOfFuel,
    /// <summary>The guest could not get memory (alloc returned 0, or it trapped after memory.grow failed at the cap).</summary>
    OutOfMemory,
    /// <summary>The guest reported an error for the whole call (arrow-udf rc != 0) or for one row.</summary>
    GuestError,
    /// <summary>The guest broke the ABI (bad pointers, unreadable IPC output, wrong row count).</summary>
    Protocol,
    /// <summary>The module is not valid wasm, lacks required exports, or has undecodable symbols.</summary>
    InvalidModule,
    /// <summary>Arguments do not match the function's signature, or no overload matches.</summary>
    Signature,
    /// <summary>No instance became free within <see cref="UdfLimits.RentTimeout"/>.</summary>
    PoolExhausted,
}

/// <summary>An error from loading or calling a UDF.</summary>
public sealed class UdfException : Exception
{
    /// <summary>Creates an exception; <see cref="Exception.Message"/> is composed from the parts.</summary>
    public UdfException(UdfErrorKind kind, string? function, string cause, int? row = null, TrapCode? trapCode = null,
        IReadOnlyList<string>? backtrace = null, string? stdout = null, string? stderr = null, Exception? inner = null)
        : base(Compose(function, cause, row, backtrace, stdout, stderr), inner)
    {
        Kind = kind;
        FunctionName = function;
        Cause = cause;
        Row = row;
        TrapCode = trapCode;
        WasmBacktrace = backtrace ?? [];
        Stdout = stdout ?? "";
        Stderr = stderr ?? "";
    }

    /// <summary>The category of failure.</summary>
    public UdfErrorKind Kind { get; }
    /// <summary>The UDF's name (arrow-udf function name or direct export), when known.</summary>
    public string? FunctionName { get; }
    /// <summary>The cause alone (trap description or guest message), without the decorations in Message.</summary>
    public string Cause { get; }
    /// <summary>The 0-based row of the input batch (or argument row) that failed, when known.</summary>
    public int? Row { get; }
    /// <summary>The wasm trap code when the guest trapped.</summary>
    public TrapCode? TrapCode { get; }
    /// <summary>Wasm frames of the trap, innermost first (may be empty).</summary>
    public IReadOnlyList<string> WasmBacktrace { get; }
    /// <summary>What the guest wrote to stdout during the failed call (capped).</summary>
    public string Stdout { get; }
    /// <summary>What the guest wrote to stderr during the failed call (capped), e.g. a Rust panic message.</summary>
    public string Stderr { get; }

    private static string Compose(string? function, string cause, int? row, IReadOnlyList<string>? backtrace, string? stdout, string? stderr)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("UDF");
        if (function is not null) sb.Append(" '").Append(function).Append('\'');
        if (row is int r) sb.Append(" row ").Append(r);
        sb.Append(": ").Append(cause);
        if (backtrace is { Count: > 0 })
        {
            sb.Append("\nwasm backtrace:");
            for (int i = 0; i < backtrace.Count; i++) sb.Append("\n  ").Append(i).Append(": ").Append(backtrace[i]);
        }
        if (!string.IsNullOrEmpty(stdout)) sb.Append("\n--- stdout\n").Append(stdout.TrimEnd());
        if (!string.IsNullOrEmpty(stderr)) sb.Append("\n--- stderr\n").Append(stderr.TrimEnd());
        return sb.ToString();
    }
}
