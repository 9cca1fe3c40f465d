// A malformed value in the plugin or filter catalog (written straight into the file with plain SQLite) is a named
// warning when the plugin host attaches: that row is not loaded, every other plugin and filter still runs, and the
// DDL keeps working.
using Microsoft.Data.Sqlite;
using Wasql.Database;

namespace Wasql.Plugins.Tests;

public sealed class CatalogCorruptionTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"wasql-plugcat-{Guid.NewGuid():N}.db");

    public CatalogCorruptionTests()
    {
        using var db = WasqlDatabase.Open(_path);
        using var host = PluginHost.Attach(db);
        using var c = db.Connect();
        c.ExecuteBatch("CREATE TABLE a(x); CREATE TABLE b(x); INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)");
        var deny = Guests.Base64(Guests.Wat("deny_all"));
        c.Execute($"CREATE PLUGIN deny USING BASE64 '{deny}'");
        c.Execute($"CREATE PLUGIN victimplug USING BASE64 '{deny}' WITH (colour = 'red')");
        c.Execute("CREATE FILTER survivor WITH_PATTERN (kinds = 'select', tables = 'b') EXECUTE (plugin = deny)");
        c.Execute("CREATE FILTER victim (max_failures = 3) WITH_PATTERN (kinds = 'select', tables = 'a') EXECUTE (plugin = victimplug)");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var p in new[] { _path, _path + "-wal", _path + "-shm" })
            try { File.Delete(p); } catch (IOException) { }
    }

    private void Raw(string sql)
    {
        using var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Re-creates a catalog table without its constraints, so NULLs can be stored where values are expected.</summary>
    private static string Loosen(string table) =>
        $"CREATE TABLE loose AS SELECT * FROM {table}; DROP TABLE {table}; ALTER TABLE loose RENAME TO {table};";

    /// <summary>Opens the file with plugins attached and checks the survivor filter still denies and DDL works.</summary>
    private void AssertRestStillWorks(string warningPart)
    {
        using var db = WasqlDatabase.Open(_path);
        using var host = PluginHost.Attach(db);
        var warning = Assert.Single(host.LoadErrors);
        Assert.Contains(warningPart, warning);
        using var c = db.Connect();
        Assert.Throws<WasqlException>(() => c.Execute("SELECT x FROM b"));   // the intact filter still denies
        c.Execute($"CREATE OR REPLACE PLUGIN later USING BASE64 '{Guests.Base64(Guests.Wat("allow_all"))}'");
        c.Execute("CREATE FILTER later_filter WITH_PATTERN (tables = 'nothing_here') EXECUTE (plugin = later)");
        c.Execute("DROP FILTER later_filter");
    }

    [Theory]
    [InlineData("config", "'{{{'")]
    [InlineData("config", "'[1, 2]'")]
    [InlineData("enabled", "7")]
    [InlineData("priority", "'high'")]
    [InlineData("fail_open", "'maybe'")]
    [InlineData("max_failures", "0")]
    [InlineData("kinds", "x'00ff'")]
    [InlineData("plugin", "''")]
    public void MalformedFilterValueIsANamedWarning(string column, string value)
    {
        Raw($"UPDATE wasql_filters SET {column} = {value} WHERE name = 'victim'");
        AssertRestStillWorks($"filter victim: catalog column {column} is malformed");
    }

    [Theory]
    [InlineData("name")]
    [InlineData("priority")]
    [InlineData("query_regex")]
    [InlineData("plugin")]
    [InlineData("config")]
    public void NullInAFilterColumnIsANamedWarning(string column)
    {
        Raw(Loosen("wasql_filters") + $"UPDATE wasql_filters SET {column} = NULL WHERE name = 'victim'");
        AssertRestStillWorks($"catalog column {column} is malformed: NULL where a value is required");
    }

    [Theory]
    [InlineData("config", "'{{{'")]
    [InlineData("created", "'yesterday'")]
    [InlineData("size", "'big'")]
    [InlineData("module", "'not a blob'")]
    [InlineData("codec", "x'01'")]
    public void MalformedPluginValueIsANamedWarning(string column, string value)
    {
        Raw($"UPDATE wasql_plugins SET {column} = {value} WHERE name = 'victimplug'");
        AssertRestStillWorks($"plugin victimplug: catalog column {column} is malformed");
    }

    [Theory]
    [InlineData("name")]
    [InlineData("sha256")]
    public void NullInAPluginColumnIsANamedWarning(string column)
    {
        Raw(Loosen("wasql_plugins") + $"UPDATE wasql_plugins SET {column} = NULL WHERE name = 'victimplug'");
        AssertRestStillWorks($"catalog column {column} is malformed: NULL where a value is required");
    }
}
