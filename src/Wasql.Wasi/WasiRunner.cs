// Runs a WASI program end to end: store with limits, linker with the WASI imports, instantiate, call `_start`
// (commands) or `_initialize` (reactors), map a proc_exit (WasiExitException) to an exit code, and stop at an optional deadline
// (Store.Interrupt + WasiContext.Cancel). What `wasql run` uses.
using Wasql.Wasm;

namespace Wasql.Wasi;

public sealed class WasiRunOptions
{
    /// <summary>Wall-clock deadline; needs <see cref="EngineConfig.Interruptible"/>. The guest traps with Interrupted.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Fuel budget; needs <see cref="EngineConfig.ConsumeFuel"/>. The guest traps with OutOfFuel. Null: unlimited.</summary>
    public long? Fuel { get; set; }

    /// <summary>Largest linear memory (memory.grow fails past it, so malloc returns NULL).</summary>
    public long? MaxMemoryBytes { get; set; }

    /// <summary>For reactors (modules without `_start`): an export taking and returning nothing to call after `_initialize`.</summary>
    public string? Invoke { get; set; }

    /// <summary>Run the guest on a fresh thread with this much stack (deep guest recursion); null: the calling thread.</summary>
    public int? ThreadStackBytes { get; set; }
}

public sealed class WasiRunResult
{
    /// <summary>The exit status: 0 when `_start` returned, the proc_exit code, or 134 (like SIGABRT) after a trap.</summary>
    public int ExitCode { get; init; }

    /// <summary>The trap that stopped the guest (never a proc_exit), or null.</summary>
    public TrapException? Trap { get; init; }

    /// <summary>The deadline fired (the trap is then Interrupted).</summary>
    public bool TimedOut { get; init; }

    public bool StdoutLimitReached { get; init; }
    public bool StderrLimitReached { get; init; }

    /// <summary>The guest's context (captured stdout/stderr are on it).</summary>
    public required WasiContext Context { get; init; }

    public bool Succeeded => Trap is null && ExitCode == 0;
}

public static class WasiRunner
{
    public const int TrapExitCode = 134;

    /// <summary>Compiles and runs a WASI command (or reactor) module.</summary>
    /// <exception cref="WasmException">the module is malformed or invalid, or an import is not WASI</exception>
    public static WasiRunResult Run(Engine engine, byte[] moduleBytes, WasiConfig config, WasiRunOptions? options = null) =>
        Run(engine, Module.Compile(engine, moduleBytes), config, options);

    public static WasiRunResult Run(Engine engine, Module module, WasiConfig config, WasiRunOptions? options = null)
    {
        options ??= new WasiRunOptions();
        if (options.ThreadStackBytes is not int stack) return RunHere(engine, module, config, options);
        WasiRunResult? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunHere(engine, module, config, options);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, stack) { Name = "wasi-guest", IsBackground = true };
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return result!;
    }

    private static WasiRunResult RunHere(Engine engine, Module module, WasiConfig config, WasiRunOptions options)
    {
        if (options.Timeout is not null && !engine.Config.Interruptible)
            throw new ArgumentException("a timeout needs an engine created with EngineConfig.Interruptible", nameof(options));
        var store = new Store(engine);
        if (options.MaxMemoryBytes is long max) store.Limits.MaxMemoryBytes = max;
        // No fuel given means no fuel limit (a metering engine otherwise starts a store with none).
        if (options.Fuel is long fuel) store.SetFuel(fuel);
        else if (engine.Config.ConsumeFuel) store.SetFuel(long.MaxValue);
        var ctx = config.Build();
        var linker = new Linker(engine);
        ctx.AddTo(linker, store);

        bool timedOut = false;
        using var timer = options.Timeout is TimeSpan t
            ? new Timer(_ =>
            {
                timedOut = true;
                store.Interrupt("deadline exceeded");
                ctx.Cancel();
            }, null, t, Timeout.InfiniteTimeSpan)
            : null;

        int exitCode = 0;
        TrapException? trap = null;
        try
        {
            var instance = linker.Instantiate(store, module);
            if (instance.GetFunction("_start") is { } start)
            {
                start.Invoke();
            }
            else
            {
                instance.GetFunction("_initialize")?.Invoke();
                if (options.Invoke is { } name)
                    (instance.GetFunction(name) ?? throw new KeyNotFoundException($"the module exports no function named '{name}'")).Invoke();
                else if (instance.GetFunction("_initialize") is null)
                    throw new LinkException("the module exports neither _start (command) nor _initialize (reactor)");
            }
        }
        catch (TrapException e) when (WasiExitException.StatusOf(e) is int status)
        {
            exitCode = status;
        }
        catch (TrapException e)
        {
            trap = e;
            exitCode = TrapExitCode;
        }
        finally
        {
            timer?.Dispose();
            ctx.Dispose();
            store.Dispose(); // the program's linear memory goes now, not at the next GC
        }
        return new WasiRunResult
        {
            ExitCode = exitCode,
            Trap = trap,
            TimedOut = timedOut && trap?.Code == TrapCode.Interrupted,
            StdoutLimitReached = ctx.StdoutLimitReached,
            StderrLimitReached = ctx.StderrLimitReached,
            Context = ctx,
        };
    }
}
