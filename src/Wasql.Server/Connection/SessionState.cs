// What one client session has set and what the server's own answers (SET/SHOW/RESET, DISCARD, DEALLOCATE, the
// pg_catalog emulation) read and change, apart from the protocol machinery of PgConnection: the user, the settings
// (GUCs), the statement timeout, notices waiting to be sent, ParameterStatus reports owed, and the database session.
using Wasql.Server.Sessions;
using Wasql.Database;

namespace Wasql.Server.Connection;

/// <summary>Prepared statements and portals of a session, for DEALLOCATE and DISCARD ALL.</summary>
internal interface IPreparedStatements
{
    /// <summary>Drops the named statement (null: all of them); false when there is none by that name.</summary>
    bool Deallocate(string? name);
}

internal sealed class SessionState(ServerOptions options, WasqlDatabase backend, IPreparedStatements prepared)
{
    /// <summary>The setting that holds the database name from the startup packet (kept by RESET ALL and DISCARD ALL).</summary>
    public const string DatabaseSetting = "database";

    public ServerOptions Options { get; } = options;

    /// <summary>The database (its function catalog answers pg_proc and \\df).</summary>
    public WasqlDatabase Backend { get; } = backend;
    public string User { get; set; } = "";

    /// <summary>The database session (set once the startup has opened it).</summary>
    public WasqlConnection Database { get; set; } = null!;

    /// <summary>Settings changed by the client (startup parameters and SET), by name, case-insensitively.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Notices and warnings to send before the statement's result: severity, SQLSTATE, message.</summary>
    public List<(string Severity, string State, string Message)> Notices { get; } = [];

    /// <summary>ParameterStatus messages owed to the client (reported settings that changed).</summary>
    public List<(string Name, string Value)> ChangedReported { get; } = [];

    public TimeSpan StatementTimeout { get; set; } = options.StatementTimeout;

    /// <summary>The session's lock_timeout before any SET (what RESET restores).</summary>
    public TimeSpan DefaultLockTimeout { get; set; }

    public IPreparedStatements Prepared { get; } = prepared;

    /// <summary>DISCARD ALL: every prepared statement and setting goes (the database name stays).</summary>
    public void DiscardAll()
    {
        Prepared.Deallocate(null);
        ResetSettings();
    }

    /// <summary>RESET ALL: settings back to their defaults.</summary>
    public void ResetSettings()
    {
        foreach (var k in Settings.Keys.Where(k => k != DatabaseSetting).ToList()) Settings.Remove(k);
        StatementTimeout = Options.StatementTimeout;
        Database.LockTimeout = DefaultLockTimeout;
    }
}
