// The SQLSTATE codes every Wasql layer reports (the database, the server, plugins), named as in PostgreSQL's
// errcodes (Npgsql's PostgresErrorCodes is the model): one set, so a code is never a bare literal anywhere.
namespace Wasql.Database;

/// <summary>Named SQLSTATE codes, grouped by class (the first two characters).</summary>
public static class SqlStates
{
    // Class 00: successful completion
    public const string SuccessfulCompletion = "00000";

    // Class 08: connection exception
    public const string ConnectionFailure = "08006";
    public const string ProtocolViolation = "08P01";

    // Class 0A: feature not supported
    public const string FeatureNotSupported = "0A000";

    // Class 0L: invalid grantor
    public const string InvalidGrantOperation = "0LP01";

    // Class 22: data exception
    public const string NumericValueOutOfRange = "22003";
    public const string InvalidDatetimeFormat = "22007";
    public const string DatetimeFieldOverflow = "22008";
    public const string CharacterNotInRepertoire = "22021";
    public const string DivisionByZero = "22012";
    public const string InvalidParameterValue = "22023";
    public const string InvalidTextRepresentation = "22P02";
    public const string InvalidBinaryRepresentation = "22P03";
    public const string BadCopyFileFormat = "22P04";

    // Class 23: integrity constraint violation
    public const string IntegrityConstraintViolation = "23000";
    public const string NotNullViolation = "23502";
    public const string ForeignKeyViolation = "23503";
    public const string UniqueViolation = "23505";
    public const string CheckViolation = "23514";

    // Class 25: invalid transaction state
    public const string ActiveSqlTransaction = "25001";
    public const string ReadOnlyTransaction = "25006";
    public const string NoActiveSqlTransaction = "25P01";
    public const string InFailedSqlTransaction = "25P02";
    public const string IdleInTransactionSessionTimeout = "25P03";

    // Class 26: invalid SQL statement name
    public const string InvalidSqlStatementName = "26000";

    // Class 28: invalid authorization specification
    public const string InvalidAuthorization = "28000";
    public const string InvalidPassword = "28P01";

    // Class 2B: dependent privilege descriptors still exist
    public const string DependentObjectsStillExist = "2BP01";

    // Class 34: invalid cursor name
    public const string InvalidCursorName = "34000";

    // Class 38: external routine exception
    public const string ExternalRoutineException = "38000";

    // Class 3D: invalid catalog name
    public const string InvalidCatalogName = "3D000";

    // Class 40: transaction rollback
    public const string SerializationFailure = "40001";
    public const string DeadlockDetected = "40P01";

    // Class 42: syntax error or access rule violation
    public const string InsufficientPrivilege = "42501";
    public const string SyntaxError = "42601";
    public const string UndefinedColumn = "42703";
    public const string UndefinedObject = "42704";
    public const string DuplicateObject = "42710";
    public const string DuplicateFunction = "42723";
    public const string DatatypeMismatch = "42804";
    public const string UndefinedFunction = "42883";
    public const string ReservedName = "42939";
    public const string UndefinedTable = "42P01";
    public const string UndefinedParameter = "42P02";
    public const string DuplicateCursor = "42P03";
    public const string DuplicatePreparedStatement = "42P05";
    public const string DuplicateTable = "42P07";
    public const string InvalidFunctionDefinition = "42P13";

    // Class 53: insufficient resources
    public const string OutOfMemory = "53200";
    public const string TooManyConnections = "53300";
    public const string ConfigurationLimitExceeded = "53400";

    // Class 54: program limit exceeded
    public const string ProgramLimitExceeded = "54000";
    public const string StatementTooComplex = "54001";

    // Class 55: object not in prerequisite state
    public const string ObjectInUse = "55006";
    public const string CantChangeRuntimeParam = "55P02";
    public const string LockNotAvailable = "55P03";

    // Class 57: operator intervention
    public const string QueryCanceled = "57014";
    public const string AdminShutdown = "57P01";
    public const string IdleSessionTimeout = "57P05";

    // Class 58: system error
    public const string UndefinedFile = "58P01";

    // Class XX: internal error
    public const string InternalError = "XX000";
    public const string DataCorrupted = "XX001";
}
