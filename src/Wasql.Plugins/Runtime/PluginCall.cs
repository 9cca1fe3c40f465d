// The state of one hook call, reachable from host functions through the instance's Store.Data and an opaque
// handle: what the plugin may read (statement, session, config, result) and what it decided (deny, rewrite).
using System.Globalization;
using Wasql.Database;
using Wasql.Database.Extensions;
using Wasql.Plugins.Filters;
using Wasql.Plugins.Results;

namespace Wasql.Plugins.Runtime;

internal enum Hook { OnQuery, OnResult }

internal sealed class PluginCall
{
    private static int s_nextHandle;

    public PluginCall(Hook hook, StatementContext statement, LoadedPlugin plugin, ActiveFilter filter, StatementOutcome? outcome)
    {
        // Handles are small positive integers that never repeat soon; a guest cannot turn one into a host pointer.
        Handle = Interlocked.Increment(ref s_nextHandle) & int.MaxValue;
        if (Handle == 0) Handle = 1;
        Hook = hook;
        Statement = statement;
        Plugin = plugin;
        Filter = filter;
        Outcome = outcome;
        if (outcome?.Result is { HasRows: true } r) Columns = new ResultColumns(r);
    }

    public int Handle { get; }
    public Hook Hook { get; }
    public StatementContext Statement { get; }
    public LoadedPlugin Plugin { get; }
    public ActiveFilter Filter { get; }
    public StatementOutcome? Outcome { get; }
    public ResultColumns? Columns { get; }

    public string? DenySqlState { get; set; }
    public string? DenyMessage { get; set; }
    public string? NewQuery { get; set; }
    /// <summary>wasql_log calls so far (capped per call).</summary>
    public int LogLines { get; set; }
    /// <summary>The last error-level line the guest logged in this call (a panic hook's message), for a trap's cause.</summary>
    public string? LastErrorLogged { get; set; }

    public string HookName => Hook == Hook.OnQuery ? "on_query" : "on_result";

    /// <summary>The plugin's config overlaid with the filter's EXECUTE options.</summary>
    public IReadOnlyDictionary<string, string> Config => Filter.MergedConfig(Plugin);

    /// <summary>The value of a wasql_get key, or null (NOT_FOUND).</summary>
    public string? Property(string key)
    {
        var s = Statement;
        switch (key)
        {
            case "query": return s.Text;
            case "kind": return s.Kind;
            case "tables": return string.Join('\n', s.Tables);
            // every line ends in \n, so an empty last line (a computed last column) survives the SDKs' line splitting
            case "column_origins": return string.Concat(s.ResultOrigins.Select(o => $"{o}\n"));
            case "columns_read": return string.Concat(s.ColumnsRead.Select(c => $"{c}\n"));
            case "user": return s.Session.User;
            case "client_address": return s.Session.ClientAddress;
            case "database": return s.Session.Database;
            case "application_name": return s.Session.ApplicationName;
            case "in_transaction": return s.InTransaction ? "true" : "false";
            case "hook": return HookName;
            case "plugin": return Plugin.Name;
            case "filter": return Filter.Name;
            case "rewrites": return s.Rewrites.ToString(CultureInfo.InvariantCulture);
            case "config": return string.Concat(Config.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}\n"));
        }
        if (key.StartsWith("config.", StringComparison.Ordinal))
            return Config.TryGetValue(key["config.".Length..], out var v) ? v : null;
        if (Hook != Hook.OnResult || Outcome is null) return null;
        var result = Outcome.Result;
        var error = Outcome.Error;
        return key switch
        {
            "result.columns" when result is not null => string.Join('\n', result.Columns.Select(c => c.Name)),
            "result.column_count" when result is not null => result.Columns.Count.ToString(CultureInfo.InvariantCulture),
            "result.row_count" when result is not null => result.Rows.Count.ToString(CultureInfo.InvariantCulture),
            "result.rows_affected" when result is not null => result.RecordsAffected.ToString(CultureInfo.InvariantCulture),
            "result.command_tag" when result is not null => result.CommandTag,
            "error.sqlstate" when error is not null => error.SqlState,
            "error.message" when error is not null => error.Message,
            _ => null,
        };
    }
}

/// <summary>Per-instance host state (in <see cref="Wasql.Wasm.Store.Data"/>): the call running on it, if any.</summary>
internal sealed class InstanceState
{
    public PluginCall? Current;
    /// <summary>The rented instance running <see cref="Current"/> (host functions exclude their time from its deadline).</summary>
    public Wasql.Udf.UdfInstance? Lease;
}
