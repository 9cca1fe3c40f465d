// Turns SQLite failures into WasqlExceptions: SQLSTATE from the result code and message, the error position from
// sqlite3_error_offset, and the UDF's own error when a function call failed inside the statement.
using System.Runtime.InteropServices;
using System.Text;
using SQLitePCL;

namespace Wasql.Database.Sql;

internal static partial class ErrorMapper
{
    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_error_offset")]
    private static partial int sqlite3_error_offset(IntPtr db);

    private static bool _noErrorOffset;

    public static WasqlException FromSqlite(WasqlConnection connection, int rc, string sql, int baseOffset)
    {
        var db = connection.Handle;
        var message = raw.sqlite3_errmsg(db).utf8_to_string() ?? raw.sqlite3_errstr(rc).utf8_to_string() ?? "error";
        int primary = rc & 0xff;
        var udf = connection.Functions.TakePendingError();
        if (udf is not null) return udf;
        int? position = null;
        if (!_noErrorOffset)
        {
            try
            {
                int off = sqlite3_error_offset(db.DangerousGetHandle());
                if (off >= 0)
                {
                    var bytes = Encoding.UTF8.GetBytes(sql);
                    position = Encoding.UTF8.GetCharCount(bytes, 0, Math.Min(off, bytes.Length)) + 1 + baseOffset;
                }
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { _noErrorOffset = true; }
        }
        if (primary == raw.SQLITE_AUTH && connection.Authorizer.LastDenial is { } denial)
            return new WasqlException(SqlStates.InsufficientPrivilege, denial, position);
        if (primary == raw.SQLITE_INTERRUPT || connection.CancelRequested)
            return new WasqlException(SqlStates.QueryCanceled, "canceling statement due to user request");
        return new WasqlException(StateOf(primary, message), message, position);
    }

    public static string StateOf(int primary, string message)
    {
        if (primary == raw.SQLITE_CONSTRAINT)
        {
            if (message.Contains("UNIQUE") || message.Contains("PRIMARY KEY")) return SqlStates.UniqueViolation;
            if (message.Contains("NOT NULL")) return SqlStates.NotNullViolation;
            if (message.Contains("FOREIGN KEY")) return SqlStates.ForeignKeyViolation;
            if (message.Contains("CHECK")) return SqlStates.CheckViolation;
            return SqlStates.IntegrityConstraintViolation;
        }
        if (primary is raw.SQLITE_BUSY or raw.SQLITE_LOCKED) return SqlStates.LockNotAvailable;
        if (primary == raw.SQLITE_READONLY) return SqlStates.ReadOnlyTransaction;
        if (primary == raw.SQLITE_NOMEM) return SqlStates.OutOfMemory;
        if (primary == raw.SQLITE_TOOBIG) return SqlStates.ProgramLimitExceeded;
        if (primary == raw.SQLITE_CORRUPT || primary == raw.SQLITE_NOTADB) return SqlStates.DataCorrupted;
        if (primary == raw.SQLITE_MISMATCH) return SqlStates.DatatypeMismatch;
        if (message.StartsWith("no such table", StringComparison.Ordinal)) return SqlStates.UndefinedTable;
        if (message.StartsWith("no such column", StringComparison.Ordinal)) return SqlStates.UndefinedColumn;
        if (message.StartsWith("no such function", StringComparison.Ordinal)) return SqlStates.UndefinedFunction;
        if (message.StartsWith("wrong number of arguments", StringComparison.Ordinal)) return SqlStates.UndefinedFunction;
        if (message.Contains("syntax error") || message.StartsWith("incomplete input", StringComparison.Ordinal) || message.StartsWith("unrecognized token", StringComparison.Ordinal)) return SqlStates.SyntaxError;
        if (message.Contains("already exists")) return SqlStates.DuplicateTable;
        if (message.Contains("cannot start a transaction within a transaction")) return SqlStates.ActiveSqlTransaction;
        if (message.Contains("no transaction is active")) return SqlStates.NoActiveSqlTransaction;
        if (message.Contains("integer overflow")) return SqlStates.NumericValueOutOfRange;
        if (message.Contains("division by zero")) return SqlStates.DivisionByZero;
        return SqlStates.InternalError;
    }
}
