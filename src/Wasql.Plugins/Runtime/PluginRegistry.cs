// The live set of plugins and filters shared by every connection. Readers take immutable snapshots (an array of
// filters sorted by priority, a dictionary of plugins) without locking; writers replace them under a lock. Modules are
// shared by SHA-256 and reference-counted, so replacing a plugin with the same bytes compiles nothing and a module is
// unloaded when no plugin uses it (calls still running keep their rented instance).
using Wasql.Plugins.Filters;
using Wasql.Udf;

namespace Wasql.Plugins.Runtime;

internal sealed class PluginRegistry(PluginHost host) : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (UdfModule Module, int Users)> _modules = new(StringComparer.Ordinal);
    private Dictionary<string, LoadedPlugin> _plugins = new(StringComparer.Ordinal);
    private ActiveFilter[] _filters = [];

    public ActiveFilter[] Filters => Volatile.Read(ref _filters);

    public IReadOnlyCollection<LoadedPlugin> Plugins => Volatile.Read(ref _plugins).Values;

    public LoadedPlugin? Plugin(string name) => Volatile.Read(ref _plugins).GetValueOrDefault(name);

    public ActiveFilter? Filter(string name) => Filters.FirstOrDefault(f => f.Name == name);

    /// <summary>The module for these bytes (compiled, checked against the ABI and JIT-compiled on first use of the
    /// hash); the caller owns one reference. Throws UdfException, or InvalidDataException for a non-plugin module.</summary>
    public UdfModule Acquire(string sha256, byte[] wasm, string name)
    {
        lock (_lock)
        {
            if (_modules.TryGetValue(sha256, out var entry))
            {
                _modules[sha256] = (entry.Module, entry.Users + 1);
                return entry.Module;
            }
        }
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
        lock (_lock)
        {
            if (_modules.TryGetValue(sha256, out var raced))
            {
                module.Dispose();
                _modules[sha256] = (raced.Module, raced.Users + 1);
                return raced.Module;
            }
            _modules[sha256] = (module, 1);
            return module;
        }
    }

    public void Release(string sha256)
    {
        UdfModule? unused = null;
        lock (_lock)
        {
            if (!_modules.TryGetValue(sha256, out var entry)) return;
            if (entry.Users > 1) _modules[sha256] = (entry.Module, entry.Users - 1);
            else
            {
                _modules.Remove(sha256);
                unused = entry.Module;
            }
        }
        unused?.Dispose();
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

    public void Dispose()
    {
        List<UdfModule> modules;
        lock (_lock)
        {
            modules = _modules.Values.Select(e => e.Module).ToList();
            _modules.Clear();
        }
        foreach (var m in modules) m.Dispose();
    }
}
