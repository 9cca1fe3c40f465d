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

    /// <summary>
    /// Marks every guest function AggressiveOptimization, so that even functions past RyuJIT's size limits are compiled
    /// fully optimized. Off by default: RyuJIT then compiles those few huge functions (SQLite's VDBE loop, 150 KB of IL)
    /// with MinOpts instead, which halves the start-up of big programs (SQLite's first run: 2.1 s instead of 4.2 s).
    /// Every other function is compiled fully optimized on its first call either way (collectible code is not tiered;
    /// see <see cref="CollectibleCode"/>).
    /// </summary>
    public bool OptimizeImmediately { get; set; }

    /// <summary>
    /// After compiling a module, have a background thread JIT its functions ahead of their first call, so a
    /// big program does not pay for RyuJIT on its critical path (SQLite's first run: about 30% faster on two
    /// cores). Off by default: it spends a core on functions that may never run; `wasql run` turns it on. Not done for a
    /// module the engine tiers (<see cref="BaselineTier"/>), which compiles callees ahead of their first call instead.
    /// </summary>
    public bool PrecompileInBackground { get; set; }

    /// <summary>
    /// True (default): each module's code lives in a collectible assembly that is unloaded when the module is no longer
    /// referenced, as a long-running host that loads and replaces modules needs. .NET never tiers collectible code: every
    /// function is compiled fully optimized on its first call, which for a big module is most of its start-up time.
    /// False: the code stays loaded for the life of the process, and a module of at least
    /// <see cref="TieredCodeThreshold"/> bytes of code is left to .NET's tiered compilation (a quick first JIT, hot code
    /// recompiled in the background, on-stack replacement for long loops). That pays off only when hot code is promoted
    /// at once (runtime option <c>System.Runtime.TieredCompilation.CallCountingDelayMs=0</c>, which the embedder sets
    /// for its process): SQLite's first run in wasm then takes ~740 ms instead of ~900 ms, but the option itself costs a
    /// small program ~40 ms of start-up, so <c>wasql run</c> keeps the default (bench/RESULTS.md, "WASI programs").
    /// </summary>
    public bool CollectibleCode { get; set; } = true;

    /// <summary>Modules with at least this many bytes of function bodies are tiered (by the engine, see
    /// <see cref="BaselineTier"/>, or by .NET when <see cref="CollectibleCode"/> is off); smaller ones are compiled fully
    /// optimized on each function's first call (their JIT is cheap, and tiering's warm-up would cost more than it saves).
    /// Default 256 KiB: SQLite (925 KB) is tiered, small programs are not.</summary>
    public int TieredCodeThreshold { get; set; } = 256 * 1024;

    /// <summary>
    /// True (default): a module of at least <see cref="TieredCodeThreshold"/> bytes of code starts with baseline code
    /// (RyuJIT MinOpts: about four times cheaper to compile, slower to run), and each function is compiled again fully
    /// optimized after <see cref="TierUpCalls"/> calls, or as many loop iterations in one call. Most of a big program's functions run a few
    /// times and never pay for full optimization. Ignored with <see cref="OptimizeImmediately"/> or when
    /// <see cref="CollectibleCode"/> is off (.NET tiers that code itself).
    /// </summary>
    public bool BaselineTier { get; set; } = true;

    /// <summary>Functions whose wasm body has at most this many bytes are marked AggressiveInlining (RyuJIT's own
    /// heuristics rarely inline them, because the prologue makes their IL look bigger than their work: alloc_trees runs
    /// 7-10% faster) and skip the baseline tier (their optimized code is cheap to compile). Default 100; 0 turns both off.
    /// Ignored with <see cref="PreciseBacktraces"/>.</summary>
    public int InlineFunctionBytes { get; set; } = 100;

    /// <summary>Calls, or loop iterations within one call, after which a baseline function is recompiled optimized
    /// (in the background by default; until then its calls keep running the baseline).</summary>
    public int TierUpCalls { get; set; } = 3000;

    /// <summary>True (default): hot functions are recompiled on a thread-pool thread while the guest keeps running
    /// their baseline code, and a function's callees are compiled ahead on its first call. False: on the calling
    /// thread, at once (deterministic; tests), and nothing ahead.</summary>
    public bool TierUpInBackground { get; set; } = true;

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

    /// <summary>
    /// Outline what fits the budget even when the rest of the function stays too big to optimize. Off by
    /// default: such a function is left whole, because its region calls only add overhead (measured on
    /// SQLite's VDBE loop). Tests turn it on to exercise outlining on small functions.
    /// </summary>
    public bool SplitPartially { get; set; }

    /// <summary>Stack bytes kept free below guest frames for the host (exception dispatch, JIT, host calls).</summary>
    public int StackReserveBytes { get; set; } = 512 * 1024;

    /// <summary>Largest guest stack depth in bytes; guest recursion beyond it traps with StackExhausted.</summary>
    public int MaxGuestStackBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// A directory for compiled code (null, the default: no cache). <see cref="Module.Compile"/> then saves each module's
    /// generated assemblies there, keyed by the module's SHA-256, the engine build and the settings above, and a later
    /// process with the same engine loads them instead of validating and compiling the module again
    /// (<see cref="Module.LoadedFromCache"/>). Entries are authenticated with <see cref="CacheSecret"/>: one that is
    /// corrupt, stale or not written with the secret is ignored and rewritten.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// The key (32+ random bytes) that authenticates cache entries with HMAC-SHA256, so that whoever can write the cache
    /// directory cannot make the engine run code of their own. Null (default): a per-user key created on first use in
    /// the user's local data directory (<c>~/.local/share/wasql/module-cache.key</c>, owner-only; a key file others can
    /// read turns the cache off).
    /// </summary>
    public byte[]? CacheSecret { get; set; }
}

/// <summary>Compiles modules and owns what they share (type ids, the module cache). Dispose it after its modules and
/// stores: compiling with a disposed engine throws <see cref="ObjectDisposedException"/>.</summary>
public sealed class Engine : IDisposable
{
    private volatile bool _disposed;

    /// <summary>True after <see cref="Dispose"/>.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Refuses further compilation and drops the engine's shared caches (typed invokers); modules and
    /// instances made before keep working.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        TypedInvokers.Clear();
    }

    public EngineConfig Config { get; }
    internal TypeRegistry Types { get; } = new();
    internal ConcurrentDictionary<(Type, int), Delegate> TypedInvokers { get; } = new();
    private readonly Lazy<Caching.ModuleCache?> _cache;

    public Engine(EngineConfig? config = null)
    {
        Config = config ?? new EngineConfig();
        _cache = new Lazy<Caching.ModuleCache?>(() => Caching.ModuleCache.Open(Config));
    }

    /// <summary>The compiled-module cache (<see cref="EngineConfig.CacheDirectory"/>), null when off or unusable.</summary>
    internal Caching.ModuleCache? Cache => _cache.Value;
}
