// The result of a scalar arrow-udf call on a batch: the guest's output batch, its value column and the
// optional per-row error column, surfaced as data (a failing row does not fail the batch).
using Apache.Arrow;
using Wasql.Arrow;

namespace Wasql.Udf;

/// <summary>Output of <see cref="ArrowUdfFunction.CallScalar"/>: one value per input row, plus per-row errors.</summary>
public sealed class UdfScalarResult
{
    internal UdfScalarResult(string function, RecordBatch batch, int firstRow)
    {
        FunctionName = function;
        Batch = batch;
        FirstRow = firstRow;
        Values = batch.Column(0);
        if (batch.ColumnCount > 1 && batch.Schema.FieldsList[1].Name == "error" && batch.Column(1) is StringArray errors)
            Errors = errors;
    }

    /// <summary>The function that produced this result.</summary>
    public string FunctionName { get; }

    /// <summary>The batch exactly as the guest returned it: column 0 named after the function, optional column 1 <c>error</c>.</summary>
    public RecordBatch Batch { get; }

    /// <summary>Row number that row 0 of this result corresponds to in the caller's input (for error messages).</summary>
    internal int FirstRow { get; }

    /// <summary>The result values (column 0); a row with an error is NULL here.</summary>
    public IArrowArray Values { get; }

    /// <summary>The per-row error column (Utf8; non-NULL = that row failed), or null when the guest returned none.</summary>
    public StringArray? Errors { get; }

    /// <summary>Number of rows (equals the input row count).</summary>
    public int Length => Batch.Length;

    /// <summary>True when at least one row carries an error.</summary>
    public bool HasErrors => Errors is { } e && e.NullCount < e.Length;

    /// <summary>The error message of <paramref name="row"/>, or null when the row succeeded.</summary>
    public string? GetError(int row) => Errors is { } e && e.IsValid(row) ? e.GetString(row) : null;

    /// <summary>The boxed value of <paramref name="row"/> (null for NULL).</summary>
    public object? GetValue(int row) => BoxedValues.Get(Values, row);

    /// <summary>Throws a <see cref="UdfException"/> (kind GuestError, naming the row) for the first row with an error.</summary>
    public void ThrowIfAnyError()
    {
        if (Errors is not { } e) return;
        for (int i = 0; i < e.Length; i++)
            if (e.IsValid(i))
                throw new UdfException(UdfErrorKind.GuestError, FunctionName, e.GetString(i)!, FirstRow + i);
    }
}
