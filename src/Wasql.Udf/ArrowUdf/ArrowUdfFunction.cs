// One arrow-udf function of a loaded module: its decoded signature and the public entry points to call it
// on a RecordBatch (scalar), as a stream of batches (table), or per row with boxed values.
using Apache.Arrow;
using Wasql.Arrow;

namespace Wasql.Udf;

/// <summary>A function exported by an arrow-udf module as <c>arrowudf_&lt;base64&gt;</c>. Thread-safe: every call
/// takes an instance from the module's pool.</summary>
public sealed class ArrowUdfFunction
{
    internal ArrowUdfFunction(UdfModule module, string exportName, string signature, string name,
        IReadOnlyList<UdfType> args, UdfType ret, UdfFunctionKind kind)
    {
        Module = module;
        ExportName = exportName;
        Signature = signature;
        Name = name;
        ArgumentTypes = args;
        ReturnType = ret;
        Kind = kind;
        InputSchema = new Schema(args.Select((t, i) => new Field("arg" + i, t.ArrowType, true, t.Field.HasMetadata ? t.Field.Metadata : null)), null);
    }

    /// <summary>Set after the first successful call (the watchdog is lenient before: JIT compilation).</summary>
    internal volatile bool Warm;

    // The one-row input template (null until the first per-row call; NoTemplate when the types do not allow one).
    private object? _oneRow;
    private static readonly object NoTemplate = new();

    /// <summary>The encoded one-row input of this function's argument types, made on first use (a race makes two; one wins).</summary>
    private ArrowUdf.OneRowInput? OneRow
    {
        get
        {
            var o = Volatile.Read(ref _oneRow);
            if (o is null) Volatile.Write(ref _oneRow, o = ArrowUdf.OneRowInput.TryCreate(this) ?? NoTemplate);
            return o as ArrowUdf.OneRowInput;
        }
    }

    /// <summary>The module this function belongs to.</summary>
    public UdfModule Module { get; }
    /// <summary>The function name (e.g. <c>gcd</c>); several functions may share it (overloads).</summary>
    public string Name { get; }
    /// <summary>The decoded symbol text, e.g. <c>gcd(int4,int4)->int4</c> or <c>range(int32)->>int32</c>.</summary>
    public string Signature { get; }
    /// <summary>The wasm export, <c>arrowudf_</c> + encoded signature.</summary>
    public string ExportName { get; }
    /// <summary>Argument types in order, in the module's vocabulary.</summary>
    public IReadOnlyList<UdfType> ArgumentTypes { get; }
    /// <summary>The result type (for a table function: the type of its value column).</summary>
    public UdfType ReturnType { get; }
    /// <summary>Scalar or table (set-returning).</summary>
    public UdfFunctionKind Kind { get; }
    /// <summary>True for a table (set-returning) function.</summary>
    public bool IsTable => Kind == UdfFunctionKind.Table;
    /// <summary>A schema for input batches (fields <c>arg0..argN</c>; the guest reads columns by position).</summary>
    public Schema InputSchema { get; }

    /// <summary>
    /// Calls a scalar function on <paramref name="input"/> (one column per argument, by position; a zero-argument
    /// function takes a batch with no columns and the wanted row count). NULL value slots are sent as zeros.
    /// Per-row failures come back as data in <see cref="UdfScalarResult.Errors"/>; a trap, a timeout or a
    /// whole-call error (rc != 0) throws <see cref="UdfException"/>.
    /// </summary>
    public UdfScalarResult CallScalar(RecordBatch input)
    {
        if (IsTable) throw new UdfException(UdfErrorKind.Signature, Name, "is a table function: use CallTable");
        return ArrowUdfCalls.Scalar(this, input);
    }

    /// <summary>Advanced: runs the scalar protocol on caller-made Arrow IPC FILE bytes, sent as they are (no NULL-slot
    /// zeroing, no row-count check). For conformance tests and pass-through of batches already in IPC form.</summary>
    public UdfScalarResult CallScalarIpc(ReadOnlySpan<byte> ipcFile)
    {
        if (IsTable) throw new UdfException(UdfErrorKind.Signature, Name, "is a table function: use CallTable");
        return ArrowUdfCalls.ScalarIpc(this, ipcFile, -1);
    }

    /// <summary>
    /// Calls a table function: the returned reader yields batches with columns <c>row</c> (Int32, the input row),
    /// the value (named after the function) and optionally <c>error</c>. Dispose the reader (also when stopping
    /// early) to free the guest iterator and return the instance.
    /// </summary>
    public UdfTableReader CallTable(RecordBatch input)
    {
        if (!IsTable) throw new UdfException(UdfErrorKind.Signature, Name, "is a scalar function: use CallScalar");
        return ArrowUdfCalls.Table(this, input);
    }

    /// <summary>Builds an input batch from rows of boxed argument values (null = NULL), converted to the argument types.</summary>
    public RecordBatch CreateInput(IReadOnlyList<IReadOnlyList<object?>> rows)
    {
        foreach (var row in rows)
            if (row.Count != ArgumentTypes.Count)
                throw new UdfException(UdfErrorKind.Signature, Name, $"expects {ArgumentTypes.Count} arguments, got {row.Count}");
        return BoxedArrays.BuildBatch(InputSchema, rows);
    }

    /// <summary>Per-row convenience for a scalar function: calls it on one row and returns the boxed value
    /// (null for NULL). A per-row error throws <see cref="UdfException"/> (kind GuestError).</summary>
    public object? Invoke(params object?[] args)
    {
        if (IsTable) throw new UdfException(UdfErrorKind.Signature, Name, "is a table function: use CallTable");
        var result = OneRow is { } one && one.TryEncode(args, out var ipc)
            ? ArrowUdfCalls.ScalarIpc(this, ipc, 1)
            : CallScalar(CreateInput([args]));
        string? err = result.GetError(0);
        if (err is not null) throw new UdfException(UdfErrorKind.GuestError, Name, err, 0);
        return result.GetValue(0);
    }

    /// <summary>Per-row convenience for a table function: all (value, error) rows produced by one argument row.</summary>
    public IReadOnlyList<(object? Value, string? Error)> InvokeTable(params object?[] args)
    {
        var list = new List<(object?, string?)>();
        if (!IsTable) throw new UdfException(UdfErrorKind.Signature, Name, "is a scalar function: use CallScalar");
        using var reader = OneRow is { } one && one.TryEncode(args, out var ipc)
            ? new UdfTableReader(ArrowUdf.TableCall.Start(this, ipc))
            : CallTable(CreateInput([args]));
        foreach (var batch in reader)
        {
            var values = batch.Column(1);
            var errors = batch.ColumnCount > 2 ? batch.Column(2) as StringArray : null;
            for (int i = 0; i < batch.Length; i++) list.Add((BoxedValues.Get(values, i), errors is { } e && e.IsValid(i) ? e.GetString(i) : null));
        }
        return list;
    }

    /// <inheritdoc/>
    public override string ToString() => Signature;
}
