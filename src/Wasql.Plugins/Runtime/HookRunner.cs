// Runs one hook of one plugin for one filter: rents an instance, binds the call to it, calls the export under the
// limits, and applies the failure policy (fail closed: the statement fails with 38000; fail open: it goes on), with
// the filter's health updated so a plugin that keeps failing disables its filter instead of every query paying.
using Wasql.Database;
using Wasql.Plugins.Filters;
using Wasql.Udf;

namespace Wasql.Plugins.Runtime;

internal static class HookRunner
{
    /// <summary>The hook's code (0 continue, 1 deny), or null when it failed open.</summary>
    public static int? Run(PluginHost host, PluginCall call)
    {
        var plugin = call.Plugin;
        if (plugin.Module is not { } module)
            return Failure(host, call, $"the plugin could not be loaded: {plugin.LoadError}", null);
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
                : Failure(host, call, "the plugin was dropped while the statement ran", null);
        }
        catch (UdfException e)
        {
            return Failure(host, call, e.Message, e);
        }
        var state = (InstanceState)lease.Store.Data!;
        try
        {
            var export = lease.Export<Func<int, int>>(call.HookName)!;
            state.Current = call;
            int code = lease.Call(call.HookName, () => export(call.Handle));
            if (code is 0 or 1)
            {
                call.Filter.Succeeded();
                return code;
            }
            lease.Discard();
            return Failure(host, call, $"{call.HookName} returned {code} (expected 0 = continue or 1 = deny)", null);
        }
        catch (UdfException e)
        {
            return Failure(host, call, e.Message, e);
        }
        finally
        {
            state.Current = null;
            lease.Dispose();
        }
    }

    private static int? Failure(PluginHost host, PluginCall call, string cause, UdfException? error)
    {
        var filter = call.Filter;
        var user = call.Statement.Session.User;
        host.Log.Host(PluginLogLevel.Error, call.Plugin.Name, filter.Name, user, $"{call.HookName} failed: {cause}");
        if (filter.Failed(cause))
        {
            var notice = $"filter '{filter.Name}' disabled after {filter.MaxFailures} consecutive failures of plugin '{call.Plugin.Name}'; " +
                         $"fix the plugin, then ALTER FILTER {filter.Name} (status = 'enabled')";
            host.Log.Host(PluginLogLevel.Warning, call.Plugin.Name, filter.Name, user, notice);
            call.Statement.AddNotice(notice);
        }
        if (filter.Definition.FailOpen)
        {
            host.Log.Host(PluginLogLevel.Warning, call.Plugin.Name, filter.Name, user, "statement allowed anyway (fail = 'open')");
            return null;
        }
        var stderr = error?.Stderr;
        throw new WasqlException(SqlStates.ExternalRoutineException,
            $"plugin '{call.Plugin.Name}' (filter '{filter.Name}') failed in {call.HookName}: {cause}", inner: error)
        {
            Detail = string.IsNullOrEmpty(stderr) ? null : "plugin stderr: " + stderr,
            Hint = "the filter fails closed; ALTER FILTER " + filter.Name + " (fail = 'open') lets statements through when the plugin fails",
        };
    }
}
