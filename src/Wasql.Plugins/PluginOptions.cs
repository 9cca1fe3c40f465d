// Limits and sinks of the query plugin layer. Fixed when PluginHost.Attach runs: the engine compiles the checks in.
using Wasql.Udf;

namespace Wasql.Plugins;

/// <summary>How plugins run: per-call limits, pool size, shared-store caps and where their log lines go.</summary>
public sealed class PluginOptions
{
    /// <summary>Wall-clock time one hook call may take before it is interrupted. Default 100 ms.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Fuel per hook call (roughly wasm instructions); null (default) disables metering.</summary>
    public long? FuelPerCall { get; init; }

    /// <summary>Largest linear memory of one plugin instance. Default 16 MiB.</summary>
    public long MaxMemoryBytes { get; init; } = 16L << 20;

    /// <summary>Most live instances per plugin module (callers beyond it wait). Default: twice the processor count, at least 4.</summary>
    public int MaxInstancesPerPlugin { get; init; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Keys one namespace of the shared store may hold. Default 100,000.</summary>
    public int MaxKeysPerScope { get; init; } = 100_000;

    /// <summary>Bytes (keys and values, approximately) one namespace of the shared store may hold; past it writes
    /// return LIMIT, so no plugin can exhaust the host's memory through the store. Default 64 MiB.</summary>
    public long MaxBytesPerScope { get; init; } = 64L << 20;

    /// <summary>Consecutive failures after which a filter is disabled, unless the filter sets <c>max_failures</c>. Default 5.</summary>
    public int DefaultMaxFailures { get; init; } = 5;

    /// <summary>Log lines kept in memory for <c>SHOW PLUGIN LOG</c>. Default 1,000.</summary>
    public int LogCapacity { get; init; } = 1000;

    /// <summary>Also receives every log line (e.g. <c>wasql serve</c> prints them to stderr). Called on query threads.</summary>
    public Action<PluginLogEntry>? LogSink { get; init; }

    internal UdfLimits ToUdfLimits() => new()
    {
        Deadline = Deadline,
        FuelPerCall = FuelPerCall,
        MaxMemoryBytes = MaxMemoryBytes,
        MaxInstancesPerModule = MaxInstancesPerPlugin,
        MaxOutputBytes = 4096,
    };
}
