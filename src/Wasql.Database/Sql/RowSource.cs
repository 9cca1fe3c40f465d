// Where a WasqlRowReader's rows come from: a SQLite statement stepped as the reader advances (streaming), or a
// result already held in memory (commands, and statements whose whole result an after-hook needs).
using SQLitePCL;

namespace Wasql.Database.Sql;

internal abstract class RowSource : IDisposable
{
    public abstract IReadOnlyList<ColumnInfo> Columns { get; }
    /// <summary>Advances to the next row; false at the end. Throws the statement's error.</summary>
    public abstract bool Step();
    /// <summary>A value of the current row: long, double, string, byte[] or null.</summary>
    public abstract object? Value(int column);
    /// <summary>Approximate bytes the current row's values take once converted (managed strings are UTF-16).</summary>
    public abstract long RowSize { get; }
    /// <summary>The command tag, final once <see cref="Step"/> returned false.</summary>
    public abstract string Tag { get; }
    public abstract long RecordsAffected { get; }
    public virtual void Dispose() { }

    /// <summary>Managed bytes a materialized row holds: the array, boxed numbers, strings (UTF-16) and blobs.</summary>
    public static long ApproximateSize(object?[] row)
    {
        long size = 32 + 8L * row.Length;
        foreach (var v in row)
            size += v switch
            {
                string s => 24 + 2L * s.Length,
                byte[] b => 24 + b.Length,
                null => 0,
                _ => 24,
            };
        return size;
    }
}

/// <summary>Rows of a result held in memory.</summary>
internal sealed class ResultRowSource(QueryResult result) : RowSource
{
    private int _index = -1;

    public QueryResult Result => result;
    public override IReadOnlyList<ColumnInfo> Columns => result.Columns;
    public override bool Step()
    {
        if (_index >= result.Rows.Count) return false;
        return ++_index < result.Rows.Count;
    }
    public override object? Value(int column) => result.Rows[_index][column];
    public override long RowSize => ApproximateSize(result.Rows[_index]);
    public override string Tag => result.CommandTag;
    public override long RecordsAffected => result.RecordsAffected;
}

/// <summary>Rows stepped from a SQLite statement as they are produced. Dispose resets the statement (it stays
/// prepared for the next execution).</summary>
internal sealed class SqliteRowSource : RowSource
{
    private readonly WasqlConnection _connection;
    private readonly PreparedSql _prepared;
    private sqlite3_stmt? _stmt;
    private readonly int _columnCount;
    private int _rows;
    private long _affected;
    private bool _done;

    public SqliteRowSource(WasqlConnection connection, PreparedSql prepared, sqlite3_stmt stmt)
    {
        _connection = connection;
        _prepared = prepared;
        _stmt = stmt;
        _columnCount = raw.sqlite3_column_count(stmt);
    }

    public override IReadOnlyList<ColumnInfo> Columns => _columnCount > 0 ? _prepared.Columns : [];

    public override bool Step()
    {
        if (_done || _stmt is null) return false;
        int rc;
        // Privileges are checked while stepping too: SQLite re-plans a statement after a schema change.
        using (_connection.Authorizer.Checking()) rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW) { _rows++; return true; }
        _done = true;
        if (rc != raw.SQLITE_DONE)
        {
            var error = ErrorMapper.FromSqlite(_connection, rc, _prepared.Text, _prepared.Offset);
            Dispose();
            throw error;
        }
        _affected = _prepared.Verb is "INSERT" or "UPDATE" or "DELETE" ? raw.sqlite3_changes(_connection.Handle) : 0;
        Dispose();
        return false;
    }

    public override object? Value(int i) => raw.sqlite3_column_type(_stmt, i) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_stmt, i),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(_stmt, i),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(_stmt, i).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(_stmt, i).ToArray(),
        _ => null,
    };

    public override long RowSize
    {
        get
        {
            // Text becomes UTF-16 (at most two bytes per UTF-8 byte); measured before any value is converted.
            long size = 32 + 8L * _columnCount;
            for (int i = 0; i < _columnCount; i++)
                size += raw.sqlite3_column_type(_stmt, i) switch
                {
                    raw.SQLITE_TEXT => 24 + 2L * raw.sqlite3_column_bytes(_stmt, i),
                    raw.SQLITE_BLOB => 24 + raw.sqlite3_column_bytes(_stmt, i),
                    raw.SQLITE_NULL => 0,
                    _ => 24,
                };
            return size;
        }
    }

    public override string Tag => CommandTags.Tag(_prepared.Verb, _columnCount > 0 && _prepared.Verb is not ("INSERT" or "UPDATE" or "DELETE"), _rows, _affected);
    public override long RecordsAffected => _affected;

    public override void Dispose()
    {
        var stmt = Interlocked.Exchange(ref _stmt, null);
        if (stmt is null) return;
        // Declared types can change after a schema change (SQLite re-prepares): read them while the statement is live.
        if (_columnCount > 0) _prepared.RefreshColumns();
        raw.sqlite3_reset(stmt);
    }
}
