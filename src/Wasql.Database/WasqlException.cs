// The one exception type of the database layer: a message, a Postgres SQLSTATE and an optional position.
namespace Wasql.Database;

/// <summary>An error from a statement, with a Postgres-style SQLSTATE (see <see cref="SqlStates"/>) and, when known,
/// the 1-based character position in the SQL text (of the batch for <see cref="WasqlConnection.ExecuteBatch"/>).</summary>
public class WasqlException : System.Data.Common.DbException
{
    /// <summary>Creates an error.</summary>
    public WasqlException(string sqlState, string message, int? position = null, Exception? inner = null)
        : base(message, inner)
    {
        SqlState = sqlState;
        Position = position;
    }

    /// <summary>Five-character SQLSTATE code, e.g. 42601 (syntax error), 42883 (undefined function), 38000 (UDF failure).</summary>
    public override string SqlState { get; }

    /// <summary>True when retrying the statement or transaction may succeed: a serialization failure (40001), a
    /// deadlock (40P01) or a lock wait that timed out (55P03).</summary>
    public override bool IsTransient => SqlState is SqlStates.SerializationFailure or SqlStates.LockNotAvailable or SqlStates.DeadlockDetected;

    /// <summary>1-based character position of the error in the SQL text, when known.</summary>
    public int? Position { get; }

    /// <summary>Extra detail (e.g. the guest's stderr for a trapping UDF), when any.</summary>
    public string? Detail { get; init; }

    /// <summary>A hint for the user (e.g. what to install when a compiler is missing), when any.</summary>
    public string? Hint { get; init; }

    /// <summary>Where the error happened (PostgreSQL's CONTEXT), e.g. <c>COPY t, line 3</c>, when known.</summary>
    public string? Where { get; init; }

    /// <summary>Notices raised while the statement ran (e.g. by query plugins), sent to the client before the error.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    internal WasqlException WithPosition(int? position) =>
        new(SqlState, Message, position, InnerException) { Detail = Detail, Hint = Hint, Notices = Notices, Where = Where };

    internal WasqlException WithWhere(string where) =>
        new(SqlState, Message, Position, InnerException) { Detail = Detail, Hint = Hint, Notices = Notices, Where = where };

    internal WasqlException WithNotices(IReadOnlyList<string> notices) =>
        notices.Count == 0 ? this : new(SqlState, Message, Position, InnerException) { Detail = Detail, Hint = Hint, Notices = [.. Notices, .. notices], Where = Where };
}
