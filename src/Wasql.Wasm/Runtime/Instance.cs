// Instance: the exports of an instantiated module.
namespace Wasql.Wasm;

public sealed class Instance
{
    private readonly Dictionary<string, Extern> _exports = new(StringComparer.Ordinal);

    public Module Module { get; }
    public Store Store { get; }
    /// <summary>Memory 0, exported or not (host functions of this instance's imports use it).</summary>
    public Memory? DefaultMemory { get; internal set; }

    internal Instance(Module module, Store store)
    {
        Module = module;
        Store = store;
    }

    internal void AddExport(string name, Extern e) => _exports[name] = e;

    public IEnumerable<KeyValuePair<string, Extern>> Exports => _exports;

    public Extern? GetExport(string name) => _exports.GetValueOrDefault(name);
    public Function? GetFunction(string name) => GetExport(name) as Function;
    public Memory? GetMemory(string name) => GetExport(name) as Memory;
    public Table? GetTable(string name) => GetExport(name) as Table;
    public Global? GetGlobal(string name) => GetExport(name) as Global;

    private Function RequireFunction(string name) =>
        GetFunction(name) ?? throw new KeyNotFoundException($"the module exports no function named '{name}'");

    /// <summary>A typed delegate for an exported function, e.g. <c>GetFunction&lt;Func&lt;int,int,int&gt;&gt;("gcd")</c>.</summary>
    public TDelegate GetFunction<TDelegate>(string name) where TDelegate : Delegate => RequireFunction(name).AsDelegate<TDelegate>();
}
