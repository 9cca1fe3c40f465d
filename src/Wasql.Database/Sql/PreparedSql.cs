// One statement ready to run: either a SQLite statement (prepared through SQLitePCLRaw on the connection's handle,
// so parameters, declared column types and error offsets are available) or a parsed Wasql command.
using System.Text;
using SQLitePCL;

namespace Wasql.Database.Sql;

internal sealed class PreparedSql : IDisposable
{
    private readonly WasqlConnection _connection;
    private sqlite3_stmt? _stmt;

    private PreparedSql(WasqlConnection connection, string text, int offset)
    {
        _connection = connection;
        Text = text;
        Offset = offset;
    }

    public string Text { get; }
    public int Offset { get; }
    public WasqlCommand? Command { get; private init; }
    /// <summary>A statement claimed by an extension (e.g. CREATE PLUGIN).</summary>
    public Extensions.ExtensionCommand? Extension { get; private init; }
    /// <summary>The text given to SQLite (Postgres spellings SQLite lacks rewritten).</summary>
    public string SqliteText { get; private init; } = "";
    public int ParameterCount { get; private init; }
    public IReadOnlyList<ColumnInfo> Columns { get; private set; } = [];
    public string Verb { get; private init; } = "";
    /// <summary>BEGIN / COMMIT / ROLLBACK / SET TRANSACTION: run by the session's transaction handling, not SQLite.</summary>
    public TransactionStatement? Transaction { get; private init; }
    /// <summary>A COPY: <see cref="SqliteText"/> is the INSERT (FROM) or SELECT (TO) it runs, so privileges and the
    /// tables extensions see are those of that statement.</summary>
    public Copy.CopyStatement? Copy { get; private init; }
    /// <summary>A COPY's columns in data order, with their declared types.</summary>
    public IReadOnlyList<ColumnInfo> CopyColumns { get; private init; } = [];
    /// <summary>True when running the statement may write (it then needs the database's writer lock).</summary>
    public bool Writes { get; private init; }
    /// <summary>Tables and views the statement creates, drops or renames: their owners change when it succeeds.</summary>
    public IReadOnlyList<Security.OwnershipChange> OwnershipChanges { get; private init; } = [];

    /// <summary>The planning error of a statement that could not be prepared, kept so that extensions see the statement
    /// fail (an audit plugin logs it) instead of never seeing it: <see cref="Start"/> throws it.</summary>
    private WasqlException? _planningError;

    public static PreparedSql Failed(WasqlConnection connection, string text, int offset, WasqlException error) =>
        new(connection, text, offset) { Verb = CommandTags.Verb(text), SqliteText = text, _planningError = error };

    public static PreparedSql Prepare(WasqlConnection connection, string text, int offset)
    {
        foreach (var extension in connection.Database.Extensions)
        {
            Extensions.ExtensionCommand? claimed;
            try { claimed = extension.TryParse(text); }
            catch (WasqlException e) { throw e.WithPosition(e.Position is { } pos ? pos + offset : null); }
            if (claimed is not null)
                return new PreparedSql(connection, text, offset) { Extension = claimed, Verb = claimed.Verb, Columns = claimed.Columns };
        }
        WasqlCommand? command;
        try { command = FunctionDdlParser.TryParse(text) ?? SecurityDdlParser.TryParse(text); }
        catch (WasqlException e) { throw e.WithPosition(e.Position is { } pos ? pos + offset : null); }
        if (command is not null)
            return new PreparedSql(connection, text, offset)
            {
                Command = command,
                Verb = command.Verb,
                Columns = command switch
                {
                    ShowFunctionsCommand => Functions.FunctionDdl.ShowColumns,
                    ShowGrantsCommand => Security.SecurityDdl.GrantColumns,
                    ShowUsersCommand => Security.SecurityDdl.UserColumns,
                    _ => [],
                },
            };

        Copy.CopyStatement? copy;
        try { copy = CopyParser.TryParse(text); }
        catch (WasqlException e) { throw e.WithPosition(e.Position is { } pos ? pos + offset : null); }
        if (copy is not null)
        {
            var (innerSql, insertColumns) = CopySql(connection, copy);
            var inner = Prepare(connection, innerSql, offset);
            if (copy.Direction == Wasql.Database.Copy.CopyDirection.To && inner.Columns.Count == 0)
                throw new WasqlException(SqlStates.FeatureNotSupported, "COPY (query) TO needs a query that returns rows");
            return new PreparedSql(connection, text, offset)
            {
                Copy = copy, Verb = "COPY", SqliteText = inner.SqliteText, Writes = inner.Writes,
                CopyColumns = insertColumns ?? inner.Columns,
                ParameterCount = inner.ParameterCount, OwnershipChanges = inner.OwnershipChanges,
            }.With(inner.TakeStatement(), inner._parameterNamesBuffer);
        }
        if (TransactionStatement.TryParse(text) is { } control)
            return new PreparedSql(connection, text, offset) { Transaction = control, Verb = CommandTags.Verb(text) };

        var sql = Rewrite(text);
        connection.Authorizer.TakeOwnershipChanges(); // left over from re-planning earlier statements
        int rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var stmt, out var tail);
        if (rc != raw.SQLITE_OK)
        {
            stmt?.Dispose();
            throw ErrorMapper.FromSqlite(connection, rc, sql, offset);
        }
        Security.OwnershipChange[] ownership = [.. connection.Authorizer.TakeOwnershipChanges(), .. SecurityDdlParser.RenamedTable(text)];
        var p = new PreparedSql(connection, text, offset) { Verb = CommandTags.Verb(text), SqliteText = sql, OwnershipChanges = ownership };
        p._stmt = stmt;
        if (stmt is null || stmt.IsInvalid) return p;
        int count = raw.sqlite3_bind_parameter_count(stmt);
        var names = new string[count];
        int max = 0, positional = 0;
        for (int i = 1; i <= count; i++)
        {
            var name = raw.sqlite3_bind_parameter_name(stmt, i).utf8_to_string() ?? "";
            names[i - 1] = name;
            if (name.Length > 1 && int.TryParse(name.AsSpan(1), out var n)) max = Math.Max(max, n);
            else if (name.Length == 0) positional++;
            else max = Math.Max(max, i);
        }
        return new PreparedSql(connection, text, offset)
        {
            Verb = p.Verb,
            SqliteText = sql,
            OwnershipChanges = ownership,
            // SAVEPOINT outside a transaction opens one that may write later.
            Writes = raw.sqlite3_stmt_readonly(stmt) == 0 || p.Verb == "SAVEPOINT",
            ParameterCount = Math.Max(max, positional),
            Columns = ReadColumns(stmt),
        }.With(stmt, names);
    }

    private PreparedSql With(sqlite3_stmt stmt, string[] names)
    {
        _stmt = stmt;
        _parameterNamesBuffer = names;
        return this;
    }

    private string[] _parameterNamesBuffer = [];

    private sqlite3_stmt TakeStatement()
    {
        var stmt = _stmt ?? throw new WasqlException(SqlStates.SyntaxError, "COPY needs a statement");
        _stmt = null;
        return stmt;
    }

    /// <summary>The statement a COPY runs: INSERT of its columns (FROM) or SELECT of them or its query (TO). For FROM,
    /// the columns are resolved here (all of the table's, in order, when none are listed) so that the INSERT names them.</summary>
    private static (string Sql, IReadOnlyList<ColumnInfo>? Columns) CopySql(WasqlConnection connection, Copy.CopyStatement copy)
    {
        if (copy.Query is { } query) return (query, null);
        var table = copy.Table!;
        if (table.StartsWith("public.", StringComparison.Ordinal)) table = table["public.".Length..];   // psql's default schema
        var all = TableColumns(connection, table);
        if (all.Count == 0) throw new WasqlException(SqlStates.UndefinedTable, $"relation \"{copy.Table}\" does not exist");
        var columns = new List<ColumnInfo>();
        foreach (var name in copy.Columns)
            columns.Add(all.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new WasqlException(SqlStates.UndefinedColumn, $"column \"{name}\" of relation \"{copy.Table}\" does not exist"));
        if (columns.Count == 0) columns = all;
        var list = string.Join(", ", columns.Select(c => Quote(c.Name)));
        return copy.Direction == Wasql.Database.Copy.CopyDirection.From
            ? ($"INSERT INTO {QuoteTable(table)} ({list}) VALUES ({string.Join(", ", columns.Select(_ => "?"))})", columns)
            : ($"SELECT {list} FROM {QuoteTable(table)}", null);
    }

    private static List<ColumnInfo> TableColumns(WasqlConnection connection, string table)
    {
        var columns = new List<ColumnInfo>();
        var dot = table.IndexOf('.');
        var sql = dot < 0 ? "SELECT name, type FROM pragma_table_info(?1)" : "SELECT name, type FROM pragma_table_info(?1, ?2)";
        int rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var stmt);
        if (rc != raw.SQLITE_OK) throw ErrorMapper.FromSqlite(connection, rc, sql, 0);
        using (stmt)
        {
            if (dot < 0) raw.sqlite3_bind_text(stmt, 1, table);
            else { raw.sqlite3_bind_text(stmt, 1, table[(dot + 1)..]); raw.sqlite3_bind_text(stmt, 2, table[..dot]); }
            while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW)
            {
                var type = raw.sqlite3_column_text(stmt, 1).utf8_to_string();
                columns.Add(new ColumnInfo(raw.sqlite3_column_text(stmt, 0).utf8_to_string(), string.IsNullOrEmpty(type) ? null : type));
            }
        }
        return columns;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
    private static string QuoteTable(string table) =>
        table.IndexOf('.') is var dot and >= 0 ? Quote(table[..dot]) + "." + Quote(table[(dot + 1)..]) : Quote(table);

    /// <summary>Runs the statement once with <paramref name="values"/> and no result (COPY FROM's per-row INSERT).</summary>
    public void StepOnce(IReadOnlyList<object?> values)
    {
        var stmt = _stmt!;
        raw.sqlite3_reset(stmt);
        Bind(stmt, values);
        int rc = raw.sqlite3_step(stmt);
        raw.sqlite3_reset(stmt);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW) throw ErrorMapper.FromSqlite(_connection, rc, Text, Offset);
    }

    /// <summary>Steps the statement and yields its rows one at a time (COPY TO): nothing is held but the current row.</summary>
    public IEnumerable<object?[]> Stream()
    {
        var stmt = _stmt!;
        raw.sqlite3_reset(stmt);
        raw.sqlite3_clear_bindings(stmt);
        int n = raw.sqlite3_column_count(stmt);
        try
        {
            while (true)
            {
                int rc = raw.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE) yield break;
                if (rc != raw.SQLITE_ROW) throw ErrorMapper.FromSqlite(_connection, rc, Text, Offset);
                yield return ReadRow(stmt, n);
            }
        }
        finally { raw.sqlite3_reset(stmt); }
    }

    private static object?[] ReadRow(sqlite3_stmt stmt, int n)
    {
        var row = new object?[n];
        for (int i = 0; i < n; i++)
        {
            row[i] = raw.sqlite3_column_type(stmt, i) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(stmt, i),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(stmt, i),
                raw.SQLITE_TEXT => raw.sqlite3_column_text(stmt, i).utf8_to_string(),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(stmt, i).ToArray(),
                _ => null,
            };
        }
        return row;
    }

    /// <summary>Postgres spellings SQLite lacks.</summary>
    private static string Rewrite(string text)
    {
        var words = Lexer.LeadingWords(text, 0, 2);
        if (words.Count == 2 && words[0] == "START" && words[1] == "TRANSACTION") return "BEGIN";
        if (words.Count >= 1 && words[0] == "ABORT") return "ROLLBACK";
        if (words.Count >= 1 && words[0] is "BEGIN" && !text.Contains("DEFERRED", StringComparison.OrdinalIgnoreCase)
            && !text.Contains("IMMEDIATE", StringComparison.OrdinalIgnoreCase) && !text.Contains("EXCLUSIVE", StringComparison.OrdinalIgnoreCase))
            return "BEGIN";   // BEGIN WORK / BEGIN ISOLATION LEVEL ... / BEGIN READ WRITE
        if (words.Count >= 1 && words[0] is "COMMIT" or "END") return "COMMIT";
        return text;
    }

    private static List<ColumnInfo> ReadColumns(sqlite3_stmt stmt)
    {
        int n = raw.sqlite3_column_count(stmt);
        var cols = new List<ColumnInfo>(n);
        for (int i = 0; i < n; i++)
            cols.Add(new ColumnInfo(raw.sqlite3_column_name(stmt, i).utf8_to_string() ?? $"column{i + 1}",
                raw.sqlite3_column_decltype(stmt, i).utf8_to_string()));
        return cols;
    }

    /// <summary>Binds <paramref name="parameters"/> and returns the statement's rows, stepped as they are read.</summary>
    public RowSource Start(IReadOnlyList<object?>? parameters)
    {
        if (_planningError is { } planning) throw planning;
        var stmt = _stmt;
        if (stmt is null || stmt.IsInvalid)
            return new ResultRowSource(QueryResult.Command(""));
        raw.sqlite3_reset(stmt);
        raw.sqlite3_clear_bindings(stmt);
        Bind(stmt, parameters);
        return new SqliteRowSource(_connection, this, stmt);
    }

    /// <summary>Re-reads the declared column types (they can change when SQLite re-prepares after a schema change).</summary>
    internal void RefreshColumns()
    {
        if (_stmt is { IsInvalid: false } stmt) Columns = ReadColumns(stmt);
    }

    /// <summary>Where SQLite's parameter <paramref name="slot"/> (1-based) takes its value in the list given to
    /// Execute: <c>$n</c>/<c>?n</c> from n, a bare <c>?</c> from the next unnumbered position, a named one
    /// (<c>@x</c>, <c>:x</c>, <c>$x</c>) from its slot (SQLite numbers names in order of first appearance).</summary>
    private static int ValueIndex(string name, int slot, ref int positional) =>
        name.Length > 1 && int.TryParse(name.AsSpan(1), out var k) ? k - 1 : name.Length == 0 ? positional++ : slot - 1;

    /// <summary>The value list for this statement, asking <paramref name="resolve"/> for each parameter by SQLite's
    /// name and the position it binds from (how a caller with named parameters, e.g. ADO.NET, binds them).</summary>
    internal object?[] ResolveParameters(ParameterResolver resolve)
    {
        var values = new object?[ParameterCount];
        int positional = 0;
        var names = _parameterNamesBuffer;
        for (int i = 1; i <= names.Length; i++)
        {
            int index = ValueIndex(names[i - 1], i, ref positional);
            if (index >= 0 && index < values.Length) values[index] = resolve(names[i - 1], index);
        }
        return values;
    }

    private void Bind(sqlite3_stmt stmt, IReadOnlyList<object?>? parameters)
    {
        var names = _parameterNamesBuffer;
        int given = parameters?.Count ?? 0;
        if (ParameterCount > given)
            throw new WasqlException(SqlStates.ProtocolViolation,
                $"statement needs {ParameterCount} parameter(s), {given} given");
        int positional = 0;
        for (int i = 1; i <= names.Length; i++)
        {
            var name = names[i - 1];
            int index = ValueIndex(name, i, ref positional);
            var value = index >= 0 && index < given ? parameters![index] : null;
            int rc = value switch
            {
                null or DBNull => raw.sqlite3_bind_null(stmt, i),
                long l => raw.sqlite3_bind_int64(stmt, i, l),
                int v => raw.sqlite3_bind_int64(stmt, i, v),
                short v => raw.sqlite3_bind_int64(stmt, i, v),
                byte v => raw.sqlite3_bind_int64(stmt, i, v),
                sbyte v => raw.sqlite3_bind_int64(stmt, i, v),
                uint v => raw.sqlite3_bind_int64(stmt, i, v),
                ulong v => raw.sqlite3_bind_int64(stmt, i, checked((long)v)),
                bool b => raw.sqlite3_bind_int64(stmt, i, b ? 1 : 0),
                double d => raw.sqlite3_bind_double(stmt, i, d),
                float f => raw.sqlite3_bind_double(stmt, i, f),
                decimal m => raw.sqlite3_bind_text(stmt, i, m.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                string s => raw.sqlite3_bind_text(stmt, i, s),
                byte[] b => raw.sqlite3_bind_blob(stmt, i, b),
                ReadOnlyMemory<byte> m => raw.sqlite3_bind_blob(stmt, i, m.Span),
                DateTime dt => raw.sqlite3_bind_text(stmt, i, dt.ToString(dt.TimeOfDay == TimeSpan.Zero && dt.Kind == DateTimeKind.Unspecified ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture)),
                DateTimeOffset dto => raw.sqlite3_bind_text(stmt, i, dto.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture)),
                DateOnly d => raw.sqlite3_bind_text(stmt, i, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                TimeOnly t => raw.sqlite3_bind_text(stmt, i, t.ToString("HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture)),
                Guid g => raw.sqlite3_bind_text(stmt, i, g.ToString()),
                _ => throw new WasqlException(SqlStates.DatatypeMismatch, $"cannot bind a parameter of type {value.GetType().Name} (${index + 1})"),
            };
            if (rc != raw.SQLITE_OK) throw ErrorMapper.FromSqlite(_connection, rc, Text, Offset);
        }
    }

    public void Dispose()
    {
        _stmt?.Dispose();
        _stmt = null;
    }
}
