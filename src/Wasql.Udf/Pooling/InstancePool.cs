// The per-module pool of instances shared by all threads: created on demand up to the cap, callers beyond the
// cap wait. An instance that trapped, returned an error or printed output is discarded, never reused.
namespace Wasql.Udf.Pooling;

internal sealed class InstancePool : IDisposable
{
    private readonly UdfModule _module;
    private readonly Stack<PooledInstance> _idle = new();
    private readonly object _lock = new();
    private readonly int _cap;
    private int _live, _peak;
    private long _created, _discarded;
    private bool _disposed;

    public InstancePool(UdfModule module)
    {
        _module = module;
        _cap = module.Runtime.Limits.MaxInstancesPerModule;
    }

    public UdfPoolStats Stats
    {
        get { lock (_lock) return new UdfPoolStats(_live, _idle.Count, _peak, _created, _discarded, _cap); }
    }

    /// <summary>Takes an idle instance, or creates one under the cap, or waits for one to be returned.</summary>
    public PooledInstance Rent(string? function)
    {
        long deadline = Environment.TickCount64 + (long)_module.Runtime.Limits.RentTimeout.TotalMilliseconds;
        lock (_lock)
        {
            while (true)
            {
                if (_disposed) throw new ObjectDisposedException($"UDF module '{_module.Name}'");
                if (_idle.Count > 0)
                {
                    var inst = _idle.Pop();
                    inst.Store.ClearInterrupt();
                    return inst;
                }
                if (_live < _cap)
                {
                    _live++;
                    if (_live > _peak) _peak = _live;
                    break;
                }
                long wait = deadline - Environment.TickCount64;
                if (wait <= 0 || !Monitor.Wait(_lock, (int)Math.Min(wait, int.MaxValue)) && Environment.TickCount64 >= deadline)
                    throw new UdfException(UdfErrorKind.PoolExhausted, function,
                        $"no instance of module '{_module.Name}' became free within {_module.Runtime.Limits.RentTimeout} (cap {_cap})");
            }
        }
        try
        {
            var inst = new PooledInstance(_module);
            Interlocked.Increment(ref _created);
            _module.Runtime.Diagnostics.InstanceCreated();
            return inst;
        }
        catch
        {
            lock (_lock)
            {
                _live--;
                Monitor.Pulse(_lock);
            }
            throw;
        }
    }

    /// <summary>Gives an instance back: kept if healthy, else discarded (freeing a slot under the cap).</summary>
    public void Return(PooledInstance inst)
    {
        inst.InCall = false;
        bool keep = inst.Reusable;
        lock (_lock)
        {
            if (keep && !_disposed)
            {
                _idle.Push(inst);
                Monitor.Pulse(_lock);
                return;
            }
            _live--;
            _discarded += keep ? 0 : 1;
            Monitor.Pulse(_lock);
        }
        Drop(inst);
    }

    /// <summary>Adds an instance created outside <see cref="Rent"/> (the load-time validation instance).</summary>
    public void Seed()
    {
        var inst = Rent(null);
        Return(inst);
    }

    private void Drop(PooledInstance inst)
    {
        _module.Runtime.Watchdog?.Unregister(inst);
        inst.Destroy();
    }

    public void Dispose()
    {
        PooledInstance[] idle;
        lock (_lock)
        {
            _disposed = true;
            idle = _idle.ToArray();
            _idle.Clear();
            _live -= idle.Length;
            Monitor.PulseAll(_lock);
        }
        foreach (var i in idle) Drop(i);
    }
}
