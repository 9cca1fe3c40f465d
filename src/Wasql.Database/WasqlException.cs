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
    public override bool IsTransient => SqlState is SqlStates.SerializationFailure or SqlStates.LockNotAvailable or "40P01";

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

/// <summary>The SQLSTATE codes this layer reports (Postgres meanings).</summary>
public static class SqlStates
{
    public const string SyntaxError = "42601";
    public const string UndefinedFunction = "42883";
    public const string UndefinedTable = "42P01";
    public const string UndefinedObject = "42704";
    public const string UndefinedColumn = "42703";
    public const string UndefinedParameter = "42P02";
    public const string DuplicateTable = "42P07";
    public const string DuplicateFunction = "42723";
    public const string DatatypeMismatch = "42804";
    public const string InvalidFunctionDefinition = "42P13";
    public const string FeatureNotSupported = "0A000";
    public const string InvalidParameterValue = "22023";
    public const string NumericValueOutOfRange = "22003";
    public const string DivisionByZero = "22012";
    public const string InvalidTextRepresentation = "22P02";
    public const string UniqueViolation = "23505";
    public const string NotNullViolation = "23502";
    public const string ForeignKeyViolation = "23503";
    public const string CheckViolation = "23514";
    public const string IntegrityConstraintViolation = "23000";
    public const string ExternalRoutineException = "38000";
    public const string QueryCanceled = "57014";
    public const string LockNotAvailable = "55P03";
    public const string SerializationFailure = "40001";
    public const string ReadOnlyTransaction = "25006";
    public const string ActiveSqlTransaction = "25001";
    public const string NoActiveSqlTransaction = "25P01";
    public const string InvalidParameterCount = "08P01";
    public const string UndefinedFile = "58P01";
    public const string DataCorrupted = "XX001";
    public const string InternalError = "XX000";
    public const string OutOfMemory = "53200";
    public const string ProgramLimitExceeded = "54000";
    public const string StatementTooComplex = "54001";
    public const string InsufficientPrivilege = "42501";
    public const string InvalidAuthorization = "28000";
    public const string InvalidGrantOperation = "0LP01";
    public const string ObjectInUse = "55006";
    public const string ReservedName = "42939";
    public const string DuplicateObject = "42710";
    public const string DependentObjectsStillExist = "2BP01";
    public const string ConfigurationLimitExceeded = "53400";
}
