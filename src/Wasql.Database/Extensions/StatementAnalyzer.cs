// Finds the tables a statement touches by planning it again with a SQLite authorizer installed: SQLite reports every
// table it will read or write, including those behind views and inside triggers, and the table every DDL statement
// and table pragma names (AuthorizerActions says which argument). Two things SQLite does not plan at prepare time are
// handled here: the body of a new view or trigger (created in a savepoint that is rolled back, then planned through),
// and a table-valued pragma function's argument (unknown until it runs: every table of the schema is reported).
// Only runs when an extension asks.
using SQLitePCL;
using Wasql.Database.Sql;

namespace Wasql.Database.Extensions;

internal static class StatementAnalyzer
{
    private const string Savepoint = "wasql_analyze";

    public static IReadOnlyList<string> Tables(WasqlConnection connection, PreparedSql prepared)
    {
        if (prepared.Command is not null || prepared.Extension is not null || Lexer.IsBlank(prepared.Text)) return [];
        var found = new Findings();
        var handle = connection.Handle;
        if (!Plan(handle, prepared.SqliteText, found)) return [];
        if (found.BodyProbes.Count > 0) ProbeBodies(handle, prepared.SqliteText, found);
        foreach (var index in found.IndexNames)
            foreach (var table in Query(handle, "SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = ?1 " +
                                               "UNION ALL SELECT tbl_name FROM sqlite_temp_schema WHERE type = 'index' AND name = ?1", index))
                found.Add(table);
        if (found.UnknownTable)
            foreach (var table in Query(handle, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') " +
                                               "UNION ALL SELECT name FROM sqlite_temp_schema WHERE type IN ('table', 'view')", null))
                found.Add(table);
        return found.Tables;
    }

    /// <summary>Prepares <paramref name="sql"/> under an authorizer that records what it names; false when it does not prepare.</summary>
    private static bool Plan(sqlite3 handle, string sql, Findings found)
    {
        raw.sqlite3_set_authorizer(handle, (object user, int action, utf8z arg1, utf8z arg2, utf8z db, utf8z trigger) =>
        {
            found.Record(AuthorizerActions.Classify(action, arg1.utf8_to_string(), arg2.utf8_to_string()));
            return raw.SQLITE_OK;
        }, null!);
        try
        {
            int rc = raw.sqlite3_prepare_v2(handle, sql, out var stmt, out _);
            stmt?.Dispose();
            return rc == raw.SQLITE_OK;
        }
        finally
        {
            raw.sqlite3_set_authorizer(handle, (delegate_authorizer)null!, null!);
        }
    }

    /// <summary>Creates the view or trigger in a savepoint, plans statements that go through it (a SELECT from the
    /// view; an INSERT, UPDATE of every column and DELETE on the trigger's table), and rolls everything back.</summary>
    private static void ProbeBodies(sqlite3 handle, string createSql, Findings found)
    {
        if (raw.sqlite3_exec(handle, $"SAVEPOINT {Savepoint}") != raw.SQLITE_OK) return;
        try
        {
            if (raw.sqlite3_prepare_v2(handle, createSql, out var stmt, out _) != raw.SQLITE_OK) { stmt?.Dispose(); return; }
            using (stmt)
                if (raw.sqlite3_step(stmt) != raw.SQLITE_DONE) return;
            foreach (var target in found.BodyProbes.ToArray())
            {
                var name = Quote(target);
                var columns = Query(handle, "SELECT name FROM pragma_table_info(?1)", target);
                Plan(handle, $"SELECT * FROM {name}", found);
                Plan(handle, $"INSERT INTO {name} DEFAULT VALUES", found);
                Plan(handle, $"DELETE FROM {name}", found);
                if (columns.Count > 0)
                    Plan(handle, $"UPDATE {name} SET {string.Join(", ", columns.Select(c => $"{Quote(c)} = {Quote(c)}"))}", found);
            }
        }
        finally
        {
            raw.sqlite3_exec(handle, $"ROLLBACK TO {Savepoint}");
            raw.sqlite3_exec(handle, $"RELEASE {Savepoint}");
        }
    }

    private static List<string> Query(sqlite3 handle, string sql, string? argument)
    {
        var rows = new List<string>();
        if (raw.sqlite3_prepare_v2(handle, sql, out var stmt, out _) != raw.SQLITE_OK) { stmt?.Dispose(); return rows; }
        using (stmt)
        {
            if (argument is not null) raw.sqlite3_bind_text(stmt, 1, argument);
            while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW)
                if (raw.sqlite3_column_text(stmt, 0).utf8_to_string() is { } s) rows.Add(s);
        }
        return rows;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private sealed class Findings
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        public List<string> Tables { get; } = [];
        public List<string> IndexNames { get; } = [];
        public List<string> BodyProbes { get; } = [];
        public bool UnknownTable { get; private set; }

        public void Record(AuthorizerFinding f)
        {
            if (f.Table is { } t) Add(t);
            if (f.IndexName is { } i) IndexNames.Add(i);
            if (f.BodyProbe is { } b && !BodyProbes.Contains(b, StringComparer.OrdinalIgnoreCase)) BodyProbes.Add(b);
            if (f.UnknownTable) UnknownTable = true;
        }

        public void Add(string table)
        {
            if (AuthorizerActions.IsInternal(table)) return;
            var name = table.ToLowerInvariant();
            if (_seen.Add(name)) Tables.Add(name);
        }
    }
}
