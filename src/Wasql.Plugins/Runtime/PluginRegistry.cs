// The live set of plugins and filters shared by every connection. Readers take immutable snapshots (an array of
// filters sorted by priority, a dictionary of plugins) without locking; writers replace them under a lock. Modules are
// shared by SHA-256 and reference-counted, so replacing a plugin with the same bytes compiles nothing and a module is
// unloaded when no plugin uses it (calls still running keep their rented instance).
using Wasql.Database.Catalog;
using Wasql.Plugins.Filters;
using Wasql.Udf;

namespace Wasql.Plugins.Runtime;

internal sealed class PluginRegistry(PluginHost host) : IDisposable
{
    private readonly object _lock = new();
    private readonly ModuleCache _modules = new((wasm, name) => Compile(host, wasm, name));
    private Dictionary<string, LoadedPlugin> _plugins = new(StringComparer.Ordinal);
    private ActiveFilter[] _filters = [];

    public ActiveFilter[] Filters => Volatile.Read(ref _filters);

    public IReadOnlyCollection<LoadedPlugin> Plugins => Volatile.Read(ref _plugins).Values;

    public LoadedPlugin? Plugin(string name) => Volatile.Read(ref _plugins).GetValueOrDefault(name);

    public ActiveFilter? Filter(string name) => Filters.FirstOrDefault(f => f.Name == name);

    /// <summary>The module for these bytes (compiled, checked against the ABI and JIT-compiled on first use of the
    /// hash); the caller owns one reference. Throws UdfException, or InvalidDataException for a non-plugin module.</summary>
    public UdfModule Acquire(string sha256, byte[] wasm, string name) => _modules.Acquire(sha256, wasm, name);

    public void Release(string sha256) => _modules.Release(sha256);

    private static UdfModule Compile(PluginHost host, byte[] wasm, string name)
    {
        UdfModule module;
        try
        {
            module = host.Runtime.Load(wasm, name, (linker, store) => HostFunctions.Define(linker, store, host));
        }
        catch (UdfException e) when (LoadedPlugin.ImportHint(e.Cause) is { } hint)
        {
            throw new InvalidDataException($"{e.Cause}; {hint}", e);
        }
        if (LoadedPlugin.CheckAbi(module) is { } problem)
        {
            module.Dispose();
            throw new InvalidDataException(problem);
        }
        module.Precompile();   // first calls must not spend their short deadline in the JIT
        return module;
    }

    /// <summary>Adds or replaces a plugin (its module reference moves to the registry).</summary>
    public void Put(LoadedPlugin plugin)
    {
        LoadedPlugin? old;
        lock (_lock)
        {
            var next = new Dictionary<string, LoadedPlugin>(_plugins, StringComparer.Ordinal);
            next.TryGetValue(plugin.Name, out old);
            next[plugin.Name] = plugin;
            Volatile.Write(ref _plugins, next);
        }
        if (old?.Module is not null) Release(old.Definition.Sha256);
    }

    public void RemovePlugin(string name)
    {
        LoadedPlugin? old;
        lock (_lock)
        {
            var next = new Dictionary<string, LoadedPlugin>(_plugins, StringComparer.Ordinal);
            if (!next.Remove(name, out old)) return;
            Volatile.Write(ref _plugins, next);
        }
        if (old?.Module is not null) Release(old.Definition.Sha256);
    }

    public void Put(ActiveFilter filter)
    {
        lock (_lock)
            Volatile.Write(ref _filters, Sorted(_filters.Where(f => f.Name != filter.Name).Append(filter)));
    }

    public void RemoveFilter(string name)
    {
        lock (_lock) Volatile.Write(ref _filters, Sorted(_filters.Where(f => f.Name != name)));
    }

    /// <summary>Before-hooks run by ascending priority, ties by name.</summary>
    private static ActiveFilter[] Sorted(IEnumerable<ActiveFilter> filters) =>
        filters.OrderBy(f => f.Definition.Priority).ThenBy(f => f.Name, StringComparer.Ordinal).ToArray();

    public void Dispose() => _modules.Dispose();
}
