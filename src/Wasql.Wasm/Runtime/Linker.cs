// Linker: resolves a module's imports by (module, name) and instantiates it.
using Wasql.Wasm.Runtime;

namespace Wasql.Wasm;

public sealed class Linker
{
    private readonly Dictionary<(string Module, string Name), Extern> _defs = new();

    public Engine Engine { get; }
    /// <summary>Allow a later definition to replace an earlier one with the same name.</summary>
    public bool AllowShadowing { get; set; } = true;

    public Linker(Engine engine) => Engine = engine;

    public Linker Define(string module, string name, Extern item)
    {
        if (!AllowShadowing && _defs.ContainsKey((module, name)))
            throw new LinkException($"import {module}::{name} is already defined");
        _defs[(module, name)] = item;
        return this;
    }

    /// <summary>Defines a host function from a typed delegate (see <see cref="Function.Wrap"/>).</summary>
    public Linker DefineFunction(Store store, string module, string name, Delegate callback) =>
        Define(module, name, Function.Wrap(store, callback, $"{module}::{name}"));

    /// <summary>Defines an untyped host function.</summary>
    public Linker DefineFunction(Store store, string module, string name, FuncType type, HostCallback callback) =>
        Define(module, name, Function.Create(store, type, callback, $"{module}::{name}"));

    /// <summary>Makes every export of <paramref name="instance"/> importable under <paramref name="module"/>.</summary>
    public Linker DefineInstance(string module, Instance instance)
    {
        foreach (var (name, e) in instance.Exports) Define(module, name, e);
        return this;
    }

    public bool TryGet(string module, string name, out Extern? item) => _defs.TryGetValue((module, name), out item);

    /// <summary>Resolves imports, allocates the instance, runs segment initialisation and the start function.</summary>
    /// <exception cref="LinkException">an import is missing or its type does not match</exception>
    /// <exception cref="TrapException">segment initialisation or the start function trapped</exception>
    public Instance Instantiate(Store store, Module module)
    {
        var imports = new Extern[module.Info.Imports.Count];
        for (int i = 0; i < imports.Length; i++)
        {
            var imp = module.Info.Imports[i];
            if (!_defs.TryGetValue((imp.Module, imp.Name), out var e))
                throw new LinkException($"unknown import: {imp.Module}::{imp.Name} ({imp.Kind.ToString().ToLowerInvariant()}) is not defined");
            imports[i] = e;
        }
        return Instantiator.Instantiate(store, module, imports);
    }
}
