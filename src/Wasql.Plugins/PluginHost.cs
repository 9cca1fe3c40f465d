// The entry point of the plugin layer: attaches to a WasqlDatabase as a statement extension, loads plugins and
// filters from the catalog, claims the plugin/filter statements, and runs the matching plugins' hooks around every
// other statement (before-hooks by ascending priority, after-hooks in reverse).
using Wasql.Database;
using Wasql.Database.Extensions;
using Wasql.Plugins.Catalog;
using Wasql.Plugins.Filters;
using Wasql.Plugins.Runtime;
using Wasql.Plugins.State;
using Wasql.Udf;

namespace Wasql.Plugins;

/// <summary>
/// Query plugins for one database. <c>PluginHost.Attach(db)</c> once after opening it; from then on every connection
/// understands <c>CREATE PLUGIN</c>, <c>CREATE FILTER</c> and friends, and statements pass through the filters' plugins.
/// </summary>
public sealed class PluginHost : StatementExtension, IDisposable
{
    private readonly List<string> _loadErrors = [];

    private PluginHost(WasqlDatabase database, PluginOptions options)
    {
        Database = database;
        Options = options;
        Runtime = new UdfRuntime(options.ToUdfLimits());
        Log = new PluginLog(options.LogCapacity, options.LogSink);
        Store = new SharedStore(options.MaxKeysPerScope, options.MaxBytesPerScope);
        Registry = new PluginRegistry(this);
    }

    /// <summary>Loads the plugins and filters stored in <paramref name="database"/> and starts running them.
    /// A stored plugin that cannot be loaded is reported in <see cref="LoadErrors"/>; its filters fail (per their
    /// fail mode) until it is replaced.</summary>
    public static PluginHost Attach(WasqlDatabase database, PluginOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var host = new PluginHost(database, options ?? new PluginOptions());
        try
        {
            using (var c = database.Connect())
            {
                c.InCatalogTransaction(PluginCatalog.EnsureSchema);
                host.LoadCatalog(c);
            }
            database.AddExtension(host);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The database the plugins run for.</summary>
    public WasqlDatabase Database { get; }

    /// <summary>The limits plugins run under.</summary>
    public PluginOptions Options { get; }

    /// <summary>Problems found loading the catalog (e.g. <c>plugin audit: stored module is corrupt (sha256 mismatch)</c>).</summary>
    public IReadOnlyList<string> LoadErrors => _loadErrors;

    /// <summary>The most recent log lines (what <c>SHOW PLUGIN LOG</c> shows).</summary>
    public IReadOnlyList<PluginLogEntry> RecentLog() => Log.Snapshot();

    internal UdfRuntime Runtime { get; }
    internal PluginLog Log { get; }
    internal SharedStore Store { get; }
    internal PluginRegistry Registry { get; }

    private void LoadCatalog(WasqlConnection c)
    {
        var (plugins, pluginWarnings) = c.InCatalogTransaction(PluginCatalog.LoadPlugins);
        _loadErrors.AddRange(pluginWarnings);
        foreach (var (def, bytes, error) in plugins)
        {
            string? problem = error;
            UdfModule? module = null;
            if (bytes is not null)
            {
                try { module = Registry.Acquire(def.Sha256, bytes, def.Name); }
                catch (Exception e) when (e is UdfException or InvalidDataException) { problem = e.Message; }
            }
            if (problem is not null) _loadErrors.Add($"plugin {def.Name}: {problem}");
            Registry.Put(new LoadedPlugin(def, module, problem));
        }
        var (filters, filterWarnings) = c.InCatalogTransaction(PluginCatalog.LoadFilters);
        _loadErrors.AddRange(filterWarnings);
        foreach (var def in filters)
        {
            try { Registry.Put(new ActiveFilter(def, new FilterPattern(def.Pattern), Options.DefaultMaxFailures)); }
            catch (WasqlException e) { _loadErrors.Add($"filter {def.Name}: {e.Message}"); }
        }
    }

    /// <inheritdoc/>
    public override ExtensionCommand? TryParse(string text) => Sql.PluginDdlParser.TryParse(text, this);

    /// <summary>The filters that apply to <paramref name="statement"/>, in before-hook order, with their plugins.</summary>
    internal List<(ActiveFilter Filter, LoadedPlugin? Plugin)> Match(StatementContext statement, bool includeInactive = false)
    {
        var matched = new List<(ActiveFilter, LoadedPlugin?)>();
        foreach (var f in Registry.Filters)
            if ((includeInactive || f.Active) && f.Pattern.Matches(statement))
                matched.Add((f, Registry.Plugin(f.Definition.Plugin)));
        return matched;
    }

    /// <inheritdoc/>
    public override BeforeDecision Before(StatementContext statement)
    {
        var filters = Registry.Filters;
        if (filters.Length == 0) return BeforeDecision.Continue;
        var matched = Match(statement);
        statement.SetState(this, matched.Count == 0 ? null : matched);
        // Only an on_result hook needs the rows held whole (within MaxResultBytes); otherwise they stream.
        if (matched.Any(m => m.Plugin?.HasOnResult == true)) statement.NeedsResult = true;
        foreach (var (filter, plugin) in matched)
        {
            if (plugin is null)
            {
                MissingPlugin(statement, filter);
                continue;
            }
            if (!plugin.HasOnQuery && plugin.Module is not null) continue;
            var call = new PluginCall(Hook.OnQuery, statement, plugin, filter, null);
            var verdict = HookRunner.Run(this, call);
            if (verdict == HookVerdict.Deny) throw Denied(call, this);
            if (verdict == HookVerdict.Continue && call.NewQuery is { } text && text != statement.Text) return BeforeDecision.Rewrite(text);
        }
        return BeforeDecision.Continue;
    }

    /// <inheritdoc/>
    public override void After(StatementContext statement, StatementOutcome outcome)
    {
        if (statement.GetState(this) is not List<(ActiveFilter Filter, LoadedPlugin? Plugin)> matched) return;
        for (int i = matched.Count - 1; i >= 0; i--)
        {
            var (filter, plugin) = matched[i];
            if (plugin is null || !plugin.HasOnResult) continue;
            var call = new PluginCall(Hook.OnResult, statement, plugin, filter, outcome);
            try
            {
                var verdict = HookRunner.Run(this, call);
                if (verdict == HookVerdict.Deny) outcome.SetError(Denied(call, this));
                else if (call.Columns is { Changed: true } columns) outcome.SetResult(columns.ToResult());
            }
            catch (WasqlException e)
            {
                outcome.SetError(e);
            }
        }
    }

    private void MissingPlugin(StatementContext statement, ActiveFilter filter)
    {
        var message = $"filter '{filter.Name}' runs plugin '{filter.Definition.Plugin}', which does not exist";
        Log.Host(PluginLogLevel.Error, null, filter.Name, statement.Session.User, message);
        if (!filter.Definition.FailOpen) throw new WasqlException(SqlStates.ExternalRoutineException, message);
    }

    /// <summary>The denial the client gets; it is also logged (plugin, filter, user, SQLSTATE, statement kind) so an
    /// operator sees denials in SHOW PLUGIN LOG and in <c>wasql serve</c>'s output.</summary>
    private static WasqlException Denied(PluginCall call, PluginHost host)
    {
        var sqlState = call.DenySqlState ?? SqlStates.InsufficientPrivilege;
        var message = call.DenyMessage is { Length: > 0 } m ? m : $"query denied by plugin '{call.Plugin.Name}' (filter '{call.Filter.Name}')";
        host.Log.Host(PluginLogLevel.Warning, call.Plugin.Name, call.Filter.Name, call.Statement.Session.User,
            $"denied in {call.HookName}: user '{call.Statement.Session.User}', {call.Statement.Kind} statement, SQLSTATE {sqlState}: {message}");
        return new WasqlException(sqlState, message);
    }

    /// <summary>Unloads every plugin module and stops the deadline watchdog.</summary>
    public void Dispose()
    {
        Registry.Dispose();
        Runtime.Dispose();
    }
}
