// A prepared statement of one connection: parsed once, executed many times with parameters ($1, $2... or ?).
namespace Wasql.Database;

/// <summary>One prepared statement (extended query protocol). Belongs to its connection; not thread-safe.</summary>
public sealed class WasqlStatement : IDisposable
{
    private readonly WasqlConnection _connection;
    private readonly Sql.PreparedSql _prepared;

    internal WasqlStatement(WasqlConnection connection, Sql.PreparedSql prepared)
    {
        _connection = connection;
        _prepared = prepared;
    }

    /// <summary>The SQL text.</summary>
    public string Sql => _prepared.Text;

    /// <summary>Number of parameters: the highest <c>$n</c>, or the count of <c>?</c> placeholders.</summary>
    public int ParameterCount => _prepared.ParameterCount;

    /// <summary>Result columns as known before execution (names and declared types; empty for statements without rows).</summary>
    public IReadOnlyList<ColumnInfo> Columns => _prepared.Columns;

    /// <summary>The command tag's verb (<c>SELECT</c>, <c>INSERT</c>, <c>CREATE FUNCTION</c>...).</summary>
    public string CommandVerb => _prepared.Verb;

    /// <summary>Runs the statement with <paramref name="parameters"/> (long, int, double, string, byte[], bool,
    /// decimal, DateTime, Guid or null) bound to <c>$1</c>, <c>$2</c>... in order.</summary>
    public QueryResult Execute(IReadOnlyList<object?>? parameters = null) => _connection.ExecutePrepared(_prepared, parameters);

    /// <summary>Runs the statement and returns a forward-only reader over its rows (see
    /// <see cref="WasqlConnection.ExecuteReader(string, IReadOnlyList{object?}?)"/>). Dispose the reader before the next execution.</summary>
    public WasqlRowReader ExecuteReader(IReadOnlyList<object?>? parameters = null) => _connection.ExecuteReader(_prepared, parameters, ownsPrepared: false);

    /// <summary>Releases the SQLite statement.</summary>
    public void Dispose() => _prepared.Dispose();
}
