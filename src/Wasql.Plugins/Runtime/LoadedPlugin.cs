// A plugin ready to run: its definition, its compiled module (shared by SHA-256 with other plugins of the same
// bytes) and which hooks it exports.
using Wasql.Plugins.Catalog;
using Wasql.Udf;

namespace Wasql.Plugins.Runtime;

internal sealed class LoadedPlugin(PluginDefinition definition, UdfModule? module, string? loadError)
{
    /// <summary>The ABI version this host implements; a plugin exports <c>wasql_plugin_abi_v{N}</c> to declare its own.</summary>
    public const int AbiVersion = 1;
    public const string MarkerPrefix = "wasql_plugin_abi_v";
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
            return MissingMarker(exports.Keys);
        foreach (var hook in new[] { "on_query", "on_result" })
            if (exports.TryGetValue(hook, out var e) && !(e.Parameters is ["i32"] && e.Results is ["i32"]))
                return $"export '{hook}' must have type (i32) -> i32, it has ({string.Join(", ", e.Parameters)}) -> ({string.Join(", ", e.Results)})";
        if (!exports.ContainsKey("on_query") && !exports.ContainsKey("on_result"))
            return "the module exports neither on_query nor on_result";
        return null;
    }

    /// <summary>What to use instead of a language runtime's logging import the host does not provide (AssemblyScript's
    /// console.* imports <c>env.console.log</c> and friends); null for other link errors.</summary>
    internal static string? ImportHint(string linkError) =>
        linkError.Contains("env::console.", StringComparison.Ordinal)
            ? "plugins have no console: log with ctx.log(Level.Info, ...) (the plugin log, SHOW PLUGIN LOG; Level.Notice also reaches the client)"
            : null;

    /// <summary>Names the ABI versions the module declares (when it declares others than ours) and the one supported.</summary>
    internal static string MissingMarker(IEnumerable<string> exportNames)
    {
        var declared = exportNames.Where(n => n.StartsWith(MarkerPrefix, StringComparison.Ordinal))
            .Select(n => n[MarkerPrefix.Length..]).Order(StringComparer.Ordinal).ToList();
        return declared.Count == 0
            ? $"the module exports no '{Marker}' marker, so it is not a Wasql plugin (see sdk/PLUGIN_ABI.md)"
            : $"the module declares plugin ABI version {string.Join(", ", declared)} ('{MarkerPrefix}{declared[0]}'); this Wasql supports version {AbiVersion} only ('{Marker}'): rebuild it with a matching SDK";
    }
}
