// The server's view of the database: sessions that run SQL synchronously and a function catalog.
// Backend/WasqlBackend.cs adapts Wasql.Database to it; tests may plug in their own.
namespace Wasql.Server.Backend;

/// <summary>A database the server can open sessions on.</summary>
public interface ISqlBackend
{
    /// <summary>Opens a session for <paramref name="client"/>; null opens an internal session (the server's own
    /// lookups, e.g. of users) that query plugins do not see.</summary>
    ISqlSession Connect(ClientInfo? client = null);
    /// <summary>Functions of the catalog, for psql's \df and pg_proc.</summary>
    IReadOnlyList<FunctionInfo> ListFunctions();
}

/// <summary>One database connection; used by one thread at a time, except <see cref="Cancel"/>.</summary>
public interface ISqlSession : IDisposable
{
    IReadOnlyList<SqlResult> ExecuteBatch(string sql);
    SqlResult Execute(string sql, IReadOnlyList<object?>? parameters = null);
    /// <summary>Runs a statement the server issues itself (implicit transactions, catalog lookups): query plugins do
    /// not see it.</summary>
    SqlResult ExecuteInternal(string sql, IReadOnlyList<object?>? parameters = null);
    /// <summary>Runs one statement; its rows are read as they are produced (see <see cref="ISqlReader"/>).</summary>
    ISqlReader ExecuteReader(string sql);
    ISqlStatement Prepare(string sql);
    /// <summary>Runs a COPY statement exchanging its rows through <paramref name="channel"/>.</summary>
    SqlResult ExecuteCopy(string sql, Wasql.Database.Copy.ICopyChannel channel);
    bool InTransaction { get; }
    /// <summary>True inside a READ ONLY transaction.</summary>
    bool InReadOnlyTransaction { get; }
    /// <summary>How long a write waits for another session's write to finish before failing with 55P03 (zero: no
    /// limit); the session's <c>lock_timeout</c>.</summary>
    TimeSpan LockTimeout { get; set; }
    /// <summary>The budget all of the server's sessions share for buffered results (null: none).</summary>
    Wasql.Database.MemoryBudget? MemoryBudget { get; set; }
    /// <summary>Interrupts the running statement (from another thread).</summary>
    void Cancel();
}

/// <summary>Who a session is for: the startup packet's user, database and application_name and the peer address.</summary>
/// <param name="Trusted">Trust authentication: a user name that names no role gets a superuser session (local
/// development); with SCRAM the role was verified and must exist.</param>
public sealed record ClientInfo(string User, string Address, string Database, string ApplicationName, bool Trusted = false);

public sealed record SqlColumn(string Name, string? DeclaredType);

/// <summary>A prepared statement of one session.</summary>
public interface ISqlStatement : IDisposable
{
    int ParameterCount { get; }
    IReadOnlyList<SqlColumn> Columns { get; }
    SqlResult Execute(IReadOnlyList<object?>? parameters);
    /// <summary>Runs the statement; dispose the reader before executing it again.</summary>
    ISqlReader ExecuteReader(IReadOnlyList<object?>? parameters);
}

/// <summary>The rows of one statement, read forward once; Dispose finishes the statement. Errors are SqlError.</summary>
public interface ISqlReader : IDisposable
{
    IReadOnlyList<SqlColumn> Columns { get; }
    /// <summary>Advances to the next row; false at the end.</summary>
    bool Read();
    /// <summary>Approximate bytes of the current row's values, known before they are converted.</summary>
    long RowSize { get; }
    /// <summary>The current row: long, double, string, byte[] or null.</summary>
    void GetValues(object?[] values);
    /// <summary>Final once <see cref="Read"/> returned false.</summary>
    string CommandTag { get; }
    /// <summary>Notices raised so far (query plugins).</summary>
    IReadOnlyList<string> Notices { get; }
}

/// <summary>A result already in memory (answered by the server itself) as a reader.</summary>
public sealed class SqlResultReader(SqlResult result) : ISqlReader
{
    private int _index = -1;
    public IReadOnlyList<SqlColumn> Columns => result.Columns;
    public bool Read() => _index < result.Rows.Count && ++_index < result.Rows.Count;
    public long RowSize => 64;      // already held; the server accounts what it adds while sending
    public void GetValues(object?[] values)
    {
        var row = result.Rows[_index];
        for (int i = 0; i < values.Length; i++) values[i] = i < row.Length ? row[i] : null;
    }
    public string CommandTag => result.CommandTag;
    public IReadOnlyList<string> Notices => result.Notices;
    public void Dispose() { }
}

public sealed class SqlResult
{
    public required IReadOnlyList<SqlColumn> Columns { get; init; }
    /// <summary>Values are long, double, string, byte[] or null.</summary>
    public required IReadOnlyList<object?[]> Rows { get; init; }
    public long RecordsAffected { get; init; }
    public required string CommandTag { get; init; }
    /// <summary>Notices raised while the statement ran (e.g. by query plugins).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}

public sealed record FunctionInfo(string Name, IReadOnlyList<string> ArgumentTypes, string ReturnType, string Language, string Kind = "func");

/// <summary>A database error with its SQLSTATE and (1-based) position in the statement text.</summary>
public sealed class SqlError(string sqlState, string message, int? position = null, Exception? inner = null) : Exception(message, inner)
{
    public string SqlState { get; } = sqlState;
    public int? Position { get; } = position;
    public string? Detail { get; init; }
    public string? Hint { get; init; }
    /// <summary>Where it happened (PostgreSQL's CONTEXT), e.g. "COPY t, line 3".</summary>
    public string? Where { get; init; }
    /// <summary>Notices raised before the statement failed.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}
