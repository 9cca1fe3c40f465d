// The result of one statement: columns, rows as SQLite storage-class values, affected count and a Postgres command tag.
namespace Wasql.Database;

/// <summary>A result column: its name and the type SQLite declared for it (e.g. <c>INTEGER</c>, <c>int8</c>,
/// <c>timestamp</c>); null for expressions without a declared type.</summary>
public sealed record ColumnInfo(string Name, string? DeclaredType);

/// <summary>The outcome of one statement.</summary>
public sealed class QueryResult
{
    /// <summary>Creates a result.</summary>
    public QueryResult(IReadOnlyList<ColumnInfo> columns, IReadOnlyList<object?[]> rows, long recordsAffected, string commandTag)
    {
        Columns = columns;
        Rows = rows;
        RecordsAffected = recordsAffected;
        CommandTag = commandTag;
    }

    /// <summary>The result columns; empty for statements that return no rows.</summary>
    public IReadOnlyList<ColumnInfo> Columns { get; }

    /// <summary>The rows; each value is a long, double, string, byte[] or null (the SQLite storage classes).</summary>
    public IReadOnlyList<object?[]> Rows { get; }

    /// <summary>Rows inserted, updated or deleted (0 for other statements).</summary>
    public long RecordsAffected { get; }

    /// <summary>Postgres-style command tag: <c>SELECT 3</c>, <c>INSERT 0 1</c>, <c>UPDATE 2</c>, <c>DELETE 0</c>,
    /// <c>CREATE TABLE</c>, <c>CREATE FUNCTION</c>, <c>DROP FUNCTION</c>, <c>BEGIN</c>, <c>COMMIT</c>...</summary>
    public string CommandTag { get; }

    /// <summary>Wall-clock time the statement took.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>Notices raised while the statement ran (e.g. by query plugins), for the client.</summary>
    public IReadOnlyList<string> Notices { get; internal set; } = [];

    /// <summary>True when the statement produces a row set (possibly empty).</summary>
    public bool HasRows => Columns.Count > 0;

    internal static QueryResult Command(string tag, long affected = 0) => new([], [], affected, tag);
}
