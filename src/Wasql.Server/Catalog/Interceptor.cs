// Statements the server answers itself instead of the database: SET/SHOW/RESET/DISCARD, transaction
// control with Postgres semantics (warnings, BEGIN ISOLATION LEVEL), version(),
// and catalog queries (PgCatalog). Runs on the connection's DB thread.
using System.Text.RegularExpressions;
using Wasql.Database.Sql;
using Wasql.Server.Sessions;
using Wasql.Server.Connection;
using Wasql.Database;

namespace Wasql.Server.Catalog;

internal static partial class Interceptor
{
    private static readonly HashSet<string> ControlWords = ["SET", "RESET", "DISCARD", "DEALLOCATE", "UNLISTEN", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"];

    public static bool Intercepts(string sql)
    {
        var w = SqlText.FirstKeyword(sql);
        if (ControlWords.Contains(w)) return true;
        if (w == "CLOSE" && CloseAllRegex().IsMatch(sql)) return true;
        if (w == "SELECT" && AdvisoryUnlockAllRegex().IsMatch(sql)) return true;
        if (w == "SHOW") return ShowRegex().Match(sql) is { Success: true } m && Settings.IsKnown(m.Groups[1].Value);
        return PgCatalog.IsCatalogQuery(sql);
    }

    public static QueryResult? TryHandle(SessionState c, string sql)
    {
        var w = SqlText.FirstKeyword(sql);
        switch (w)
        {
            case "SET": return Settings.Set(c, sql);
            case "RESET": return Settings.Reset(c, sql);
            case "SHOW":
                {
                    var m = ShowRegex().Match(sql);
                    return m.Success && Settings.IsKnown(m.Groups[1].Value) ? Settings.Show(c, m.Groups[1].Value) : null;
                }
            case "DISCARD":
                {
                    var what = DiscardRegex().Match(sql);
                    if (!what.Success) throw new WasqlException(SqlStates.SyntaxError, "syntax error in DISCARD (use ALL, PLANS, SEQUENCES or TEMP)", 1);
                    var kind = what.Groups[1].Value.ToUpperInvariant();
                    if (kind == "ALL")
                    {
                        if (c.Database.InTransaction) throw new WasqlException(SqlStates.ActiveSqlTransaction, "DISCARD ALL cannot run inside a transaction block");
                        c.DiscardAll();
                    }
                    return Tag("DISCARD " + kind);
                }
            case "UNLISTEN": return Tag("UNLISTEN");            // no LISTEN/NOTIFY: nothing to stop listening to
            case "CLOSE" when CloseAllRegex().IsMatch(sql): return Tag("CLOSE CURSOR ALL");
            case "SELECT" when AdvisoryUnlockAllRegex().IsMatch(sql): return Rows(["pg_advisory_unlock_all"], [[""]]);
            case "DEALLOCATE":
                {
                    var m = DeallocateRegex().Match(sql);
                    if (!m.Success) throw new WasqlException(SqlStates.SyntaxError, "syntax error in DEALLOCATE", 1);
                    var name = m.Groups[1].Value.Trim('"');
                    if (name.Equals("ALL", StringComparison.OrdinalIgnoreCase)) c.Prepared.Deallocate(null);
                    else if (!c.Prepared.Deallocate(name)) throw new WasqlException(SqlStates.InvalidSqlStatementName, $"prepared statement \"{name}\" does not exist");
                    return Tag("DEALLOCATE" + (name.Equals("ALL", StringComparison.OrdinalIgnoreCase) ? " ALL" : ""));
                }
            case "BEGIN": case "START":
                if (w == "START" && !StartTxRegex().IsMatch(sql)) return null;
                if (c.Database.InTransaction)
                {
                    c.Notices.Add(("WARNING", SqlStates.ActiveSqlTransaction, "there is already a transaction in progress"));
                    return Tag("BEGIN");
                }
                c.Database.Execute(sql);          // the database reads the access mode (READ ONLY)
                return Tag("BEGIN");
            case "COMMIT": case "END": case "ROLLBACK": case "ABORT":
                {
                    bool rollback = w is "ROLLBACK" or "ABORT";
                    if (rollback && RollbackToRegex().IsMatch(sql)) return null;   // ROLLBACK TO SAVEPOINT: the database's
                    if (!c.Database.InTransaction)
                    {
                        c.Notices.Add(("WARNING", SqlStates.NoActiveSqlTransaction, "there is no transaction in progress"));
                        return Tag(rollback ? "ROLLBACK" : "COMMIT");
                    }
                    c.Database.Execute(rollback ? "ROLLBACK" : "COMMIT");
                    return Tag(rollback ? "ROLLBACK" : "COMMIT");
                }
        }
        return PgCatalog.TryAnswer(c, sql);
    }

    internal static QueryResult Tag(string tag) => new([], [], 0, tag);

    internal static QueryResult Rows(string[] names, List<object?[]> rows, string? tag = null) =>
        new(names.Select(n => new ColumnInfo(n, null)).ToArray(), rows, 0, tag ?? $"SELECT {rows.Count}");

    [GeneratedRegex(@"^\s*SHOW\s+([A-Za-z_][A-Za-z0-9_.]*)\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ShowRegex();
    [GeneratedRegex(@"^\s*DISCARD\s+(ALL|PLANS|SEQUENCES|TEMP|TEMPORARY)\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DiscardRegex();
    [GeneratedRegex(@"^\s*DEALLOCATE\s+(?:PREPARE\s+)?(""[^""]+""|[A-Za-z_][A-Za-z0-9_]*)\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DeallocateRegex();
    [GeneratedRegex(@"^\s*CLOSE\s+ALL\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CloseAllRegex();
    [GeneratedRegex(@"^\s*SELECT\s+(pg_catalog\.)?pg_advisory_unlock_all\(\)\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex AdvisoryUnlockAllRegex();
    [GeneratedRegex(@"^\s*START\s+TRANSACTION", RegexOptions.IgnoreCase)]
    private static partial Regex StartTxRegex();
    [GeneratedRegex(@"^\s*ROLLBACK\s+(WORK\s+|TRANSACTION\s+)?TO\b", RegexOptions.IgnoreCase)]
    private static partial Regex RollbackToRegex();
}
