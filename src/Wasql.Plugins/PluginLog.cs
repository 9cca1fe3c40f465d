// The plugin log: a bounded ring of recent lines (SHOW PLUGIN LOG) plus an optional sink. Plugins write to it with
// wasql_log; the host writes failures, disabled filters and fail-open passes.
namespace Wasql.Plugins;

/// <summary>Log levels of <c>wasql_log</c> (the numbers are the ABI's).</summary>
public enum PluginLogLevel
{
    /// <summary>0</summary>
    Debug = 0,
    /// <summary>1</summary>
    Info = 1,
    /// <summary>2</summary>
    Warning = 2,
    /// <summary>3</summary>
    Error = 3,
    /// <summary>4: also sent to the client as a NOTICE.</summary>
    Notice = 4,
}

/// <summary>One log line.</summary>
/// <param name="Time">When it was written (UTC).</param>
/// <param name="Level">Its level.</param>
/// <param name="Plugin">The plugin that wrote it, or <c>wasql</c> for the host.</param>
/// <param name="Filter">The filter the plugin ran for, if any.</param>
/// <param name="User">The session's user.</param>
/// <param name="Message">The text.</param>
public sealed record PluginLogEntry(DateTime Time, PluginLogLevel Level, string Plugin, string? Filter, string User, string Message)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Time:yyyy-MM-dd HH:mm:ss.fff} {Level.ToString().ToLowerInvariant()} [{Plugin}{(Filter is null ? "" : "/" + Filter)}] {Message}";
}

internal sealed class PluginLog(int capacity, Action<PluginLogEntry>? sink)
{
    private readonly Queue<PluginLogEntry> _recent = new();
    private readonly object _lock = new();

    public void Write(PluginLogEntry entry)
    {
        lock (_lock)
        {
            _recent.Enqueue(entry);
            while (_recent.Count > Math.Max(1, capacity)) _recent.Dequeue();
        }
        try { sink?.Invoke(entry); }
        catch (Exception) { /* a failing sink must not fail queries */ }
    }

    public void Host(PluginLogLevel level, string? plugin, string? filter, string user, string message) =>
        Write(new PluginLogEntry(DateTime.UtcNow, level, plugin ?? "wasql", filter, user, message));

    public PluginLogEntry[] Snapshot()
    {
        lock (_lock) return _recent.ToArray();
    }
}
