// One open WasqlDatabase per database file and settings, shared by every WasqlDbConnection of that connection
// string: opening a database loads its catalog and compiles its functions, which must not happen on every
// DbConnection.Open (Dapper and most data libraries open and close a connection per call). A database stays open
// after its last connection closes, until ClearAllPools; ":memory:" databases are never shared (each connection has
// its own, gone when it closes, as in Microsoft.Data.Sqlite).
using Wasql.Database;
using Wasql.Plugins;

namespace Wasql.Data;

internal sealed class PooledDatabase(WasqlDatabase database, PluginHost? plugins) : IDisposable
{
    public WasqlDatabase Database { get; } = database;
    public int Users;

    public void Dispose()
    {
        plugins?.Dispose();
        Database.Dispose();
    }
}

internal static class DatabasePool
{
    public const string MemoryPath = ":memory:";

    private static readonly Dictionary<string, PooledDatabase> s_open = new(StringComparer.Ordinal);
    private static readonly object s_lock = new();

    /// <summary>The database for these settings, opened on first use; the caller must <see cref="Release"/> it.</summary>
    public static PooledDatabase Acquire(WasqlConnectionStringBuilder settings)
    {
        if (settings.DataSource == MemoryPath) return Open(settings, MemoryPath);
        var path = Path.GetFullPath(settings.DataSource);
        var key = $"{path}|{settings.MaxResultBytes}|{settings.Plugins}";
        lock (s_lock)
        {
            if (!s_open.TryGetValue(key, out var pooled)) s_open[key] = pooled = Open(settings, path);
            pooled.Users++;
            return pooled;
        }
    }

    public static void Release(PooledDatabase pooled)
    {
        if (pooled.Database.IsMemory) { pooled.Dispose(); return; }
        lock (s_lock) pooled.Users--;
    }

    /// <summary>Closes every pooled database no connection is using.</summary>
    public static void ClearAll()
    {
        List<PooledDatabase> idle;
        lock (s_lock)
        {
            idle = s_open.Where(e => e.Value.Users == 0).Select(e => e.Value).ToList();
            foreach (var key in s_open.Where(e => e.Value.Users == 0).Select(e => e.Key).ToList()) s_open.Remove(key);
        }
        foreach (var db in idle) db.Dispose();
    }

    private static PooledDatabase Open(WasqlConnectionStringBuilder settings, string path)
    {
        if (settings.Engine == WasqlEngine.DuckDb)
            throw new WasqlException(SqlStates.FeatureNotSupported, $"database '{settings.DataSource}': the DuckDB engine is not available in this version of Wasql")
            { Hint = "use a SQLite database file (any name not ending in .duckdb), or Engine=sqlite" };
        var options = new WasqlOptions();
        if (settings.MaxResultBytes is { } max) options.MaxResultBytes = max;
        var database = WasqlDatabase.Open(path, options);
        try
        {
            var plugins = settings.Plugins ? PluginHost.Attach(database) : null;
            return new PooledDatabase(database, plugins);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }
}
