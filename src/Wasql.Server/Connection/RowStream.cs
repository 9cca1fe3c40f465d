// A statement's rows on their way to the client, as Postgres sends them: fetched from the reader on the DB
// thread in batches bounded in rows and bytes, written, flushed, then the next batch. Each batch's bytes are
// reserved from the server-wide budget while held. Invariant: a connection holds at most one batch (plus
// one row) of a result at a time, and never more than the budget grants; a row the budget cannot hold at
// all fails the statement with 53200.
using Wasql.Database;
using Wasql.Server.Sessions;

namespace Wasql.Server.Connection;

internal sealed class RowStream(WasqlRowReader reader, MemoryBudget? budget) : IDisposable
{
    private const int MaxBatchRows = 1000;
    private const long MaxBatchBytes = 256 << 10;
    /// <summary>A row is held as values (UTF-16 strings) and again as its encoded DataRow (hex for bytea).</summary>
    private const int HeldCopies = 2;
    public const string OutOfMemory = SqlStates.OutOfMemory;

    private readonly List<object?[]> _batch = [];
    private int _next;
    private long _reserved;
    private int _noticesTaken;
    private bool _disposed;
    private bool _onUntakenRow;
    private bool _readerDisposed;

    /// <summary>Closing must run on the DB thread (the statement is still open).</summary>
    public bool CloseOnWorker => !_readerDisposed;           // the reader stands on a row the last batch had no budget for

    public IReadOnlyList<ColumnInfo> Columns { get; } = reader.Columns;
    /// <summary>The reader has no more rows (buffered ones may remain).</summary>
    public bool ReaderDone { get; private set; }
    /// <summary>No rows left to send.</summary>
    public bool Exhausted => ReaderDone && _next >= _batch.Count;
    public bool HasBuffered => _next < _batch.Count;
    /// <summary>The rows fetched but not yet sent (the first batch tells expression columns' types).</summary>
    public IReadOnlyList<object?[]> Buffered => _batch.GetRange(_next, _batch.Count - _next);
    public string CommandTag => reader.CommandTag;

    /// <summary>Notices the statement raised since the last call.</summary>
    public IEnumerable<string> TakeNotices()
    {
        var all = reader.Notices;
        for (; _noticesTaken < all.Count; _noticesTaken++) yield return all[_noticesTaken];
    }

    /// <summary>Runs on the DB thread: drops the sent batch and reads the next one.</summary>
    public void Fetch()
    {
        ReleaseBatch();
        long bytes = 0;
        while (!ReaderDone && _batch.Count < MaxBatchRows && bytes < MaxBatchBytes)
        {
            if (!_onUntakenRow && !reader.Read())
            {
                ReaderDone = true;
                // Finished here, on the DB thread: closing the stream later needs no second trip to it.
                _readerDisposed = true;
                reader.Dispose();
                break;
            }
            _onUntakenRow = false;
            long size = reader.CurrentRowSize * HeldCopies;
            if (budget is not null && !budget.TryReserve(size))
            {
                // Send what is held first; only a row that cannot fit by itself fails the statement.
                if (_batch.Count > 0) { _onUntakenRow = true; break; }
                throw new WasqlException(OutOfMemory,
                    $"out of memory: a result row of about {size:N0} bytes does not fit in the server's buffer budget of {budget.Limit:N0} bytes (ServerOptions.MaxBufferedBytes), shared by all connections")
                { Hint = "retry later, or select less per row" };
            }
            _reserved += size;
            bytes += size;
            var row = new object?[Columns.Count];
            reader.GetValues(row);
            _batch.Add(row);
        }
    }

    public object?[] Next() => _batch[_next++];

    private void ReleaseBatch()
    {
        _batch.Clear();
        _next = 0;
        budget?.Release(_reserved);
        _reserved = 0;
    }

    /// <summary>Finishes the statement (on the DB thread unless <see cref="CloseOnWorker"/> is false) and returns the
    /// reserved bytes.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        ReleaseBatch();
        if (!_readerDisposed) { _readerDisposed = true; reader.Dispose(); }
    }
}
