// A filter as the matcher uses it: the definition, its compiled pattern, and its health (consecutive failures;
// past the limit the filter disables itself until ALTER FILTER ... (status = 'enabled')).
using Wasql.Plugins.Catalog;
using Wasql.Plugins.Runtime;

namespace Wasql.Plugins.Filters;

internal sealed class ActiveFilter(FilterDefinition definition, FilterPattern pattern, int defaultMaxFailures)
{
    private int _failures;
    private volatile string? _disabledReason;
    private sealed record Merged(LoadedPlugin Plugin, IReadOnlyDictionary<string, string> Config);
    private Merged? _merged;   // one reference, so readers on other threads never see a torn pair

    public FilterDefinition Definition { get; } = definition;
    public FilterPattern Pattern { get; } = pattern;
    public string Name => Definition.Name;
    public int MaxFailures => Definition.MaxFailures ?? defaultMaxFailures;

    /// <summary>Why the filter disabled itself, or null.</summary>
    public string? DisabledReason => _disabledReason;
    public bool Active => Definition.Enabled && _disabledReason is null;

    public string Status => !Definition.Enabled ? "disabled" : _disabledReason is { } r ? $"disabled: {r}" : "enabled";

    public void Succeeded()
    {
        if (Volatile.Read(ref _failures) != 0) Interlocked.Exchange(ref _failures, 0);
    }

    /// <summary>Counts a failure; true when this failure disabled the filter.</summary>
    public bool Failed(string cause)
    {
        int n = Interlocked.Increment(ref _failures);
        if (n < MaxFailures || _disabledReason is not null) return false;
        _disabledReason = $"{n} consecutive failures, last: {cause}";
        return true;
    }

    public IReadOnlyDictionary<string, string> MergedConfig(LoadedPlugin plugin)
    {
        var hit = Volatile.Read(ref _merged);
        if (hit is not null && ReferenceEquals(hit.Plugin, plugin)) return hit.Config;
        var config = new Dictionary<string, string>(plugin.Definition.Config, StringComparer.Ordinal);
        foreach (var (k, v) in Definition.Config) config[k] = v;
        Volatile.Write(ref _merged, new Merged(plugin, config));
        return config;
    }
}
