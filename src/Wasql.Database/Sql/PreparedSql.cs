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
    /// <summary>Tables and views the statement creates, drops or renames: their owners change when it succeeds.</summary>
    public IReadOnlyList<Security.OwnershipChange> OwnershipChanges { get; private init; } = [];

    /// <summary>The planning error of a statement that could not be prepared, kept so that extensions see the statement
    /// fail (an audit plugin logs it) instead of never seeing it: <see cref="Run"/> throws it.</summary>
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

    /// <summary>Binds, steps to the end, and builds the result.</summary>
    public QueryResult Run(IReadOnlyList<object?>? parameters)
    {
        if (_planningError is { } planning) throw planning;
        var stmt = _stmt;
        if (stmt is null || stmt.IsInvalid)
            return QueryResult.Command("");
        raw.sqlite3_reset(stmt);
        raw.sqlite3_clear_bindings(stmt);
        Bind(stmt, parameters);
        var rows = new List<object?[]>();
        int n = raw.sqlite3_column_count(stmt);
        long maxBytes = _connection.Database.Options.MaxResultBytes, bytes = 0;
        try
        {
            while (true)
            {
                int rc = raw.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE) break;
                if (rc != raw.SQLITE_ROW)
                    throw ErrorMapper.FromSqlite(_connection, rc, Text, Offset);
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
                rows.Add(row);
                bytes += ApproximateSize(row);
                if (bytes > maxBytes)
                    throw new WasqlException(SqlStates.ProgramLimitExceeded,
                        $"the result of this statement exceeds {maxBytes:N0} bytes (WasqlOptions.MaxResultBytes) after {rows.Count:N0} rows; add a LIMIT or read it in pages");
            }
            if (n > 0) Columns = ReadColumns(stmt);   // declared types can change after a schema change (re-prepare)
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
        long affected = Verb is "INSERT" or "UPDATE" or "DELETE" ? raw.sqlite3_changes(_connection.Handle) : 0;
        var tag = CommandTags.Tag(Verb, n > 0 && Verb is not ("INSERT" or "UPDATE" or "DELETE"), rows.Count, affected);
        return new QueryResult(n > 0 ? Columns : [], rows, affected, tag);
    }

    /// <summary>Managed bytes a row holds: the array, boxed numbers, strings (UTF-16) and blobs.</summary>
    private static long ApproximateSize(object?[] row)
    {
        long size = 32 + 8L * row.Length;
        foreach (var v in row)
            size += v switch
            {
                string s => 24 + 2L * s.Length,
                byte[] b => 24 + b.Length,
                null => 0,
                _ => 24,
            };
        return size;
    }

    private void Bind(sqlite3_stmt stmt, IReadOnlyList<object?>? parameters)
    {
        var names = _parameterNamesBuffer;
        int given = parameters?.Count ?? 0;
        if (ParameterCount > given)
            throw new WasqlException(SqlStates.InvalidParameterCount,
                $"statement needs {ParameterCount} parameter(s), {given} given");
        int positional = 0;
        for (int i = 1; i <= names.Length; i++)
        {
            var name = names[i - 1];
            int index = name.Length > 1 && int.TryParse(name.AsSpan(1), out var k) ? k - 1 : name.Length == 0 ? positional++ : i - 1;
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
