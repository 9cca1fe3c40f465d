// The stream of output batches of a table (set-returning) arrow-udf call. Holds one pooled instance and the
// guest iterator until the end or Dispose; both paths free what the ABI says to free.
using System.Collections;
using Apache.Arrow;

namespace Wasql.Udf;

/// <summary>Output batches of <see cref="ArrowUdfFunction.CallTable"/>: columns <c>row</c>, value, optional <c>error</c>.
/// Single-use and single-threaded; always dispose it.</summary>
public sealed class UdfTableReader : IEnumerable<RecordBatch>, IDisposable
{
    private readonly ArrowUdf.TableCall _call;

    internal UdfTableReader(ArrowUdf.TableCall call) => _call = call;

    /// <summary>The function being called.</summary>
    public ArrowUdfFunction Function => _call.Function;

    /// <summary>The latest batch read by <see cref="MoveNext"/>.</summary>
    public RecordBatch Current => _call.Current ?? throw new InvalidOperationException("MoveNext has not returned true");

    /// <summary>Reads the next output batch; false at the end of the stream (the guest resources are then freed).</summary>
    public bool MoveNext() => _call.MoveNext();

    /// <summary>Stops early if needed: drops the guest iterator, frees its buffers and returns the instance to the pool.</summary>
    public void Dispose() => _call.Dispose();

    /// <summary>Enumerates the remaining batches (the reader is single-use).</summary>
    public IEnumerator<RecordBatch> GetEnumerator()
    {
        while (MoveNext()) yield return Current;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
