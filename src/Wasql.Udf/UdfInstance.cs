// A pooled instance rented by an embedder that calls a module's exports itself (query plugins): calls run under the
// runtime's limits and failures become UdfException; the instance goes back to the pool on Dispose, or is discarded
// if a call failed.
using Wasql.Udf.Pooling;
using Wasql.Wasm;

namespace Wasql.Udf;

/// <summary>One instance of a <see cref="UdfModule"/>, rented with <see cref="UdfModule.Rent"/>. Not thread-safe.</summary>
public sealed class UdfInstance : IDisposable
{
    private readonly InstancePool _pool;
    private PooledInstance? _instance;

    internal UdfInstance(InstancePool pool, PooledInstance instance)
    {
        _pool = pool;
        _instance = instance;
    }

    private PooledInstance Live => _instance ?? throw new ObjectDisposedException(nameof(UdfInstance));

    /// <summary>The instance's store (its <see cref="Store.Data"/> holds what the module's host imports put there).</summary>
    public Store Store => Live.Store;

    /// <summary>The instance's exported memory (null when the module has none).</summary>
    public Memory? Memory => Live.Memory;

    /// <summary>An exported function as a typed delegate (cached per instance), or null when the module lacks it.</summary>
    public T? Export<T>(string name) where T : Delegate =>
        Live.Instance.GetFunction(name) is null ? null : Live.Export<T>(name);

    /// <summary>Runs <paramref name="guestCall"/> (which calls exports) under the per-call limits: fuel refilled, the
    /// deadline clock restarted. A trap, timeout, fuel or memory exhaustion becomes a <see cref="UdfException"/>
    /// naming <paramref name="what"/>, and the instance is discarded when disposed.</summary>
    public T Call<T>(string what, Func<T> guestCall)
    {
        var inst = Live;
        inst.BeginCall();
        try
        {
            var result = guestCall();
            inst.EndCall();
            return result;
        }
        catch (Exception e)
        {
            throw inst.Fail(what, e);
        }
    }

    /// <summary>Call from a host function the guest called (dispose when it returns): its time does not count toward
    /// the guest's deadline. Host functions must be bounded; the guest cannot stretch the time they take.</summary>
    public HostSection EnterHost()
    {
        var inst = Live;
        inst.EnterHost();
        return new HostSection(inst);
    }

    /// <summary>A host function's time, excluded from the guest's deadline until disposed.</summary>
    public readonly struct HostSection : IDisposable
    {
        private readonly PooledInstance? _instance;
        internal HostSection(PooledInstance instance) => _instance = instance;
        public void Dispose() => _instance?.ExitHost();
    }

    /// <summary>Marks the instance unusable (e.g. after a protocol error): it is discarded instead of reused.</summary>
    public void Discard() => Live.Broken = true;

    /// <summary>What the guest wrote to stdout and stderr so far (capped).</summary>
    public (string Stdout, string Stderr) Output => Live.Output;

    /// <summary>Returns the instance to the pool (or discards it after a failure).</summary>
    public void Dispose()
    {
        var inst = Interlocked.Exchange(ref _instance, null);
        if (inst is not null) _pool.Return(inst);
    }
}
