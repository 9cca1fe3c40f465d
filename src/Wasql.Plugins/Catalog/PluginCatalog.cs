// Persistence of plugins and filters in two tables of the database file (next to the function catalog): modules
// Brotli-compressed with their SHA-256 (checked on load), definitions as columns, configuration as JSON. Everything
// runs in the database's catalog transaction (WasqlConnection.InCatalogTransaction): one savepoint, so a failed write
// leaves nothing behind.
using System.Data.Common;
using System.Text.Json;
using Wasql.Database;
using Wasql.Database.Catalog;

namespace Wasql.Plugins.Catalog;

internal static class PluginCatalog
{
    public static void EnsureSchema(CatalogTransaction c) => c.Execute("""
        CREATE TABLE IF NOT EXISTS wasql_plugins(
            name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, codec TEXT NOT NULL,
            module BLOB NOT NULL, config TEXT NOT NULL, created TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS wasql_filters(
            name TEXT PRIMARY KEY, priority INTEGER NOT NULL, enabled INTEGER NOT NULL, description TEXT NOT NULL,
            fail_open INTEGER NOT NULL, max_failures INTEGER, kinds TEXT NOT NULL, tables TEXT NOT NULL,
            query_regex TEXT NOT NULL, user_regex TEXT NOT NULL, client_address TEXT NOT NULL, database TEXT NOT NULL,
            plugin TEXT NOT NULL, config TEXT NOT NULL);
        """);

    /// <summary>Every plugin with its module bytes (null plus an error when the stored module or another stored value is
    /// damaged: the plugin is then listed, its filters fail per their fail mode), and warnings for rows without a name.</summary>
    public static (List<(PluginDefinition Plugin, byte[]? Module, string? Error)> Plugins, List<string> Warnings) LoadPlugins(CatalogTransaction c)
    {
        var list = new List<(PluginDefinition, byte[]?, string?)>();
        var warnings = new List<string>();
        try
        {
            c.Query("SELECT name, sha256, size, codec, module, config, created FROM wasql_plugins ORDER BY name", r =>
            {
                string name;
                try { name = CatalogValues.NonEmptyText(r, 0); }
                catch (WasqlException e) { warnings.Add($"plugin row: {e.Message}; skipped"); return; }
                try
                {
                    var def = new PluginDefinition(name, CatalogValues.Text(r, 1), CatalogValues.Integer(r, 2, min: 0),
                        CatalogValues.StringMap(r, 5), Timestamp(r, 6));
                    try { list.Add((def, ModuleCodec.Decompress(CatalogValues.Blob(r, 4), CatalogValues.Text(r, 3), def.Size, def.Sha256), null)); }
                    catch (InvalidDataException e) { list.Add((def, null, e.Message)); }
                }
                catch (WasqlException e)
                {
                    list.Add((new PluginDefinition(name, "", 0, new Dictionary<string, string>(), DateTime.UnixEpoch), null, e.Message));
                }
            });
        }
        catch (DbException e) { warnings.Add($"plugin catalog wasql_plugins cannot be read: {e.Message}"); }
        return (list, warnings);
    }

    /// <summary>Every filter row that decodes, and a warning for each one that does not (that filter is not loaded).</summary>
    public static (List<FilterDefinition> Filters, List<string> Warnings) LoadFilters(CatalogTransaction c)
    {
        var list = new List<FilterDefinition>();
        var warnings = new List<string>();
        try
        {
            c.Query("""
                SELECT name, priority, enabled, description, fail_open, max_failures, kinds, tables, query_regex, user_regex,
                       client_address, database, plugin, config FROM wasql_filters ORDER BY name
                """, r =>
            {
                try
                {
                    list.Add(new FilterDefinition(CatalogValues.NonEmptyText(r, 0), (int)CatalogValues.Integer(r, 1, int.MinValue, int.MaxValue),
                        CatalogValues.Boolean(r, 2), CatalogValues.Text(r, 3), CatalogValues.Boolean(r, 4),
                        (int?)CatalogValues.NullableInteger(r, 5, 1, int.MaxValue),
                        new FilterPatternDefinition(CatalogValues.Text(r, 6), CatalogValues.Text(r, 7), CatalogValues.Text(r, 8),
                            CatalogValues.Text(r, 9), CatalogValues.Text(r, 10), CatalogValues.Text(r, 11)),
                        CatalogValues.NonEmptyText(r, 12), CatalogValues.StringMap(r, 13)));
                }
                catch (WasqlException e)
                {
                    warnings.Add($"filter {(r.GetValue(0) is string n ? n : "<unnamed>")}: {e.Message}; the filter is not loaded");
                }
            });
        }
        catch (DbException e) { warnings.Add($"filter catalog wasql_filters cannot be read: {e.Message}"); }
        return (list, warnings);
    }

    /// <summary>created: the ISO 8601 text SavePlugin writes.</summary>
    private static DateTime Timestamp(DbDataReader r, int ordinal)
    {
        var text = CatalogValues.Text(r, ordinal);
        return DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t : throw CatalogValues.Malformed(r.GetName(ordinal), "not a timestamp");
    }

    public static void SavePlugin(CatalogTransaction c, PluginDefinition p, byte[] module) => c.Execute("""
        INSERT OR REPLACE INTO wasql_plugins(name, sha256, size, codec, module, config, created)
        VALUES ($name, $sha, $size, $codec, $module, $config, $created)
        """,
        ("$name", p.Name), ("$sha", p.Sha256), ("$size", p.Size), ("$codec", ModuleCodec.Name), ("$module", ModuleCodec.Compress(module)),
        ("$config", WriteConfig(p.Config)), ("$created", p.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));

    public static void SaveFilter(CatalogTransaction c, FilterDefinition f) => c.Execute("""
        INSERT OR REPLACE INTO wasql_filters(name, priority, enabled, description, fail_open, max_failures, kinds, tables,
            query_regex, user_regex, client_address, database, plugin, config)
        VALUES ($name, $priority, $enabled, $description, $failOpen, $maxFailures, $kinds, $tables, $queryRegex,
            $userRegex, $clientAddress, $database, $plugin, $config)
        """,
        ("$name", f.Name), ("$priority", f.Priority), ("$enabled", f.Enabled ? 1 : 0), ("$description", f.Description),
        ("$failOpen", f.FailOpen ? 1 : 0), ("$maxFailures", f.MaxFailures), ("$kinds", f.Pattern.Kinds), ("$tables", f.Pattern.Tables),
        ("$queryRegex", f.Pattern.QueryRegex), ("$userRegex", f.Pattern.UserRegex), ("$clientAddress", f.Pattern.ClientAddress),
        ("$database", f.Pattern.Database), ("$plugin", f.Plugin), ("$config", WriteConfig(f.Config)));

    public static void DeletePlugin(CatalogTransaction c, string name) => c.Execute("DELETE FROM wasql_plugins WHERE name = $name", ("$name", name));

    public static void DeleteFilter(CatalogTransaction c, string name) => c.Execute("DELETE FROM wasql_filters WHERE name = $name", ("$name", name));

    private static string WriteConfig(IReadOnlyDictionary<string, string> config) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(config.ToDictionary(), StringComparer.Ordinal));

}
