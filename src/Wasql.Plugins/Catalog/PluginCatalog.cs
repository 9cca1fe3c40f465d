// Persistence of plugins and filters in two tables of the database file (next to the function catalog): modules
// Brotli-compressed with their SHA-256 (checked on load), definitions as columns, configuration as JSON. Writes run
// on the caller's connection inside a savepoint, so a failed write leaves nothing behind.
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wasql.Database.Catalog;

namespace Wasql.Plugins.Catalog;

internal static class PluginCatalog
{
    public static void EnsureSchema(SqliteConnection c) => Exec(c, """
        CREATE TABLE IF NOT EXISTS wasql_plugins(
            name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, codec TEXT NOT NULL,
            module BLOB NOT NULL, config TEXT NOT NULL, created TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS wasql_filters(
            name TEXT PRIMARY KEY, priority INTEGER NOT NULL, enabled INTEGER NOT NULL, description TEXT NOT NULL,
            fail_open INTEGER NOT NULL, max_failures INTEGER, kinds TEXT NOT NULL, tables TEXT NOT NULL,
            query_regex TEXT NOT NULL, user_regex TEXT NOT NULL, client_address TEXT NOT NULL, database TEXT NOT NULL,
            plugin TEXT NOT NULL, config TEXT NOT NULL);
        """);

    /// <summary>Every plugin with its module bytes (null plus an error when the stored module is damaged).</summary>
    public static List<(PluginDefinition Plugin, byte[]? Module, string? Error)> LoadPlugins(SqliteConnection c)
    {
        var list = new List<(PluginDefinition, byte[]?, string?)>();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, sha256, size, codec, module, config, created FROM wasql_plugins ORDER BY name";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var def = new PluginDefinition(r.GetString(0), r.GetString(1), r.GetInt64(2), ReadConfig(r.GetString(5)),
                DateTime.Parse(r.GetString(6), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal));
            try { list.Add((def, ModuleCodec.Decompress((byte[])r.GetValue(4), r.GetString(3), def.Size, def.Sha256), null)); }
            catch (InvalidDataException e) { list.Add((def, null, e.Message)); }
        }
        return list;
    }

    public static List<FilterDefinition> LoadFilters(SqliteConnection c)
    {
        var list = new List<FilterDefinition>();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT name, priority, enabled, description, fail_open, max_failures, kinds, tables, query_regex, user_regex,
                   client_address, database, plugin, config FROM wasql_filters ORDER BY name
            """;
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new FilterDefinition(r.GetString(0), r.GetInt32(1), r.GetInt64(2) != 0, r.GetString(3), r.GetInt64(4) != 0,
                r.IsDBNull(5) ? null : r.GetInt32(5),
                new FilterPatternDefinition(r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9), r.GetString(10), r.GetString(11)),
                r.GetString(12), ReadConfig(r.GetString(13))));
        return list;
    }

    public static void SavePlugin(SqliteConnection c, PluginDefinition p, byte[] module) => InSavepoint(c, () =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO wasql_plugins(name, sha256, size, codec, module, config, created)
            VALUES ($name, $sha, $size, $codec, $module, $config, $created)
            """;
        cmd.Parameters.AddWithValue("$name", p.Name);
        cmd.Parameters.AddWithValue("$sha", p.Sha256);
        cmd.Parameters.AddWithValue("$size", p.Size);
        cmd.Parameters.AddWithValue("$codec", ModuleCodec.Name);
        cmd.Parameters.AddWithValue("$module", ModuleCodec.Compress(module));
        cmd.Parameters.AddWithValue("$config", WriteConfig(p.Config));
        cmd.Parameters.AddWithValue("$created", p.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    });

    public static void SaveFilter(SqliteConnection c, FilterDefinition f) => InSavepoint(c, () =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO wasql_filters(name, priority, enabled, description, fail_open, max_failures, kinds, tables,
                query_regex, user_regex, client_address, database, plugin, config)
            VALUES ($name, $priority, $enabled, $description, $failOpen, $maxFailures, $kinds, $tables, $queryRegex,
                $userRegex, $clientAddress, $database, $plugin, $config)
            """;
        cmd.Parameters.AddWithValue("$name", f.Name);
        cmd.Parameters.AddWithValue("$priority", f.Priority);
        cmd.Parameters.AddWithValue("$enabled", f.Enabled ? 1 : 0);
        cmd.Parameters.AddWithValue("$description", f.Description);
        cmd.Parameters.AddWithValue("$failOpen", f.FailOpen ? 1 : 0);
        cmd.Parameters.AddWithValue("$maxFailures", (object?)f.MaxFailures ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$kinds", f.Pattern.Kinds);
        cmd.Parameters.AddWithValue("$tables", f.Pattern.Tables);
        cmd.Parameters.AddWithValue("$queryRegex", f.Pattern.QueryRegex);
        cmd.Parameters.AddWithValue("$userRegex", f.Pattern.UserRegex);
        cmd.Parameters.AddWithValue("$clientAddress", f.Pattern.ClientAddress);
        cmd.Parameters.AddWithValue("$database", f.Pattern.Database);
        cmd.Parameters.AddWithValue("$plugin", f.Plugin);
        cmd.Parameters.AddWithValue("$config", WriteConfig(f.Config));
        cmd.ExecuteNonQuery();
    });

    public static void DeletePlugin(SqliteConnection c, string name) => Delete(c, "wasql_plugins", name);

    public static void DeleteFilter(SqliteConnection c, string name) => Delete(c, "wasql_filters", name);

    private static void Delete(SqliteConnection c, string table, string name) => InSavepoint(c, () =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"DELETE FROM {table} WHERE name = $name";
        cmd.Parameters.AddWithValue("$name", name);
        cmd.ExecuteNonQuery();
    });

    private static void InSavepoint(SqliteConnection c, Action write)
    {
        Exec(c, "SAVEPOINT wasql_plugin_catalog");
        try
        {
            write();
            Exec(c, "RELEASE wasql_plugin_catalog");
        }
        catch
        {
            Exec(c, "ROLLBACK TO wasql_plugin_catalog; RELEASE wasql_plugin_catalog");
            throw;
        }
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string WriteConfig(IReadOnlyDictionary<string, string> config) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(config.ToDictionary(), StringComparer.Ordinal));

    private static IReadOnlyDictionary<string, string> ReadConfig(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}
