// A forward-only reader over one statement's rows: names and declared types up front, rows stepped from SQLite
// as they are read (so a result larger than memory can be sent on), typed getters, and Dispose to finish the
// statement. The materializing API (WasqlConnection.Execute -> QueryResult) is a thin wrapper over it.
using Wasql.Database.Sql;

namespace Wasql.Database;

/// <summary>
/// The rows of one statement, read forward once (see <see cref="WasqlConnection.ExecuteReader(string, IReadOnlyList{object})"/>). Not thread-safe;
/// belongs to its connection. Values are the SQLite storage classes: long, double, string, byte[] or null.
/// Dispose it to finish the statement (unread rows are skipped). While a streaming reader is open, executing
/// another statement on the connection first buffers the rest of its rows (within the result limits).
/// </summary>
public sealed class WasqlRowReader : IDisposable
{
    private readonly WasqlConnection _connection;
    private readonly StatementRun _run;
    private RowSource _source;
    private readonly IReadOnlyList<ColumnInfo> _columns;
    private string? _finalTag;
    private long _affected;
    private WasqlException? _deferredError;
    private bool _done, _disposed, _onRow;

    internal WasqlRowReader(WasqlConnection connection, StatementRun run, RowSource source)
    {
        _connection = connection;
        _run = run;
        _source = source;
        _columns = source.Columns;
        if (source is ResultRowSource) { _finalTag = source.Tag; _affected = source.RecordsAffected; }
    }

    /// <summary>The result columns (names and declared types); empty for statements that return no rows.</summary>
    public IReadOnlyList<ColumnInfo> Columns => _columns;
    /// <summary>Number of result columns.</summary>
    public int FieldCount => _columns.Count;
    /// <summary>True when the statement produces a row set (possibly empty).</summary>
    public bool HasRows => _columns.Count > 0;
    /// <summary>True while rows come from SQLite as they are produced (not from a result held in memory).</summary>
    public bool IsStreaming => _source is SqliteRowSource && !_done;
    /// <summary>Rows read so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>The command tag (<c>SELECT 3</c>, <c>INSERT 0 1</c>...): final once <see cref="Read"/> returned false.</summary>
    public string CommandTag => _finalTag ?? _source.Tag;
    /// <summary>Rows inserted, updated or deleted (final once <see cref="Read"/> returned false).</summary>
    public long RecordsAffected => _finalTag is null ? _source.RecordsAffected : _affected;
    /// <summary>Notices raised so far (e.g. by query plugins).</summary>
    public IReadOnlyList<string> Notices => _run.Notices;

    /// <summary>Advances to the next row; false at the end. A statement that fails while its rows are read throws
    /// its <see cref="WasqlException"/> here.</summary>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _onRow = false;
        if (_deferredError is { } deferred) { _deferredError = null; _done = true; throw deferred; }
        if (_done) return false;
        bool row;
        try { row = _source.Step(); }
        catch (WasqlException e)
        {
            _done = true;
            _connection.ReaderFinished(this);
            throw _run.Complete(e, null) ?? e;
        }
        if (row) { RowsRead++; _onRow = true; return true; }
        _done = true;
        Finish();
        return false;
    }

    private void Finish()
    {
        _finalTag ??= _source.Tag;
        _affected = _source.RecordsAffected;
        _connection.ReaderFinished(this);
        if (_run.Complete(null, Summary) is { } error) throw error;
    }

    private QueryResult Summary() => new(_columns, [], _affected, _finalTag ?? _source.Tag);

    /// <summary>Approximate bytes the current row's values take once read (UTF-16 strings), known before they are
    /// converted: lets a caller refuse a huge row before it is materialized.</summary>
    public long CurrentRowSize { get { CheckRow(); return _source.RowSize; } }

    /// <summary>A value of the current row: long, double, string, byte[] or null.</summary>
    public object? GetValue(int ordinal) { CheckRow(); CheckOrdinal(ordinal); return _source.Value(ordinal); }

    /// <summary>Copies the current row's values into <paramref name="values"/>; returns how many.</summary>
    public int GetValues(object?[] values)
    {
        CheckRow();
        int n = Math.Min(values.Length, _columns.Count);
        for (int i = 0; i < n; i++) values[i] = _source.Value(i);
        return n;
    }

    /// <summary>True when the value is SQL NULL.</summary>
    public bool IsDBNull(int ordinal) => GetValue(ordinal) is null;
    /// <summary>An integer value (a float with no fraction converts).</summary>
    public long GetInt64(int ordinal) => GetValue(ordinal) switch
    {
        long l => l,
        double d when d == Math.Floor(d) => checked((long)d),
        var v => throw Mismatch(ordinal, v, "integer"),
    };
    /// <summary>A floating-point value (integers convert).</summary>
    public double GetDouble(int ordinal) => GetValue(ordinal) switch { double d => d, long l => l, var v => throw Mismatch(ordinal, v, "double") };
    /// <summary>A text value.</summary>
    public string GetString(int ordinal) => GetValue(ordinal) as string ?? throw Mismatch(ordinal, GetValue(ordinal), "text");
    /// <summary>A blob value.</summary>
    public byte[] GetBytes(int ordinal) => GetValue(ordinal) as byte[] ?? throw Mismatch(ordinal, GetValue(ordinal), "blob");
    /// <summary>The name of a column.</summary>
    public string GetName(int ordinal) { CheckOrdinal(ordinal); return _columns[ordinal].Name; }
    /// <summary>The declared type of a column (null for expressions).</summary>
    public string? GetDeclaredType(int ordinal) { CheckOrdinal(ordinal); return _columns[ordinal].DeclaredType; }

    private WasqlException Mismatch(int ordinal, object? v, string wanted) => new(SqlStates.DatatypeMismatch,
        $"column \"{_columns[ordinal].Name}\" holds {(v is null ? "NULL" : v.GetType().Name)}, not {wanted}");

    private void CheckRow()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_onRow) throw new InvalidOperationException("no current row: call Read first");
    }

    private void CheckOrdinal(int ordinal)
    {
        if ((uint)ordinal >= (uint)_columns.Count) throw new IndexOutOfRangeException($"no column {ordinal} (the result has {_columns.Count})");
    }

    /// <summary>Reads the remaining rows into a result (capped by <see cref="WasqlOptions.MaxResultBytes"/> and the
    /// memory budget) and finishes the statement.</summary>
    internal QueryResult ReadToEnd()
    {
        if (_source is ResultRowSource held && RowsRead == 0 && !_done)
        {
            _done = true;
            Finish();
            held.Result.Notices = _run.Notices;
            return held.Result;
        }
        var rows = ReadRemaining();
        _done = true;
        Finish();
        return new QueryResult(_columns, rows, _affected, _finalTag!) { Notices = _run.Notices };
    }

    private List<object?[]> ReadRemaining()
    {
        try { return _run.ReadAll(_source, () => RowsRead++); }
        catch (WasqlException e)
        {
            _done = true;
            _connection.ReaderFinished(this);
            throw _run.Complete(e, null) ?? e;
        }
    }

    /// <summary>Another statement is about to run on the connection: hold the rest of the rows in memory so the
    /// SQLite statement is finished. An error is reported by the next <see cref="Read"/>.</summary>
    internal void Detach()
    {
        if (_done || _source is not SqliteRowSource sqlite) return;
        try
        {
            var rows = _run.ReadAll(sqlite);
            _finalTag = sqlite.Tag;
            _affected = sqlite.RecordsAffected;
            _source = new ResultRowSource(new QueryResult(_columns, rows, _affected, _finalTag));
            _connection.ReaderFinished(this);
            _run.Complete(null, Summary);
        }
        catch (WasqlException e)
        {
            _connection.ReaderFinished(this);
            _deferredError = _run.Complete(e, null) ?? e;
        }
        _onRow = false;
    }

    /// <summary>Finishes the statement: unread rows are skipped, after-hooks run, reserved memory is released.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            if (!_run.Completed)
            {
                _source.Dispose();
                _finalTag ??= _source.Tag;
                _connection.ReaderFinished(this);
                _run.Complete(null, Summary);
            }
        }
        catch (WasqlException) { /* an after-hook's error about rows nobody reads any more has no one to go to */ }
        finally
        {
            _disposed = true;
            _source.Dispose();
            _run.Dispose();
        }
    }
}
