// Engine: compilation settings plus what compiled modules share (canonical signature ids, invoker caches).
using System.Collections.Concurrent;
using Wasql.Wasm.Runtime;

namespace Wasql.Wasm;

public sealed class EngineConfig
{
    /// <summary>Charge fuel per instruction block; a store then traps with OutOfFuel when its fuel runs out.</summary>
    public bool ConsumeFuel { get; set; }

    /// <summary>Emit interruption checks at function entries and loop back-edges (deadlines, cancellation).</summary>
    public bool Interruptible { get; set; }

    /// <summary>Compile guest functions fully optimized at first call (no tier-0 phase).</summary>
    public bool OptimizeImmediately { get; set; } = true;

    /// <summary>
    /// Keep every wasm function a separate native frame so trap backtraces list every function. Off by
    /// default: the JIT then inlines small functions into their callers, which is faster, and their
    /// frames merge into the caller's in backtraces.
    /// </summary>
    public bool PreciseBacktraces { get; set; }

    /// <summary>
    /// Estimated IL cost above which a function is split into several methods, so that RyuJIT keeps
    /// optimizing it (it gives up on methods past about 20,000 IL instructions or 2,000 blocks). 0 disables.
    /// </summary>
    public int FunctionSplitBudget { get; set; } = 12_000;

    /// <summary>Stack bytes kept free below guest frames for the host (exception dispatch, JIT, host calls).</summary>
    public int StackReserveBytes { get; set; } = 512 * 1024;

    /// <summary>Largest guest stack depth in bytes; guest recursion beyond it traps with StackExhausted.</summary>
    public int MaxGuestStackBytes { get; set; } = 4 * 1024 * 1024;
}

public sealed class Engine
{
    public EngineConfig Config { get; }
    internal TypeRegistry Types { get; } = new();
    internal ConcurrentDictionary<(Type, int), Delegate> TypedInvokers { get; } = new();

    public Engine(EngineConfig? config = null) => Config = config ?? new EngineConfig();
}
