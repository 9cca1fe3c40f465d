// Runs one hook of one plugin for one filter: rents an instance, binds the call to it, calls the export under the
// limits, and applies the failure policy (fail closed: the statement fails with 38000; fail open: it goes on), with
// the filter's health updated: a plugin that keeps failing disables a fail-open filter (instead of every query
// paying) and trips a fail-closed one (which then denies without running the plugin, until ALTER FILTER f RESET).
using Wasql.Database;
using Wasql.Plugins.Filters;
using Wasql.Udf;

namespace Wasql.Plugins.Runtime;

internal enum FailureOrigin { Guest, Host }

/// <summary>What a hook's return code asks for (the plugin ABI's values: sdk/PLUGIN_ABI.md).</summary>
internal enum HookVerdict
{
    /// <summary>Go on (with the statement or result as the plugin left it).</summary>
    Continue = 0,
    /// <summary>Refuse the statement (with the plugin's message and SQLSTATE, if it set them).</summary>
    Deny = 1,
}

internal static class HookRunner
{
    /// <summary>The hook's verdict, or null when it failed open.</summary>
    public static HookVerdict? Run(PluginHost host, PluginCall call)
    {
        var plugin = call.Plugin;
        if (call.Filter.TrippedReason is { } tripped) throw Tripped(call, tripped);
        if (plugin.Module is not { } module)
            return Failure(host, call, $"the plugin could not be loaded: {plugin.LoadError}", null, FailureOrigin.Host);
        UdfInstance lease;
        try
        {
            lease = module.Rent();
        }
        catch (ObjectDisposedException)
        {
            // The plugin was replaced between matching and renting: run the new version.
            return host.Registry.Plugin(plugin.Name) is { } current && !ReferenceEquals(current, plugin)
                ? Run(host, new PluginCall(call.Hook, call.Statement, current, call.Filter, call.Outcome))
                : Failure(host, call, "the plugin was dropped while the statement ran", null, FailureOrigin.Host);
        }
        catch (UdfException e)
        {
            return Failure(host, call, Describe(e, call), e, Blame(e));
        }
        var state = (InstanceState)lease.Store.Data!;
        try
        {
            var export = lease.Export<Func<int, int>>(call.HookName)!;
            state.Current = call;
            state.Lease = lease;
            int code = lease.Call(call.HookName, () => export(call.Handle));
            if (Enum.IsDefined((HookVerdict)code))
            {
                call.Filter.Succeeded(call.Hook);
                return (HookVerdict)code;
            }
            lease.Discard();
            return Failure(host, call, $"{call.HookName} returned {code} (expected 0 = continue or 1 = deny)", null, FailureOrigin.Guest);
        }
        catch (UdfException e)
        {
            return Failure(host, call, Describe(e, call), e, Blame(e));
        }
        finally
        {
            state.Current = null;
            state.Lease = null;
            lease.Dispose();
        }
    }

    /// <summary>A tripped fail-closed filter denies without running its plugin.</summary>
    private static WasqlException Tripped(PluginCall call, string reason) =>
        new(SqlStates.ExternalRoutineException,
            $"filter '{call.Filter.Name}' is tripped (plugin '{call.Plugin.Name}' failed {call.Filter.MaxFailures} times in a row) and denies the statements it matches")
        {
            Detail = reason,
            Hint = $"fix the plugin (SHOW PLUGIN LOG), then a superuser runs ALTER FILTER {call.Filter.Name} RESET",
        };

    /// <summary>Who caused a failed call. Only the guest's own failures (traps, its deadline, fuel, memory, ABI
    /// misuse) count toward max_failures: a busy host (no free instance) or a bug in host code must not let load or
    /// the host trip or disable a filter.</summary>
    internal static FailureOrigin Blame(UdfException e) => e.Kind switch
    {
        UdfErrorKind.PoolExhausted => FailureOrigin.Host,
        // an exception other than a trap escaped the call: host code threw, the guest did not trap
        UdfErrorKind.Protocol when e.InnerException is not null and not Wasql.Wasm.TrapException => FailureOrigin.Host,
        // a host function threw (the engine turns that into a HostError trap), except for a bad guest pointer
        // (ArgumentOutOfRangeException from Memory) or a proc_exit (WasiExitException), which are the guest's doing
        _ when e.TrapCode == Wasql.Wasm.TrapCode.HostError
            && e.InnerException?.InnerException is not (null or ArgumentOutOfRangeException or Wasql.Wasi.WasiExitException) => FailureOrigin.Host,
        _ => FailureOrigin.Guest,
    };

    /// <summary>The cause of a failed call in a plugin's words: the trap or limit (not the UDF layer's "UDF 'on_query':"
    /// framing) and, when the guest logged an error just before (the SDKs' panic hooks and AssemblyScript's abort do),
    /// that message, since a bare "unreachable" says nothing. The backtrace and stderr go to the error's detail.</summary>
    internal static string Describe(UdfException e, PluginCall call) =>
        call.LastErrorLogged is { } logged && e.Kind == UdfErrorKind.Trap ? $"{e.Cause} (the plugin logged: {logged})" : e.Cause;

    /// <summary>Backtrace and captured stderr of a failed call, for the error's DETAIL and the plugin log.</summary>
    private static string? Detail(UdfException? e)
    {
        if (e is null) return null;
        var parts = new List<string>();
        if (e.WasmBacktrace.Count > 0) parts.Add("wasm backtrace:\n  " + string.Join("\n  ", e.WasmBacktrace));
        if (!string.IsNullOrEmpty(e.Stderr)) parts.Add("plugin stderr: " + e.Stderr.TrimEnd());
        return parts.Count == 0 ? null : string.Join("\n", parts);
    }

    private static HookVerdict? Failure(PluginHost host, PluginCall call, string cause, UdfException? error, FailureOrigin origin)
    {
        var filter = call.Filter;
        var user = call.Statement.Session.User;
        var detail = Detail(error);
        host.Log.Host(PluginLogLevel.Error, call.Plugin.Name, filter.Name, user,
            $"{call.HookName} failed: {cause}" + (origin == FailureOrigin.Host ? " (a host failure: not counted toward max_failures)" : "")
            + (detail is null ? "" : "\n" + detail));
        var change = origin == FailureOrigin.Guest ? filter.Failed(call.Hook, cause) : FilterHealthChange.None;
        if (change != FilterHealthChange.None)
        {
            var notice = change == FilterHealthChange.Disabled
                ? $"filter '{filter.Name}' disabled after {filter.MaxFailures} consecutive failures of plugin '{call.Plugin.Name}'; " +
                  $"fix the plugin, then ALTER FILTER {filter.Name} RESET"
                : $"filter '{filter.Name}' tripped after {filter.MaxFailures} consecutive failures of plugin '{call.Plugin.Name}': " +
                  $"it denies every statement it matches until ALTER FILTER {filter.Name} RESET";
            host.Log.Host(PluginLogLevel.Warning, call.Plugin.Name, filter.Name, user, notice);
            call.Statement.AddNotice(notice);
        }
        if (filter.Definition.FailOpen)
        {
            host.Log.Host(PluginLogLevel.Warning, call.Plugin.Name, filter.Name, user, "statement allowed anyway (fail = 'open')");
            return null;
        }
        throw new WasqlException(SqlStates.ExternalRoutineException,
            $"plugin '{call.Plugin.Name}' (filter '{filter.Name}') failed in {call.HookName}: {cause}", inner: error)
        {
            Detail = detail,
            Hint = "the filter fails closed; ALTER FILTER " + filter.Name + " (fail = 'open') lets statements through when the plugin fails",
        };
    }
}
