// One instance of a module with its own Store, WASI context (no grants, capped captured stdout/stderr) and cached
// typed exports. Owns per-call bookkeeping (fuel, deadline counter) and turns guest failures into UdfException.
using System.Diagnostics;
using Wasql.Wasi;
using Wasql.Wasm;

namespace Wasql.Udf.Pooling;

internal sealed class PooledInstance
{
    private readonly long? _fuel;
    private readonly long _memoryCap;
    private readonly Dictionary<string, object> _exportCache = [];

    /// <summary>Incremented at every call start; the watchdog sees a call that keeps the same value past the deadline.</summary>
    public long CallSeq;
    /// <summary>True while guest code runs for a call.</summary>
    public volatile bool InCall;
    /// <summary>The running call is the first of its function in this module: code is still being JIT-compiled,
    /// so the watchdog grants 10x the deadline (at least 10 s).</summary>
    public volatile bool Cold;
    /// <summary>The CPU clock of the thread running the current call (<see cref="ThreadCpuClock.None"/>: none, wall time
    /// is used). The deadline counts the guest's own CPU time, so load on the machine does not use it up.</summary>
    public volatile int CpuClock = ThreadCpuClock.None;
    /// <summary>Time the current call spent in the embedder's host functions, on the deadline's clock (CPU or wall, ns)
    /// and on the wall (Stopwatch ticks): not the guest's, so the watchdog subtracts it (a host function JIT-compiled on
    /// its first call must not use up the guest's deadline). Host functions are bounded; the guest cannot stretch them.</summary>
    public long HostClockNs, HostWallTicks;
    /// <summary>When the running host function was entered (deadline clock ns, wall ticks), or 0 when the guest runs.</summary>
    public long HostEnteredClockNs, HostEnteredWall;
    /// <summary>Set after a trap or guest error: the pool discards the instance instead of reusing it.</summary>
    public bool Broken;
    /// <summary>Where arrow-udf calls encode their input IPC before copying it into guest memory: reused by every call
    /// on this instance, so a warm call allocates no encoding buffer.</summary>
    public MemoryStream IpcScratch { get; } = new();

    public Store Store { get; }
    public Instance Instance { get; }
    public WasiContext Wasi { get; }
    public WasiOutput Stdout { get; }
    public WasiOutput Stderr { get; }
    /// <summary>The module's linear memory; null for a module without one (sdk/DIRECT_ABI.md: only modules passing
    /// text/bytea need a memory, and DirectShape.Check requires it at bind time for those).</summary>
    public Memory? Memory { get; }

    public PooledInstance(UdfModule module)
    {
        var runtime = module.Runtime;
        var limits = runtime.Limits;
        _fuel = limits.FuelPerCall;
        _memoryCap = limits.MaxMemoryBytes;
        Store = new Store(runtime.Engine);
        Store.Limits.MaxMemoryBytes = limits.MaxMemoryBytes;
        Stdout = WasiOutput.Capture(limits.MaxOutputBytes);
        Stderr = WasiOutput.Capture(limits.MaxOutputBytes);
        Wasi = new WasiConfig().WithStdout(Stdout).WithStderr(Stderr).Build();
        var linker = new Linker(runtime.Engine);
        Wasi.AddTo(linker, Store);
        module.HostImports?.Invoke(linker, Store);
        runtime.Watchdog?.Register(this);
        try
        {
            Cold = true;
            BeginCall();
            try
            {
                Instance = linker.Instantiate(Store, module.Compiled);
                Instance.GetFunction("_initialize")?.Invoke();
            }
            finally
            {
                EndCall();
                Cold = false;
            }
            Memory = Instance.GetMemory("memory") ?? Instance.DefaultMemory;
        }
        catch (UdfException)
        {
            runtime.Watchdog?.Unregister(this);
            throw;
        }
        catch (Exception e)
        {
            runtime.Watchdog?.Unregister(this);
            if (e is LinkException or ResourceLimitException)
                throw new UdfException(UdfErrorKind.InvalidModule, null, $"cannot instantiate module '{module.Name}': {e.Message}", inner: e);
            throw Fail(null, e);
        }
    }

    /// <summary>Marks the start of a guest call (fuel refill, deadline counter).</summary>
    public void BeginCall()
    {
        if (_fuel is long f) Store.SetFuel(f);
        CpuClock = ThreadCpuClock.Current;
        Volatile.Write(ref HostClockNs, 0);
        Volatile.Write(ref HostWallTicks, 0);
        Volatile.Write(ref HostEnteredClockNs, 0);
        Volatile.Write(ref HostEnteredWall, 0);
        CallSeq++;
        InCall = true;
    }

    public void EndCall() => InCall = false;

    /// <summary>Now on the deadline's clock, in ns: the running thread's CPU time, or wall time without a CPU clock;
    /// -1 when it cannot be read (the thread ended).</summary>
    public long ClockNs() => CpuClock != ThreadCpuClock.None
        ? ThreadCpuClock.Nanoseconds(CpuClock)
        : (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    /// <summary>The guest called a host function: its time is not the guest's.</summary>
    public void EnterHost()
    {
        Volatile.Write(ref HostEnteredClockNs, ClockNs());
        Volatile.Write(ref HostEnteredWall, Stopwatch.GetTimestamp());
    }

    /// <summary>The host function returned to the guest.</summary>
    public void ExitHost()
    {
        long clock = Volatile.Read(ref HostEnteredClockNs), wall = Volatile.Read(ref HostEnteredWall);
        if (wall == 0) return;
        long nowClock = ClockNs();
        if (clock > 0 && nowClock > clock) Volatile.Write(ref HostClockNs, Volatile.Read(ref HostClockNs) + nowClock - clock);
        Volatile.Write(ref HostWallTicks, Volatile.Read(ref HostWallTicks) + Stopwatch.GetTimestamp() - wall);
        Volatile.Write(ref HostEnteredWall, 0);
        Volatile.Write(ref HostEnteredClockNs, 0);
    }

    /// <summary>Host time of the current call on the deadline's clock up to <paramref name="nowClock"/>, and on the wall up
    /// to <paramref name="nowWall"/>, including a host function still running.</summary>
    public (long ClockNs, long WallTicks) HostTimeAt(long nowClock, long nowWall)
    {
        long enteredClock = Volatile.Read(ref HostEnteredClockNs), enteredWall = Volatile.Read(ref HostEnteredWall);
        return (Volatile.Read(ref HostClockNs) + (enteredClock > 0 && nowClock > enteredClock ? nowClock - enteredClock : 0),
                Volatile.Read(ref HostWallTicks) + (enteredWall != 0 && nowWall > enteredWall ? nowWall - enteredWall : 0));
    }

    /// <summary>An export as a typed delegate, created once per instance.</summary>
    public T Export<T>(string name) where T : Delegate
    {
        if (_exportCache.TryGetValue(name, out var d) && d is T t) return t;
        var fn = Instance.GetFunction(name) ?? throw new UdfException(UdfErrorKind.InvalidModule, name, $"export '{name}' not found");
        t = fn.AsDelegate<T>();
        _exportCache[name] = t;
        return t;
    }

    /// <summary>A cached per-instance object built by <paramref name="create"/> (e.g. a direct function's typed export).</summary>
    public object Cached(string key, Func<PooledInstance, object> create)
    {
        if (!_exportCache.TryGetValue(key, out var o)) _exportCache[key] = o = create(this);
        return o;
    }

    /// <summary>True when this instance may serve another call: not broken, and its stdio captures are empty
    /// (the captures count bytes for the instance's life, so an instance that printed is retired to keep the
    /// per-call output cap exact).</summary>
    public bool Reusable => !Broken && Stdout.BytesWritten == 0 && Stderr.BytesWritten == 0;

    /// <summary>Marks the instance broken and builds the UdfException for <paramref name="e"/> (trap, timeout, fuel...).</summary>
    public UdfException Fail(string? function, Exception e, int? row = null)
    {
        Broken = true;
        InCall = false;
        if (e is UdfException u) return u;
        string stdout = Stdout.GetText(), stderr = Stderr.GetText();
        if (e is TrapException t)
        {
            var kind = t.Code switch
            {
                TrapCode.OutOfFuel => UdfErrorKind.OutOfFuel,
                TrapCode.Interrupted => UdfErrorKind.Timeout,
                _ when NearMemoryCap() => UdfErrorKind.OutOfMemory,
                _ => UdfErrorKind.Trap,
            };
            string cause = kind switch
            {
                UdfErrorKind.OutOfMemory => $"{t.Message} (linear memory at its cap of {_memoryCap} bytes)",
                _ => t.Message,
            };
            if (Wasql.Wasi.WasiExitException.StatusOf(t) is int status) cause = $"the guest exited (proc_exit {status})";
            else if (t.Code == TrapCode.Unreachable && GuestMessage() is { } message) cause = message;
            return new UdfException(kind, function, cause, row, t.Code, t.Backtrace, stdout, stderr, t);
        }
        if (e is ResourceLimitException)
            return new UdfException(UdfErrorKind.OutOfMemory, function, e.Message, row, null, null, stdout, stderr, e);
        return new UdfException(UdfErrorKind.Protocol, function, $"{e.GetType().Name}: {e.Message}", row, null, null, stdout, stderr, e);
    }

    /// <summary>Longest guest error message kept (a hostile guest cannot make the host copy more).</summary>
    private const int MaxGuestMessageBytes = 16 << 10;

    /// <summary>After an <c>unreachable</c> trap (a Rust panic, an Err turned into a trap, C's abort), the message the
    /// guest left for it through the optional <c>wasql_error() -> i64</c> export (sdk/DIRECT_ABI.md), or null. The
    /// call runs under the usual limits; anything wrong with it (no export, a trap, bad UTF-8) just means no message.</summary>
    private string? GuestMessage()
    {
        if (Instance.GetFunction(DirectExports.LastError) is not { } fn || Memory is not { } memory) return null;
        try
        {
            var get = fn.AsDelegate<Func<long>>();
            BeginCall();
            long packed = get();
            EndCall();
            uint ptr = (uint)((ulong)packed >> 32), len = (uint)packed;
            if (packed == 0 || len == 0 || (ulong)ptr + len > (ulong)memory.Length) return null;
            return System.Text.Encoding.UTF8.GetString(memory.GetSpan(ptr, (int)Math.Min(len, MaxGuestMessageBytes)));
        }
        catch (Exception e) when (e is WasmException or ArgumentException)
        {
            return null;
        }
        finally { InCall = false; }
    }

    /// <summary>Current captured output (for errors that are not traps, e.g. rc != 0).</summary>
    public (string Stdout, string Stderr) Output => (Stdout.GetText(), Stderr.GetText());

    private bool NearMemoryCap() => Memory is { } m && m.Length + Wasql.Wasm.Memory.PageSize * 16L > _memoryCap;

    /// <summary>Frees the instance at once (its linear memory too); only called when no call is running on it.</summary>
    public void Destroy()
    {
        try { Wasi.Dispose(); } catch (ObjectDisposedException) { }
        Store.Dispose();
    }
}
