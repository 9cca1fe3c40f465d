// The compiled-module cache of functions and plugins: one UdfModule per SHA-256 of the wasm bytes, shared by every
// definition that uses those bytes and reference-counted, so re-creating or replacing a definition with the same
// module compiles nothing, and a module is disposed (its code unloaded) when the last definition using it goes.
// Each owner (the function registry, the plugin registry) has its own cache because it compiles with its own runtime
// and imports; the cache only decides when to compile and when to dispose.
using Wasql.Udf;

namespace Wasql.Database.Catalog;

public sealed class ModuleCache(Func<byte[], string, UdfModule> compile) : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (UdfModule Module, int Users)> _modules = new(StringComparer.Ordinal);

    /// <summary>How many distinct modules are loaded.</summary>
    public int Count { get { lock (_lock) return _modules.Count; } }

    /// <summary>The module for <paramref name="sha256"/>; the caller owns one reference (give it back with
    /// <see cref="Release"/>). <paramref name="bytes"/> is called, and the module compiled, only when the hash is not
    /// loaded yet. Compile errors propagate and leave nothing behind.</summary>
    public UdfModule Acquire(string sha256, string name, Func<byte[]> bytes)
    {
        lock (_lock)
        {
            if (TryShare(sha256) is { } shared) return shared;
        }
        // Compiling takes long: outside the lock; a racing load of the same hash keeps the first module.
        var module = compile(bytes(), name);
        lock (_lock)
        {
            if (TryShare(sha256) is { } raced)
            {
                module.Dispose();
                return raced;
            }
            _modules[sha256] = (module, 1);
            return module;
        }
    }

    /// <inheritdoc cref="Acquire(string, string, Func{byte[]})"/>
    public UdfModule Acquire(string sha256, byte[] wasm, string name) => Acquire(sha256, name, () => wasm);

    private UdfModule? TryShare(string sha256)
    {
        if (!_modules.TryGetValue(sha256, out var entry)) return null;
        _modules[sha256] = (entry.Module, entry.Users + 1);
        return entry.Module;
    }

    /// <summary>Gives back one reference; the last one disposes the module (calls still running keep their instance).</summary>
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
