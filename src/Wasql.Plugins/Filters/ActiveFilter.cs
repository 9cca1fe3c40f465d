// A filter as the matcher uses it: the definition, its compiled pattern, and its health (consecutive failures of its
// plugin). Past max_failures a fail-open filter disables itself (statements go through unfiltered); a fail-closed
// filter trips instead: it keeps matching and denies what it matches without running the plugin. The invariant:
// a fail-closed filter never lets a statement it matches through without its plugin's consent. Both states last
// until ALTER FILTER (a new ActiveFilter), e.g. ALTER FILTER f RESET.
using Wasql.Plugins.Catalog;
using Wasql.Plugins.Runtime;

namespace Wasql.Plugins.Filters;

internal enum FilterHealthChange { None, Disabled, Tripped }

internal sealed class ActiveFilter(FilterDefinition definition, FilterPattern pattern, int defaultMaxFailures)
{
    private readonly int[] _failures = new int[2];   // consecutive failures per Hook
    private volatile string? _disabledReason;
    private volatile string? _trippedReason;
    private sealed record Merged(LoadedPlugin Plugin, IReadOnlyDictionary<string, string> Config);
    private Merged? _merged;   // one reference, so readers on other threads never see a torn pair

    public FilterDefinition Definition { get; } = definition;
    public FilterPattern Pattern { get; } = pattern;
    public string Name => Definition.Name;
    public int MaxFailures => Definition.MaxFailures ?? defaultMaxFailures;

    /// <summary>Why the filter disabled itself, or null.</summary>
    public string? DisabledReason => _disabledReason;
    public bool Active => Definition.Enabled && _disabledReason is null;

    /// <summary>Why a fail-closed filter tripped (it denies every statement it matches), or null.</summary>
    public string? TrippedReason => _trippedReason;

    public string Status => !Definition.Enabled ? "disabled"
        : _disabledReason is { } r ? $"disabled: {r}"
        : _trippedReason is { } t ? $"tripped: {t}"
        : "enabled";

    /// <summary>A hook succeeded: its consecutive failures start over. Counted per hook, so a plugin whose on_query
    /// succeeds and whose on_result fails for every statement still reaches max_failures.</summary>
    public void Succeeded(Hook hook)
    {
        if (Volatile.Read(ref _failures[(int)hook]) != 0) Interlocked.Exchange(ref _failures[(int)hook], 0);
    }

    /// <summary>Counts a failure of the plugin; says whether this failure disabled (fail open) or tripped (fail closed) the filter.</summary>
    public FilterHealthChange Failed(Hook hook, string cause)
    {
        int n = Interlocked.Increment(ref _failures[(int)hook]);
        if (n < MaxFailures || _disabledReason is not null || _trippedReason is not null) return FilterHealthChange.None;
        var reason = $"{n} consecutive failures, last: {FirstLine(cause)}";
        if (Definition.FailOpen)
        {
            _disabledReason = reason;
            return FilterHealthChange.Disabled;
        }
        _trippedReason = reason;
        return FilterHealthChange.Tripped;
    }

    /// <summary>SHOW FILTERS shows one short line; the whole cause (backtrace, stderr) is in SHOW PLUGIN LOG.</summary>
    private const int MaxStatusCause = 160;

    private static string FirstLine(string text)
    {
        var line = text.IndexOf('\n') is var i and >= 0 ? text[..i].TrimEnd() : text;
        return line.Length <= MaxStatusCause ? line : line[..MaxStatusCause] + "... (SHOW PLUGIN LOG has the rest)";
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
