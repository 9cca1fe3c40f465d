// Which table an SQLite authorizer callback names, as a pure function of its action code and arguments
// (https://sqlite.org/c3ref/c_alter_table.html). The invariant a table guard relies on: every action that reads,
// writes, creates, alters or drops a table, view, index or trigger yields the table (or view) it is about; pragmas
// that inspect a table yield that table; what cannot be known at prepare time is flagged, never silently dropped.
using Wasql.Database.Security;

namespace Wasql.Database.Extensions;

/// <summary>What one authorizer callback says about the statement's tables.</summary>
/// <param name="Table">The table or view named (lower case), or null.</param>
/// <param name="IndexName">A PRAGMA's index argument whose table must be looked up after planning.</param>
/// <param name="BodyProbe">A view (or the table of a trigger) whose body SQLite parses only when it is created:
/// the analyzer creates it in a savepoint and plans a statement through it to see the body's tables.</param>
/// <param name="UnknownTable">A table-valued pragma function whose table argument is only evaluated when the
/// statement runs: the statement may inspect any table.</param>
internal readonly record struct AuthorizerFinding(string? Table, string? IndexName = null, string? BodyProbe = null, bool UnknownTable = false)
{
    public static AuthorizerFinding None => default;
}

internal static class AuthorizerActions
{
    /// <summary>Pragmas whose argument is a table name.</summary>
    private static readonly HashSet<string> s_tablePragmas = new(StringComparer.OrdinalIgnoreCase)
    {
        "table_info", "table_xinfo", "table_list", "index_list", "foreign_key_list", "foreign_key_check",
        "integrity_check", "quick_check",
    };

    /// <summary>Pragmas whose argument is an index name (its table is the one inspected).</summary>
    private static readonly HashSet<string> s_indexPragmas = new(StringComparer.OrdinalIgnoreCase) { "index_info", "index_xinfo" };

    private const string PragmaFunctionPrefix = "pragma_";

    /// <summary>Maps one callback (<paramref name="arg1"/>, <paramref name="arg2"/> as SQLite passes them) to what it
    /// names. SQLite's own tables (<c>sqlite_*</c>) are never reported.</summary>
    public static AuthorizerFinding Classify(AuthorizerAction action, string? arg1, string? arg2)
    {
        var finding = action switch
        {
            // (table, column) or (table, null)
            AuthorizerAction.Read when IsPragmaFunction(arg1, out var pragma) =>
                s_tablePragmas.Contains(pragma) || s_indexPragmas.Contains(pragma) ? new AuthorizerFinding(null, UnknownTable: true) : AuthorizerFinding.None,
            AuthorizerAction.Read or AuthorizerAction.Insert or AuthorizerAction.Update or AuthorizerAction.Delete
                or AuthorizerAction.CreateTable or AuthorizerAction.CreateTempTable or AuthorizerAction.DropTable
                or AuthorizerAction.DropTempTable or AuthorizerAction.Analyze or AuthorizerAction.CreateVtable
                or AuthorizerAction.DropVtable or AuthorizerAction.DropView or AuthorizerAction.DropTempView => new AuthorizerFinding(arg1),
            // (view, null): the body's tables are only seen by planning through the new view
            AuthorizerAction.CreateView or AuthorizerAction.CreateTempView => new AuthorizerFinding(arg1, BodyProbe: arg1),
            // (index or trigger, table)
            AuthorizerAction.CreateIndex or AuthorizerAction.CreateTempIndex or AuthorizerAction.DropIndex
                or AuthorizerAction.DropTempIndex or AuthorizerAction.DropTrigger or AuthorizerAction.DropTempTrigger => new AuthorizerFinding(arg2),
            AuthorizerAction.CreateTrigger or AuthorizerAction.CreateTempTrigger => new AuthorizerFinding(arg2, BodyProbe: arg2),
            // (database, table)
            AuthorizerAction.AlterTable => new AuthorizerFinding(arg2),
            // (pragma, argument)
            AuthorizerAction.Pragma when arg1 is not null && arg2 is not null && s_tablePragmas.Contains(arg1) => new AuthorizerFinding(arg2),
            AuthorizerAction.Pragma when arg1 is not null && arg2 is not null && s_indexPragmas.Contains(arg1) => new AuthorizerFinding(null, IndexName: arg2),
            _ => AuthorizerFinding.None,
        };
        return finding.Table is { } t && IsInternal(t) ? finding with { Table = null, BodyProbe = null } : finding;
    }

    /// <summary>SQLite's schema tables, which every DDL statement touches.</summary>
    public static bool IsInternal(string table) => table.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase);

    private static bool IsPragmaFunction(string? table, out string pragma)
    {
        pragma = table is not null && table.StartsWith(PragmaFunctionPrefix, StringComparison.OrdinalIgnoreCase) ? table[PragmaFunctionPrefix.Length..] : "";
        return pragma.Length > 0;
    }
}
