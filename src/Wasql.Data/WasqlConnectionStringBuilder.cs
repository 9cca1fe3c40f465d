// The connection string of the ADO.NET provider: the database file, the engine, the session's role and the limits,
// with typed properties over DbConnectionStringBuilder's key/value store (keys are case-insensitive; aliases below).
using System.Data.Common;
using System.Globalization;

namespace Wasql.Data;

/// <summary>The storage engine of a database.</summary>
public enum WasqlEngine
{
    /// <summary>SQLite, the embedded default.</summary>
    Sqlite,
    /// <summary>DuckDB (a file ending in <c>.duckdb</c>): not available in this version.</summary>
    DuckDb,
}

/// <summary>Builds and reads Wasql connection strings, e.g.
/// <c>Data Source=app.db;Lock Timeout=5;Command Timeout=30;User=analyst;Plugins=true</c>.</summary>
public sealed class WasqlConnectionStringBuilder : DbConnectionStringBuilder
{
    /// <summary>The canonical key names.</summary>
    public static class Keys
    {
        /// <summary>The database file, or <c>:memory:</c>.</summary>
        public const string DataSource = "Data Source";
        /// <summary><c>sqlite</c> (default) or <c>duckdb</c>.</summary>
        public const string Engine = "Engine";
        /// <summary>The role the session acts as (default: the local superuser).</summary>
        public const string User = "User";
        /// <summary>Seconds a writer waits for the write lock before SQLSTATE 55P03.</summary>
        public const string LockTimeout = "Lock Timeout";
        /// <summary>Default <see cref="DbCommand.CommandTimeout"/> in seconds (0: none).</summary>
        public const string CommandTimeout = "Command Timeout";
        /// <summary>Largest result held in memory, in bytes.</summary>
        public const string MaxResultBytes = "Max Result Bytes";
        /// <summary>Run query plugins (default true).</summary>
        public const string Plugins = "Plugins";
    }

    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Data Source"] = Keys.DataSource, ["DataSource"] = Keys.DataSource, ["Filename"] = Keys.DataSource, ["Database"] = Keys.DataSource,
        ["Engine"] = Keys.Engine,
        ["User"] = Keys.User, ["User Id"] = Keys.User, ["Username"] = Keys.User, ["Role"] = Keys.User,
        ["Lock Timeout"] = Keys.LockTimeout, ["LockTimeout"] = Keys.LockTimeout,
        ["Command Timeout"] = Keys.CommandTimeout, ["CommandTimeout"] = Keys.CommandTimeout, ["Default Timeout"] = Keys.CommandTimeout,
        ["Max Result Bytes"] = Keys.MaxResultBytes, ["MaxResultBytes"] = Keys.MaxResultBytes,
        ["Plugins"] = Keys.Plugins,
    };

    /// <summary>An empty builder.</summary>
    public WasqlConnectionStringBuilder() { }

    /// <summary>A builder over <paramref name="connectionString"/>.</summary>
    /// <exception cref="ArgumentException">an unknown key or a malformed value</exception>
    public WasqlConnectionStringBuilder(string? connectionString) => ConnectionString = connectionString ?? "";

    /// <inheritdoc/>
    public override object this[string keyword]
    {
        get => base[Canonical(keyword)];
        set
        {
            var key = Canonical(keyword);
            if (value is null) { Remove(key); return; }
            Validate(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
            base[key] = value;
        }
    }

    /// <inheritdoc/>
    public override bool Remove(string keyword) => base.Remove(Canonical(keyword));
    /// <inheritdoc/>
    public override bool ContainsKey(string keyword) => base.ContainsKey(Canonical(keyword));
    /// <inheritdoc/>
    public override bool TryGetValue(string keyword, out object value) => base.TryGetValue(Canonical(keyword), out value!);

    /// <summary>The database file (<c>Data Source</c>, also <c>Filename</c>, <c>Database</c>).</summary>
    public string DataSource { get => Text(Keys.DataSource) ?? ""; set => this[Keys.DataSource] = value; }

    /// <summary>The engine; by default DuckDB for a <c>.duckdb</c> file, SQLite otherwise.</summary>
    public WasqlEngine Engine
    {
        get => Text(Keys.Engine) is { } e ? ParseEngine(e)
            : DataSource.EndsWith(".duckdb", StringComparison.OrdinalIgnoreCase) ? WasqlEngine.DuckDb : WasqlEngine.Sqlite;
        set => this[Keys.Engine] = value.ToString().ToLowerInvariant();
    }

    /// <summary>The role the session acts as; null: the local superuser (an embedded application's own user).</summary>
    public string? User { get => Text(Keys.User); set => this[Keys.User] = value!; }

    /// <summary>How long a writer waits for the write lock; null: the database default (5 s).</summary>
    public TimeSpan? LockTimeout { get => Seconds(Keys.LockTimeout); set => this[Keys.LockTimeout] = value?.TotalSeconds!; }

    /// <summary>The default command timeout in seconds (30 unless set; 0: none).</summary>
    public int CommandTimeout { get => Text(Keys.CommandTimeout) is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 30; set => this[Keys.CommandTimeout] = value; }

    /// <summary>The largest result held in memory; null: the database default.</summary>
    public long? MaxResultBytes { get => Text(Keys.MaxResultBytes) is { } t ? long.Parse(t, CultureInfo.InvariantCulture) : null; set => this[Keys.MaxResultBytes] = value!; }

    /// <summary>Whether query plugins run (default true).</summary>
    public bool Plugins { get => Text(Keys.Plugins) is not { } t || bool.Parse(t); set => this[Keys.Plugins] = value; }

    private string? Text(string key) => base.TryGetValue(key, out var v) ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    private TimeSpan? Seconds(string key) => Text(key) is { } t ? TimeSpan.FromSeconds(double.Parse(t, CultureInfo.InvariantCulture)) : null;

    private static string Canonical(string keyword) =>
        s_aliases.TryGetValue(keyword.Trim(), out var key) ? key
            : throw new ArgumentException($"unknown connection string keyword '{keyword}' (known: {string.Join(", ", s_aliases.Values.Distinct())})", nameof(keyword));

    private static WasqlEngine ParseEngine(string text) => text.Trim().ToLowerInvariant() switch
    {
        "sqlite" => WasqlEngine.Sqlite,
        "duckdb" => WasqlEngine.DuckDb,
        _ => throw new ArgumentException($"unknown engine '{text}' (sqlite or duckdb)"),
    };

    /// <summary>Checks a value when it is set, so a bad connection string fails where it is written.</summary>
    private static void Validate(string key, string value)
    {
        bool ok = key switch
        {
            Keys.Engine => value.Trim().ToLowerInvariant() is "sqlite" or "duckdb",
            Keys.LockTimeout => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0,
            Keys.CommandTimeout => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) && c >= 0,
            Keys.MaxResultBytes => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) && b > 0,
            Keys.Plugins => bool.TryParse(value, out _),
            _ => true,
        };
        if (!ok) throw new ArgumentException($"invalid value '{value}' for connection string keyword '{key}'");
    }
}
