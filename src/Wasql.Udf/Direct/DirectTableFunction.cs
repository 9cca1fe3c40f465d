// A direct-ABI table function (sdk/DIRECT_ABI.md, "Table functions"): NAME(args) starts the guest's iterator on one
// instance, NAME__next() returns one encoded row at a time. A cursor pins its instance for the whole iteration, so
// rows stream (nothing is collected) and each call runs under the per-call limits.
using Wasql.Udf.Direct;
using Wasql.Wasm;

namespace Wasql.Udf;

/// <summary>A table function of a plain module, bound with declared argument types and a column count.</summary>
public sealed class DirectTableFunction
{
    internal DirectTableFunction(UdfModule module, string exportName, IReadOnlyList<SqlType> arguments, int columns, bool calledOnNullInput)
    {
        Start = new DirectFunction(module, exportName, new DirectSignature(arguments, SqlType.Int4, calledOnNullInput));
        Columns = columns;
    }

    internal DirectFunction Start { get; }
    /// <summary>The wasm export that starts an iteration.</summary>
    public string ExportName => Start.ExportName;
    /// <summary>Declared argument types.</summary>
    public IReadOnlyList<SqlType> ArgumentTypes => Start.Signature.Arguments;
    /// <summary>True when the function is also called on NULL input (each argument with a NULL flag).</summary>
    public bool CalledOnNullInput => Start.Signature.CalledOnNullInput;
    /// <summary>Cells per row.</summary>
    public int Columns { get; }

    /// <summary>Pins one pooled instance for one iteration at a time (single thread); dispose it to return the instance.</summary>
    public DirectTableCursor OpenCursor() => new(this, new InstanceSlot(Start.Module.Pool, Start.Shape, Start.Module.Pool.Rent(ExportName)));

    internal static void Check(UdfModule module, string exportName, IReadOnlyList<SqlType> arguments, bool calledOnNullInput)
    {
        DirectShape.Check(module, exportName, new DirectSignature(arguments, SqlType.Int4, calledOnNullInput));
        var next = exportName + DirectExports.NextSuffix;
        var exports = module.Compiled.Exports;
        if (!exports.Any(x => x.Name == next && x.Type is FuncType t && t.Params.Length == 0 && t.Results.SequenceEqual([ValType.I64])))
            throw new UdfException(UdfErrorKind.Signature, exportName, $"a table function needs the export {next}() -> i64 in module '{module.Name}'");
        // Rows come back as guest blocks, so the allocator exports are needed even for numeric arguments.
        if (!exports.Any(x => x.Name == "dealloc") || !exports.Any(x => x.Name == "memory" && x.Kind == ExternKind.Memory))
            throw new UdfException(UdfErrorKind.Signature, exportName, $"a table function's module '{module.Name}' must export 'memory' and dealloc(i32 ptr, i32 len, i32 align)");
    }
}

/// <summary>One iteration at a time over a <see cref="DirectTableFunction"/> on a pinned instance; not thread-safe.</summary>
public sealed class DirectTableCursor : IDisposable
{
    private readonly DirectTableFunction _function;
    private readonly InstanceSlot _slot;
    private bool _active;

    internal DirectTableCursor(DirectTableFunction function, InstanceSlot slot)
    {
        _function = function;
        _slot = slot;
    }

    /// <summary>Starts an iteration (dropping any previous one in the guest). False when a NULL argument of a strict
    /// function means there are no rows. A failure discards the instance and swaps in a fresh one.</summary>
    public bool Start(ReadOnlySpan<object?> args)
    {
        _active = false;
        _slot.Acquire();
        _active = DirectInvoker.Start(_function.Start, _slot, args);
        return _active;
    }

    /// <summary>The next row (long, double, string, byte[] or null per column), or null at the end.</summary>
    public object?[]? Next()
    {
        if (!_active) return null;
        var row = DirectInvoker.Next(_function.Start, _slot, _function.Columns);
        if (row is null) _active = false;
        return row;
    }

    /// <summary>Returns the instance to the pool.</summary>
    public void Dispose() => _slot.Release();
}
