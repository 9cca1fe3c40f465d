// pg_catalog emulation: recognizes the catalog queries psql (\d, \dt, \dv, \di, \df, \l, \dn) and Npgsql
// (type loading) send and answers them from the engine's schema (WasqlConnection.Schema) and the function catalog;
// rewrites information_schema.tables/columns into subqueries over the same schema. Other catalog queries get no rows.
using System.Text.RegularExpressions;
using Wasql.Server.Sessions;
using Wasql.Server.Connection;
using Wasql.Server.Types;
using Wasql.Database;
using Wasql.Database.Engine;

namespace Wasql.Server.Catalog;

internal static partial class PgCatalog
{
    public const int FirstUserOid = 16384;
    public const int PublicNamespaceOid = 2200;

    public static bool IsCatalogQuery(string sql) =>
        sql.Contains("pg_catalog", StringComparison.OrdinalIgnoreCase) || CatalogTableRegex().IsMatch(sql) ||
        sql.Contains("information_schema.", StringComparison.OrdinalIgnoreCase) || VersionRegex().IsMatch(sql);

    public static QueryResult? TryAnswer(SessionState c, string sql)
    {
        if (!IsCatalogQuery(sql)) return null;
        var result = Answer(c, sql);
        if (result is null || result.Columns.Count == 0 || !sql.Contains("\nFROM ", StringComparison.Ordinal)) return result;
        // psql reads columns by position: never answer with fewer than its select list has.
        int want = SelectListLength(sql, "\nFROM ");
        if (want <= result.Columns.Count) return result;
        var cols = result.Columns.ToList();
        while (cols.Count < want) cols.Add(new ColumnInfo("column" + cols.Count, null));
        var rows = result.Rows.Select(r => { var x = new object?[want]; Array.Copy(r, x, Math.Min(r.Length, want)); return x; }).ToList();
        return new QueryResult(cols, rows, 0, result.CommandTag);
    }

    private static QueryResult? Answer(SessionState c, string sql)
    {
        if (VersionRegex().IsMatch(sql))
            return Interceptor.Rows(["version"], [[$"PostgreSQL {c.Options.ServerVersion} (Wasql) on x86_64-pc-linux-gnu"]]);
        if (sql.Contains("information_schema.", StringComparison.OrdinalIgnoreCase) && !sql.Contains("pg_catalog.", StringComparison.OrdinalIgnoreCase))
            return c.Database.Execute(RewriteInformationSchema(c, sql));

        // Npgsql type loading: SELECT version(); types; composite fields; enum labels.
        if (sql.Contains("t.typname, t.typtype", StringComparison.Ordinal)) return NpgsqlTypes();
        if (sql.Contains("att.attname, att.atttypid", StringComparison.Ordinal)) return Interceptor.Rows(["oid", "attname", "atttypid"], []);
        if (sql.Contains("enumlabel", StringComparison.Ordinal) && sql.Contains("pg_enum", StringComparison.Ordinal)) return Interceptor.Rows(["oid", "enumlabel"], []);

        // psql \d, \dt, \dv, \di, \ds (list of relations)
        if (sql.Contains("c.relname as \"Name\"", StringComparison.OrdinalIgnoreCase) && sql.Contains("c.relkind", StringComparison.Ordinal))
            return ListRelations(c, sql);
        // psql \d NAME: 1) look up the relation
        if (DescribeLookupRegex().IsMatch(sql)) return LookupRelation(c, sql);
        // 2) relation properties
        if (sql.Contains("c.relchecks, c.relkind, c.relhasindex", StringComparison.Ordinal)) return RelationInfo(c, sql);
        // 3) columns
        if (sql.Contains("a.attname", StringComparison.Ordinal) && sql.Contains("pg_catalog.format_type(a.atttypid, a.atttypmod)", StringComparison.Ordinal)
            && AttrelidRegex().Match(sql) is { Success: true } am)
            return Columns(c, int.Parse(am.Groups[1].Value), sql);
        // 4) indexes of a table (the "Indexes:" footer)
        if (sql.Contains("i.indisprimary, i.indisunique", StringComparison.Ordinal) && OidRegex().Match(sql) is { Success: true } im)
            return Indexes(c, int.Parse(im.Groups[1].Value));
        // psql \du
        if (sql.Contains("r.rolname, r.rolsuper", StringComparison.Ordinal)) return Roles(c);
        // psql \df
        if (sql.Contains("p.proname as \"Name\"", StringComparison.OrdinalIgnoreCase)) return ListFunctions(c, sql);
        // psql \l and \dn
        if (sql.Contains("d.datname as \"Name\"", StringComparison.OrdinalIgnoreCase))
            return Interceptor.Rows(["Name", "Owner", "Encoding", "Collate", "Ctype", "ICU Locale", "Locale Provider", "Access privileges"],
                [[c.Settings.GetValueOrDefault(SessionState.DatabaseSetting) ?? "wasql", c.User, "UTF8", "C", "C", null, "libc", null]]);
        if (sql.Contains("n.nspname AS \"Name\"", StringComparison.OrdinalIgnoreCase))
            return Interceptor.Rows(["Name", "Owner"], [["public", c.User]]);

        c.Options.Log?.WriteLine("wasql serve: unrecognized catalog query answered with no rows: " + sql.ReplaceLineEndings(" "));
        return Interceptor.Rows(["?column?"], []);
    }

    // ---------------- relations ----------------

    /// <summary>A relation with the OID the server shows for it.</summary>
    internal sealed record Relation(int Oid, SchemaRelation Schema)
    {
        public string Name => Schema.Name;
    }

    internal static List<Relation> Relations(SessionState c) =>
        c.Database.Schema.Relations().Select(r => new Relation(FirstUserOid + (int)r.Id, r)).ToList();

    private static char RelKind(Relation r) => r.Schema.Kind switch
    {
        RelationKind.View => 'v', RelationKind.Index => 'i', RelationKind.Trigger => 't', _ => 'r',
    };
    private static string RelKindName(char k) => k switch { 'v' => "view", 'i' => "index", _ => "table" };

    private static QueryResult ListRelations(SessionState c, string sql)
    {
        var kinds = RelKindListRegex().Match(sql) is { Success: true } m
            ? m.Groups[1].Value.Split(',').Select(s => s.Trim().Trim('\'')).Where(s => s.Length == 1).Select(s => s[0]).ToHashSet()
            : ['r', 'v'];
        var pattern = NamePattern(sql, "c.relname");
        bool verbose = sql.Contains("\"Size\"", StringComparison.Ordinal);
        var rows = new List<object?[]>();
        foreach (var rel in Relations(c))
        {
            char k = RelKind(rel);
            if (k == 't' || !kinds.Contains(k) || (pattern is not null && !pattern.IsMatch(rel.Name))) continue;
            var row = new List<object?> { "public", rel.Name, RelKindName(k), c.User };
            if (k == 'i') row.Add(rel.Schema.Table);
            if (verbose) row.AddRange(["permanent", k == 'r' ? "heap" : null, "0 bytes", null]);
            rows.Add(row.ToArray());
        }
        var names = new List<string> { "Schema", "Name", "Type", "Owner" };
        if (sql.Contains("as \"Table\"", StringComparison.OrdinalIgnoreCase)) names.Add("Table");
        if (verbose) names.AddRange(["Persistence", "Access method", "Size", "Description"]);
        foreach (var r in rows.Where(r => r.Length < names.Count).ToList()) { int i = rows.IndexOf(r); var x = r.ToList(); while (x.Count < names.Count) x.Add(null); rows[i] = x.ToArray(); }
        return Interceptor.Rows(names.ToArray(), rows);
    }

    private static QueryResult LookupRelation(SessionState c, string sql)
    {
        var pattern = NamePattern(sql, "c.relname");
        var rows = Relations(c).Where(r => RelKind(r) != 't' && (pattern is null || pattern.IsMatch(r.Name)))
            .Select(r => new object?[] { r.Oid.ToString(), "public", r.Name }).ToList();
        return Interceptor.Rows(["oid", "nspname", "relname"], rows);
    }

    private static QueryResult RelationInfo(SessionState c, string sql)
    {
        int oid = OidRegex().Match(sql) is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;
        var rel = Relations(c).FirstOrDefault(r => r.Oid == oid);
        if (rel is null) return Interceptor.Rows(["relchecks"], []);
        char k = RelKind(rel);
        bool hasIndex = k == 'r' && Relations(c).Any(r => r.Schema.Kind == RelationKind.Index && r.Schema.Table == rel.Name);
        string[] names = ["relchecks", "relkind", "relhasindex", "relhasrules", "relhastriggers", "relrowsecurity", "relforcerowsecurity",
            "relhasoids", "relispartition", "?column?", "reltablespace", "reloftype", "relpersistence", "relreplident", "amname"];
        return Interceptor.Rows(names, [["0", k.ToString(), hasIndex ? "t" : "f", "f", "f", "f", "f", "f", "f", "", "0", "", "p", "d", k == 'r' ? "heap" : ""]]);
    }

    private static QueryResult Columns(SessionState c, int oid, string sql)
    {
        var rel = Relations(c).FirstOrDefault(r => r.Oid == oid);
        var rows = new List<object?[]>();
        if (rel is not null)
        {
            foreach (var col in c.Database.Schema.Columns(rel.Name))
            {
                var declared = col.DeclaredType;
                var oidT = PgType.FromDeclared(declared);
                string type = oidT is { } o ? PgType.DisplayName(o) : string.IsNullOrEmpty(declared) ? "text" : declared.ToLowerInvariant();
                bool notNull = col.NotNull || col.PrimaryKey;
                rows.Add([col.Name, type, col.Default, notNull ? "t" : "f", null, "", "", oidT is Oid.Text or Oid.Varchar or Oid.Bytea or Oid.Numeric or Oid.Json or null ? "x" : "p"]);
            }
        }
        // psql's column list varies with \d+ and the relation kind; extra columns are padded with nulls.
        int ncols = SelectListLength(sql, "FROM pg_catalog.pg_attribute");
        var names = new[] { "attname", "format_type", "attrdef", "attnotnull", "attcollation", "attidentity", "attgenerated", "attstorage" }.ToList();
        while (names.Count < ncols) names.Add("extra" + names.Count);
        if (ncols < names.Count) names.RemoveRange(ncols, names.Count - ncols);
        for (int i = 0; i < rows.Count; i++) if (rows[i].Length > names.Count) rows[i] = rows[i][..names.Count];
        for (int i = 0; i < rows.Count; i++) rows[i] = [.. rows[i], .. new object?[names.Count - rows[i].Length]];
        return Interceptor.Rows(names.ToArray(), rows);
    }

    private static QueryResult Indexes(SessionState c, int tableOid)
    {
        var all = Relations(c);
        var table = all.FirstOrDefault(r => r.Oid == tableOid);
        var rows = new List<object?[]>();
        if (table is not null)
        {
            foreach (var ix in all.Where(r => r.Schema.Kind == RelationKind.Index && r.Schema.Table == table.Name))
            {
                var cols = string.Join(", ", c.Database.Schema.IndexColumns(ix.Name).Select(n => n ?? "expression"));
                bool unique = ix.Schema.Unique;
                string def = $"CREATE {(unique ? "UNIQUE " : "")}INDEX {ix.Name} ON public.{table.Name} USING btree ({cols})";
                rows.Add([ix.Name, "f", unique ? "t" : "f", "f", "t", def, null, null, "f", "f", "f", "0"]);
            }
        }
        return Interceptor.Rows(["relname", "indisprimary", "indisunique", "indisclustered", "indisvalid", "pg_get_indexdef",
            "pg_get_constraintdef", "contype", "condeferrable", "condeferred", "indisreplident", "reltablespace"], rows);
    }

    private static QueryResult Roles(SessionState c)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { c.User };
        try
        {
            foreach (var r in c.Database.Execute($"SELECT name FROM {Auth.UserStore.Table}").Rows) if (r[0] is string n) names.Add(n);
        }
        catch (WasqlException) { /* no users table yet */ }
        var rows = names.Select(n => new object?[] { n, n == c.User ? "t" : "f", "t", "f", "f", "t", "-1", null, "{}", "f", "f" }).ToList();
        return Interceptor.Rows(["rolname", "rolsuper", "rolinherit", "rolcreaterole", "rolcreatedb", "rolcanlogin", "rolconnlimit",
            "rolvaliduntil", "memberof", "rolreplication", "rolbypassrls"], rows);
    }

    // ---------------- functions ----------------

    private static QueryResult ListFunctions(SessionState c, string sql)
    {
        var pattern = NamePattern(sql, "p.proname");
        var rows = new List<object?[]>();
        foreach (var f in c.Backend.ListFunctions())
        {
            if (pattern is not null && !pattern.IsMatch(f.Name)) continue;
            rows.Add(["public", f.Name, f.ReturnType, string.Join(", ", f.ArgumentTypes), f.Kind == "table" ? "func" : "func"]);
        }
        var names = new List<string> { "Schema", "Name", "Result data type", "Argument data types", "Type" };
        if (sql.Contains("\"Language\"", StringComparison.Ordinal))
        {
            names.AddRange(["Volatility", "Parallel", "Owner", "Security", "Access privileges", "Language", "Source code", "Description"]);
            var fs = c.Backend.ListFunctions().Where(f => pattern is null || pattern.IsMatch(f.Name)).ToList();
            for (int i = 0; i < rows.Count; i++) rows[i] = [.. rows[i], "immutable", "safe", c.User, "invoker", null, fs[i].Language, null, null];
        }
        rows.Sort((a, b) => string.CompareOrdinal((string)a[1]!, (string)b[1]!));
        return Interceptor.Rows(names.ToArray(), rows);
    }

    // ---------------- Npgsql ----------------

    private static QueryResult NpgsqlTypes()
    {
        var rows = new List<object?[]>();
        foreach (var t in PgType.BuiltIns)
            rows.Add(["pg_catalog", t.Oid.ToString(), t.Name, t.Name is "void" or "unknown" ? "p" : "b", "f", null]);
        foreach (var t in PgType.BuiltIns)
            if (t.ArrayOid != 0) rows.Add(["pg_catalog", t.ArrayOid.ToString(), "_" + t.Name, "a", "f", t.Oid.ToString()]);
        return Interceptor.Rows(["nspname", "oid", "typname", "typtype", "typnotnull", "elemtypoid"], rows);
    }

    // ---------------- information_schema ----------------

    /// <summary>information_schema.tables / .columns become subqueries over the rows of the engine's schema (as SQL
    /// literals), so the client's own WHERE, ORDER BY and joins apply to them.</summary>
    private static string RewriteInformationSchema(SessionState c, string sql)
    {
        var schema = c.Database.Schema;
        var relations = schema.Relations().Where(r => r.Kind is RelationKind.Table or RelationKind.View).ToList();
        var tables = Subquery(["table_catalog", "table_schema", "table_name", "table_type"],
            relations.Select(r => new object?[] { "wasql", "public", r.Name, r.Kind == RelationKind.View ? "VIEW" : "BASE TABLE" }));
        var columns = Subquery(["table_catalog", "table_schema", "table_name", "column_name", "ordinal_position", "column_default", "is_nullable", "data_type"],
            relations.SelectMany(r => schema.Columns(r.Name).Select((col, i) => new object?[]
                { "wasql", "public", r.Name, col.Name, (long)(i + 1), col.Default, col.NotNull || col.PrimaryKey ? "NO" : "YES", col.DeclaredType?.ToLowerInvariant() ?? "" })));
        sql = Regex.Replace(sql, @"information_schema\.tables\b", _ => tables, RegexOptions.IgnoreCase);
        return Regex.Replace(sql, @"information_schema\.columns\b", _ => columns, RegexOptions.IgnoreCase);
    }

    /// <summary><c>(SELECT column1 AS a, ... FROM (VALUES (...), ...))</c>; an empty list selects nothing.</summary>
    private static string Subquery(string[] names, IEnumerable<object?[]> rows)
    {
        var values = rows.Select(r => "(" + string.Join(", ", r.Select(Literal)) + ")").ToList();
        var select = string.Join(", ", names.Select((n, i) => values.Count == 0 ? $"NULL AS {n}" : $"column{i + 1} AS {n}"));
        return values.Count == 0 ? $"(SELECT {select} WHERE 0)" : $"(SELECT {select} FROM (VALUES {string.Join(", ", values)}))";
    }

    private static string Literal(object? v) => v switch
    {
        null => "NULL",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "'" + v.ToString()!.Replace("'", "''") + "'",
    };

    // ---------------- helpers ----------------

    /// <summary>psql turns \d PATTERN into <c>col OPERATOR(pg_catalog.~) '^(regex)$'</c>.</summary>
    private static Regex? NamePattern(string sql, string column)
    {
        var m = Regex.Match(sql, Regex.Escape(column) + @"\s+OPERATOR\(pg_catalog\.~\)\s+'((?:[^']|'')*)'");
        if (!m.Success) return null;
        try { return new Regex(m.Groups[1].Value.Replace("''", "'"), RegexOptions.None, TimeSpan.FromSeconds(1)); }
        catch (ArgumentException) { return null; }
    }

    [GeneratedRegex(@"\bpg_(type|class|namespace|attribute|proc|database|settings|roles|user|am|index|constraint|enum|range|tables|views|indexes|description|stat_activity)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CatalogTableRegex();
    [GeneratedRegex(@"^\s*SELECT\s+(pg_catalog\.)?version\(\)\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex VersionRegex();
    [GeneratedRegex(@"SELECT\s+c\.oid,\s*n\.nspname,\s*c\.relname\s+FROM\s+pg_catalog\.pg_class", RegexOptions.IgnoreCase)]
    private static partial Regex DescribeLookupRegex();
    [GeneratedRegex(@"c\.relkind\s+IN\s*\(([^)]*)\)")]
    private static partial Regex RelKindListRegex();
    [GeneratedRegex(@"c\.oid\s*=\s*'(\d+)'")]
    private static partial Regex OidRegex();
    [GeneratedRegex(@"a\.attrelid\s*=\s*'(\d+)'")]
    private static partial Regex AttrelidRegex();
    /// <summary>The number of top-level items in the select list before <paramref name="from"/>.</summary>
    internal static int SelectListLength(string sql, string from)
    {
        int end = sql.IndexOf(from, StringComparison.Ordinal);
        if (end < 0) end = sql.Length;
        int start = sql.IndexOf("SELECT", StringComparison.OrdinalIgnoreCase) + 6;
        int depth = 0, count = 1;
        for (int i = start; i < end; i++)
        {
            char ch = sql[i];
            if (ch == '\'') { int e = sql.IndexOf('\'', i + 1); i = e < 0 ? end : e; }
            else if (ch == '"') { int e = sql.IndexOf('"', i + 1); i = e < 0 ? end : e; }
            else if (ch == '(') depth++;
            else if (ch == ')') depth--;
            else if (ch == ',' && depth == 0) count++;
        }
        return count;
    }
}
