// The life of one executed statement behind a WasqlRowReader: the after-hooks still owed, the connection's
// end-of-statement bookkeeping, statements it owns, and the bytes it reserved from the memory budget.
// Invariant: Complete runs its work once (the after-hooks see exactly one outcome), Dispose releases once.
using Wasql.Database.Extensions;

namespace Wasql.Database.Sql;

internal sealed class StatementRun(WasqlConnection connection, StatementContext? context, StatementExtension[] afterHooks) : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private long _reserved;
    private bool _completed, _hooksRan, _disposed;

    public StatementContext? Context => context;
    public IReadOnlyList<string> Notices => context?.Notices ?? [];
    public bool Completed => _completed;

    public void Own(IDisposable d) => _owned.Add(d);

    /// <summary>Reserves <paramref name="bytes"/> of the connection's memory budget for as long as the reader lives.</summary>
    public void Reserve(long bytes)
    {
        if (connection.MemoryBudget is not { } budget) return;
        if (!budget.TryReserve(bytes)) throw budget.Exhausted(bytes);
        _reserved += bytes;
    }

    /// <summary>Runs the after-hooks (once) on a result or error; they may replace either.</summary>
    public StatementOutcome After(QueryResult? result, WasqlException? error, bool streamed = false)
    {
        var outcome = streamed ? StatementOutcome.ForStreamed(result!) : new StatementOutcome(result, error);
        if (_hooksRan || context is null) return outcome;
        _hooksRan = true;
        for (int i = afterHooks.Length - 1; i >= 0; i--) afterHooks[i].After(context, outcome);
        if (outcome.Error is { } failed) outcome.SetError(failed.WithNotices(context.Notices));
        else outcome.Result!.Notices = context.Notices;
        return outcome;
    }

    /// <summary>The statement's SQLite work is over: after-hooks that have not run see the outcome (a streamed
    /// result: its columns and tag without rows, or <paramref name="error"/>), then the connection's per-statement
    /// state is reset. Returns the error to report (the hooks may set or replace it).</summary>
    public WasqlException? Complete(WasqlException? error, Func<QueryResult>? streamedSummary)
    {
        if (_completed) return error;
        _completed = true;
        try
        {
            if (_hooksRan || context is null) return error;
            return (error is null ? After(streamedSummary!(), null, streamed: true) : After(null, error)).Error;
        }
        finally { connection.EndStatement(); }
    }

    /// <summary>Reads every remaining row of <paramref name="source"/>, within <see cref="WasqlOptions.MaxResultBytes"/>
    /// and the memory budget (reserved until this run is disposed). On an error the source is disposed.</summary>
    public List<object?[]> ReadAll(RowSource source, Action? onRow = null)
    {
        var rows = new List<object?[]>();
        long maxBytes = connection.Database.Options.MaxResultBytes, bytes = 0;
        int n = source.Columns.Count;
        try
        {
            while (source.Step())
            {
                onRow?.Invoke();
                long size = source.RowSize;
                bytes += size;
                if (bytes > maxBytes)
                    throw new WasqlException(SqlStates.ProgramLimitExceeded,
                        $"the result of this statement exceeds {maxBytes:N0} bytes (WasqlOptions.MaxResultBytes) after {rows.Count:N0} rows; add a LIMIT or read it in pages");
                Reserve(size);
                var row = new object?[n];
                for (int i = 0; i < n; i++) row[i] = source.Value(i);
                rows.Add(row);
            }
        }
        catch
        {
            source.Dispose();
            throw;
        }
        return rows;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var d in _owned) d.Dispose();
        connection.MemoryBudget?.Release(_reserved);
        _reserved = 0;
    }
}
