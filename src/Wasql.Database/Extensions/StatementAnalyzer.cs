// Finds the tables a statement touches by planning it again with a SQLite authorizer installed: SQLite reports every
// table it will read or write, including those behind views and inside triggers, and the table every DDL statement
// and table pragma names (AuthorizerActions says which argument). Two things SQLite does not plan at prepare time are
// handled here: the body of a new view or trigger (created in a savepoint that is rolled back, then planned through),
// and a table-valued pragma function's argument (unknown until it runs: every table of the schema is reported).
// It also reports which base-table columns the statement reads (one entry per reference: SQLite asks the authorizer
// for each column it resolves; reads of a view's own columns are dropped because the view body's reads are reported)
// and where each result column comes from (SQLite's column metadata, which sees through aliases, subqueries, CTEs and
// views; none for a computed column). Only runs when an extension asks.
using SQLitePCL;
using Wasql.Database.Security;
using Wasql.Database.Sql;

namespace Wasql.Database.Extensions;

internal static class StatementAnalyzer
{
    private const string Savepoint = "wasql_analyze";

    public static StatementAnalysis Analyze(WasqlConnection connection, PreparedSql prepared)
    {
        if (prepared.Command is not null || prepared.Extension is not null || SqlText.IsBlank(prepared.Text)) return StatementAnalysis.Empty;
        var found = new Findings();
        var handle = connection.Handle;
        if (!Plan(connection, prepared.SqliteText, found, origins: true)) return StatementAnalysis.Empty;
        var reads = found.ColumnReads.Where(r => !found.Views.Contains(r.Table)).ToArray();
        if (found.BodyProbes.Count > 0) ProbeBodies(connection, prepared.SqliteText, found);
        foreach (var index in found.IndexNames)
            foreach (var table in Query(handle, "SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = ?1 " +
                                               "UNION ALL SELECT tbl_name FROM sqlite_temp_schema WHERE type = 'index' AND name = ?1", index))
                found.Add(table);
        if (found.UnknownTable)
            foreach (var table in Query(handle, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') " +
                                               "UNION ALL SELECT name FROM sqlite_temp_schema WHERE type IN ('table', 'view')", null))
                found.Add(table);
        return new StatementAnalysis(found.Tables, reads, found.Origins);
    }

    /// <summary>Prepares <paramref name="sql"/> under an authorizer that records what it names; false when it does not prepare.</summary>
    private static bool Plan(WasqlConnection connection, string sql, Findings found, bool origins = false)
    {
        var handle = connection.Handle;
        // the session's authorizer (privileges) stays installed; the analysis observes its callback
        connection.Authorizer.Observe(access =>
        {
            found.Record(AuthorizerActions.Classify(access.Action, access.Arg1, access.Arg2));
            if (access is { Action: AuthorizerAction.Read, Arg1: { } table, Arg2: { } column } && !AuthorizerActions.IsInternal(table))
                found.ColumnReads.Add(new ColumnOrigin(table.ToLowerInvariant(), column.ToLowerInvariant()));
            if (access.Inner is { } view) found.Views.Add(view.ToLowerInvariant());
        });
        try
        {
            int rc = raw.sqlite3_prepare_v2(handle, sql, out var stmt, out _);
            using (stmt)
                if (rc == raw.SQLITE_OK && origins && stmt is not null && !stmt.IsInvalid)
                    for (int i = 0, n = raw.sqlite3_column_count(stmt); i < n; i++)
                    {
                        string? table = raw.sqlite3_column_table_name(stmt, i).utf8_to_string(), column = raw.sqlite3_column_origin_name(stmt, i).utf8_to_string();
                        found.Origins.Add(table is null || column is null ? null : new ColumnOrigin(table.ToLowerInvariant(), column.ToLowerInvariant()));
                    }
            return rc == raw.SQLITE_OK;
        }
        finally
        {
            connection.Authorizer.StopObserving();
        }
    }

    /// <summary>Creates the view or trigger in a savepoint, plans statements that go through it (a SELECT from the
    /// view; an INSERT, UPDATE of every column and DELETE on the trigger's table), and rolls everything back.</summary>
    private static void ProbeBodies(WasqlConnection connection, string createSql, Findings found)
    {
        var handle = connection.Handle;
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
                Plan(connection, $"SELECT * FROM {name}", found);
                Plan(connection, $"INSERT INTO {name} DEFAULT VALUES", found);
                Plan(connection, $"DELETE FROM {name}", found);
                if (columns.Count > 0)
                    Plan(connection, $"UPDATE {name} SET {string.Join(", ", columns.Select(c => $"{Quote(c)} = {Quote(c)}"))}", found);
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
        public List<ColumnOrigin> ColumnReads { get; } = [];
        public HashSet<string> Views { get; } = new(StringComparer.Ordinal);
        public List<ColumnOrigin?> Origins { get; } = [];
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

/// <summary>What planning a statement revealed (see <see cref="StatementAnalyzer"/>).</summary>
internal sealed record StatementAnalysis(IReadOnlyList<string> Tables, IReadOnlyList<ColumnOrigin> ColumnsRead, IReadOnlyList<ColumnOrigin?> ResultOrigins)
{
    public static StatementAnalysis Empty { get; } = new([], [], []);
}
