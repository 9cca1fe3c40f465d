// The catalog inside the database file: tables for modules (compressed, keyed by SHA-256) and function definitions
// (signature, language, ABI, export, source), the wasql_functions view, and the reads and writes on them.
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Wasql.Database.Catalog;

/// <summary>A function row of the catalog.</summary>
internal sealed record StoredFunction(
    string Name, IReadOnlyList<string> ArgumentTypes, string ReturnType, string Kind, IReadOnlyList<ColumnInfo> TableColumns,
    string Language, string Abi, string ExportName, string ModuleSha256, string? Source, string? Options)
{
    public string ArgKey => string.Join(",", ArgumentTypes);
}

internal static class CatalogStore
{
    public const string FunctionsTable = "wasql_catalog_functions";
    public const string ModulesTable = "wasql_catalog_modules";

    public static void EnsureSchema(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            CREATE TABLE IF NOT EXISTS {ModulesTable} (
              sha256 TEXT PRIMARY KEY,
              size INTEGER NOT NULL,
              codec TEXT NOT NULL,
              data BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS {FunctionsTable} (
              name TEXT NOT NULL,
              arg_types TEXT NOT NULL,
              return_type TEXT NOT NULL,
              kind TEXT NOT NULL,
              table_columns TEXT,
              language TEXT NOT NULL,
              abi TEXT NOT NULL,
              export_name TEXT NOT NULL,
              module_sha256 TEXT NOT NULL REFERENCES {ModulesTable}(sha256),
              source TEXT,
              options TEXT,
              created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
              PRIMARY KEY (name, arg_types));
            CREATE VIEW IF NOT EXISTS wasql_functions AS
              SELECT f.name, f.name || '(' || replace(f.arg_types, ',', ', ') || ')' AS signature, f.arg_types AS arguments,
                     f.return_type, f.kind, f.language, f.abi, f.export_name, f.module_sha256, m.size AS module_size, f.created_at
              FROM {FunctionsTable} f LEFT JOIN {ModulesTable} m ON m.sha256 = f.module_sha256;
            """;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The catalog's enums: what <c>kind</c>, <c>language</c> and <c>abi</c> may hold.</summary>
    public static readonly string[] Kinds = ["scalar", "table"], Languages = ["wasm", "rust", "c"], Abis = ["direct", "arrow-udf"];

    /// <summary>Every function row that decodes, plus one warning per row that does not (a malformed value never stops
    /// the rest of the catalog from loading).</summary>
    public static (List<StoredFunction> Functions, List<string> Warnings) ReadFunctions(SqliteConnection c)
    {
        var list = new List<StoredFunction>();
        var warnings = new List<string>();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT name, arg_types, return_type, kind, table_columns, language, abi, export_name, module_sha256, source, options FROM {FunctionsTable} ORDER BY name, arg_types";
        try
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                try { list.Add(DecodeFunction(r)); }
                catch (WasqlException e) { warnings.Add($"function {RowLabel(r)}: {e.Message}; the function is not loaded"); }
            }
        }
        catch (SqliteException e) { warnings.Add($"function catalog {FunctionsTable} cannot be read: {e.Message}"); }
        return (list, warnings);
    }

    private static StoredFunction DecodeFunction(SqliteDataReader r)
    {
        var name = CatalogValues.NonEmptyText(r, 0);
        var argText = CatalogValues.Text(r, 1);
        string[] args = argText.Length == 0 ? [] : Functions.TypeNames.SplitList(argText);
        foreach (var a in args) CanonicalType(r, 1, a);
        var kind = CatalogValues.OneOf(r, 3, Kinds);
        var returnType = CatalogValues.Text(r, 2);
        if (kind == "scalar") CanonicalType(r, 2, returnType);
        var columns = DecodeColumns(r, 4);
        var sha = CatalogValues.Text(r, 8);
        if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower))
            throw CatalogValues.Malformed(r.GetName(8), "not a SHA-256 in lower-case hex");
        return new StoredFunction(name, args, returnType, kind, columns, CatalogValues.OneOf(r, 5, Languages),
            CatalogValues.OneOf(r, 6, Abis), CatalogValues.NonEmptyText(r, 7), sha, CatalogValues.NullableText(r, 9), CatalogValues.NullableStringMapText(r, 10));
    }

    /// <summary>Stored types are the canonical names CREATE FUNCTION wrote.</summary>
    private static void CanonicalType(SqliteDataReader r, int ordinal, string type)
    {
        string canonical;
        try { canonical = Functions.TypeNames.Normalize(type, 0); }
        catch (WasqlException) { throw CatalogValues.Malformed(r.GetName(ordinal), $"unknown type '{type}'"); }
        if (canonical != type) throw CatalogValues.Malformed(r.GetName(ordinal), $"'{type}' is not a canonical type name");
    }

    /// <summary>name(args) of a row for warnings, as far as it can be read.</summary>
    private static string RowLabel(SqliteDataReader r) =>
        $"{(r.GetValue(0) is string n ? n : "<unnamed>")}({(r.GetValue(1) is string a ? a.Replace(",", ", ") : "?")})";

    /// <summary>The stored (compressed) module and its recorded size, or null when missing.</summary>
    public static (byte[] Data, string Codec, long Size)? ReadModule(SqliteConnection c, string sha256)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT data, codec, size FROM {ModulesTable} WHERE sha256 = $s";
        cmd.Parameters.AddWithValue("$s", sha256);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return (CatalogValues.Blob(r, 0), CatalogValues.Text(r, 1), CatalogValues.Integer(r, 2, min: 0));
    }

    public static long ModuleSize(SqliteConnection c, string sha256)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT size FROM {ModulesTable} WHERE sha256 = $s";
        cmd.Parameters.AddWithValue("$s", sha256);
        return cmd.ExecuteScalar() is long l ? l : 0;
    }

    public static void InsertModule(SqliteConnection c, string sha256, byte[] wasm)
    {
        using var cmd = c.CreateCommand();
        // Rewriting a row with the same hash stores the same content again, and heals a damaged row.
        cmd.CommandText = $"""
            INSERT INTO {ModulesTable}(sha256, size, codec, data) VALUES ($s, $n, $c, $d)
            ON CONFLICT(sha256) DO UPDATE SET size = excluded.size, codec = excluded.codec, data = excluded.data
            """;
        cmd.Parameters.AddWithValue("$s", sha256);
        cmd.Parameters.AddWithValue("$n", wasm.LongLength);
        cmd.Parameters.AddWithValue("$c", ModuleCodec.Name);
        cmd.Parameters.AddWithValue("$d", ModuleCodec.Compress(wasm));
        cmd.ExecuteNonQuery();
    }

    public static void InsertFunction(SqliteConnection c, StoredFunction f)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            INSERT INTO {FunctionsTable}(name, arg_types, return_type, kind, table_columns, language, abi, export_name, module_sha256, source, options)
            VALUES ($name, $args, $ret, $kind, $cols, $lang, $abi, $export, $sha, $src, $opt)
            """;
        cmd.Parameters.AddWithValue("$name", f.Name);
        cmd.Parameters.AddWithValue("$args", f.ArgKey);
        cmd.Parameters.AddWithValue("$ret", f.ReturnType);
        cmd.Parameters.AddWithValue("$kind", f.Kind);
        cmd.Parameters.AddWithValue("$cols", f.TableColumns.Count == 0 ? DBNull.Value : EncodeColumns(f.TableColumns));
        cmd.Parameters.AddWithValue("$lang", f.Language);
        cmd.Parameters.AddWithValue("$abi", f.Abi);
        cmd.Parameters.AddWithValue("$export", f.ExportName);
        cmd.Parameters.AddWithValue("$sha", f.ModuleSha256);
        cmd.Parameters.AddWithValue("$src", (object?)f.Source ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$opt", (object?)f.Options ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Deletes one signature (or every overload when <paramref name="argKey"/> is null); returns rows deleted.</summary>
    public static int DeleteFunction(SqliteConnection c, string name, string? argKey)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = argKey is null
            ? $"DELETE FROM {FunctionsTable} WHERE name = $name"
            : $"DELETE FROM {FunctionsTable} WHERE name = $name AND arg_types = $args";
        cmd.Parameters.AddWithValue("$name", name);
        if (argKey is not null) cmd.Parameters.AddWithValue("$args", argKey);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Removes modules no function refers to any more.</summary>
    public static void DeleteUnusedModules(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"DELETE FROM {ModulesTable} WHERE sha256 NOT IN (SELECT module_sha256 FROM {FunctionsTable})";
        cmd.ExecuteNonQuery();
    }

    private static string EncodeColumns(IReadOnlyList<ColumnInfo> cols) =>
        JsonSerializer.Serialize(cols.Select(c => new[] { c.Name, c.DeclaredType }).ToArray());

    /// <summary>table_columns: NULL, or the JSON array of [name, type] pairs <see cref="EncodeColumns"/> writes.</summary>
    private static IReadOnlyList<ColumnInfo> DecodeColumns(SqliteDataReader r, int ordinal)
    {
        var json = CatalogValues.NullableText(r, ordinal);
        if (json is null) return [];
        string[][]? pairs;
        try { pairs = JsonSerializer.Deserialize<string[][]>(json); }
        catch (JsonException) { throw CatalogValues.Malformed(r.GetName(ordinal), "not a JSON array of [name, type] pairs"); }
        if (pairs is null || pairs.Any(p => p is null || p.Length != 2 || p[0] is null || p[1] is null))
            throw CatalogValues.Malformed(r.GetName(ordinal), "not a JSON array of [name, type] pairs");
        foreach (var p in pairs) CanonicalType(r, ordinal, p[1]);
        return pairs.Select(a => new ColumnInfo(a[0], a[1])).ToArray();
    }
}
