// A plugin ready to run: its definition, its compiled module (shared by SHA-256 with other plugins of the same
// bytes) and which hooks it exports.
using Wasql.Plugins.Catalog;
using Wasql.Udf;

namespace Wasql.Plugins.Runtime;

internal sealed class LoadedPlugin(PluginDefinition definition, UdfModule? module, string? loadError)
{
    public const string Marker = "wasql_plugin_abi_v1";

    public PluginDefinition Definition { get; } = definition;
    public string Name => Definition.Name;
    /// <summary>Null when the stored module could not be loaded (<see cref="LoadError"/> says why).</summary>
    public UdfModule? Module { get; } = module;
    public string? LoadError { get; } = loadError;
    public bool HasOnQuery { get; } = module?.Exports.Any(e => e.Name == "on_query") == true;
    public bool HasOnResult { get; } = module?.Exports.Any(e => e.Name == "on_result") == true;

    public string Hooks => string.Join(",", new[] { HasOnQuery ? "on_query" : null, HasOnResult ? "on_result" : null }.OfType<string>());

    /// <summary>Checks the exports the ABI requires; returns an error message or null.</summary>
    public static string? CheckAbi(UdfModule module)
    {
        var exports = module.Exports.ToDictionary(e => e.Name);
        if (!exports.ContainsKey(Marker))
            return $"the module exports no '{Marker}' marker, so it is not a Wasql plugin (see sdk/PLUGIN_ABI.md)";
        foreach (var hook in new[] { "on_query", "on_result" })
            if (exports.TryGetValue(hook, out var e) && !(e.Parameters is ["i32"] && e.Results is ["i32"]))
                return $"export '{hook}' must have type (i32) -> i32, it has ({string.Join(", ", e.Parameters)}) -> ({string.Join(", ", e.Results)})";
        if (!exports.ContainsKey("on_query") && !exports.ContainsKey("on_result"))
            return "the module exports neither on_query nor on_result";
        return null;
    }
}
