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

    public static List<StoredFunction> ReadFunctions(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT name, arg_types, return_type, kind, table_columns, language, abi, export_name, module_sha256, source, options FROM {FunctionsTable} ORDER BY name, arg_types";
        using var r = cmd.ExecuteReader();
        var list = new List<StoredFunction>();
        while (r.Read())
        {
            var args = r.GetString(1);
            list.Add(new StoredFunction(r.GetString(0), args.Length == 0 ? [] : args.Split(','), r.GetString(2), r.GetString(3),
                DecodeColumns(r.IsDBNull(4) ? null : r.GetString(4)), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8),
                r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10)));
        }
        return list;
    }

    /// <summary>The stored (compressed) module and its recorded size, or null when missing.</summary>
    public static (byte[] Data, string Codec, long Size)? ReadModule(SqliteConnection c, string sha256)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT data, codec, size FROM {ModulesTable} WHERE sha256 = $s";
        cmd.Parameters.AddWithValue("$s", sha256);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return (r.GetValue(0) as byte[] ?? throw new InvalidDataException("stored module is corrupt (not a blob)"), r.GetString(1), r.GetInt64(2));
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
        cmd.CommandText = $"INSERT OR IGNORE INTO {ModulesTable}(sha256, size, codec, data) VALUES ($s, $n, $c, $d)";
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

    private static IReadOnlyList<ColumnInfo> DecodeColumns(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<string[][]>(json)!.Select(a => new ColumnInfo(a[0], a[1])).ToArray();
}
