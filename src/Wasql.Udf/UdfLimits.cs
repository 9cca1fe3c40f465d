// Per-call resource limits of the UDF runtime (CPU time as a deadline or fuel, memory, captured output)
// and the instance pool cap. Fixed when the UdfRuntime is created: the engine compiles the checks in.
namespace Wasql.Udf;

/// <summary>Resource limits applied to every UDF call. Defaults stop a runaway UDF within about a second
/// and cap each instance's linear memory at 256 MiB.</summary>
public sealed class UdfLimits
{
    /// <summary>Wall-clock time one call may run (a scalar batch, one table-iterator step, or one direct row).
    /// Past it the guest is interrupted and the call fails with <see cref="UdfErrorKind.Timeout"/>.
    /// Null disables the deadline (and the interruption checks compiled into guest code). Default 1 s.</summary>
    public TimeSpan? Deadline { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Fuel (roughly, wasm instructions) granted to each call; past it the call fails with
    /// <see cref="UdfErrorKind.OutOfFuel"/>. Null (default) disables fuel metering, which costs some speed.</summary>
    public long? FuelPerCall { get; init; }

    /// <summary>Largest linear memory of one instance, in bytes (memory.grow fails past it). Default 256 MiB.</summary>
    public long MaxMemoryBytes { get; init; } = 256L << 20;

    /// <summary>Bytes of stdout and of stderr captured per call (each); further writes fail in the guest.
    /// The captured text is appended to errors. Default 4096.</summary>
    public int MaxOutputBytes { get; init; } = 4096;

    /// <summary>Most instances one module may have alive at once (its pool cap). Callers beyond it wait.
    /// Default: twice the processor count, at least 2.</summary>
    public int MaxInstancesPerModule { get; init; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>How long a call waits for a free instance when the pool is at its cap before failing
    /// with <see cref="UdfErrorKind.PoolExhausted"/>. Default 30 s.</summary>
    public TimeSpan RentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The defaults described on each property.</summary>
    public static UdfLimits Default { get; } = new();
}
