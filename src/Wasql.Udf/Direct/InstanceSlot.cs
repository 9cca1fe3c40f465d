// The instance a DirectSession holds, with the raw typed export cached for it. After a failure the slot
// discards the instance and rents a fresh one, so the session and its delegates keep working. A released slot can
// be acquired again (a fresh rent): a connection keeps one session and its compiled delegates across statements
// and only lends the instance back to the pool between them.
using Wasql.Udf.Pooling;
using Wasql.Wasm;

namespace Wasql.Udf.Direct;

internal sealed class InstanceSlot
{
    private readonly InstancePool _pool;
    private readonly DirectShape _shape;
    private bool _released;

    /// <summary>The current instance (read by generated delegates on every call).</summary>
    public PooledInstance Instance;
    /// <summary>The raw export of <see cref="Instance"/> as <see cref="DirectShape.InnerDelegateType"/>.</summary>
    public Delegate? Inner;

    public InstanceSlot(InstancePool pool, DirectShape shape, PooledInstance instance)
    {
        _pool = pool;
        _shape = shape;
        Instance = instance;
        Inner = InnerFor(instance, shape);
    }

    public string Name => _shape.ExportName;

    /// <summary>True while the slot holds a rented instance (the delegates may call it).</summary>
    public bool Held => !_released;

    /// <summary>Rents an instance again after <see cref="Release"/> (no-op while held).</summary>
    public void Acquire()
    {
        if (!_released) return;
        var inst = _pool.Rent(_shape.ExportName);
        Instance = inst;
        Inner = InnerFor(inst, _shape);
        _released = false;
    }

    public static Delegate? InnerFor(PooledInstance inst, DirectShape shape) => shape.InnerDelegateType is null ? null :
        (Delegate)inst.Cached(shape.CacheKey, i =>
        {
            var fn = i.Instance.GetFunction(shape.ExportName)!;
            return typeof(Function).GetMethod(nameof(Function.AsDelegate))!.MakeGenericMethod(shape.InnerDelegateType!).Invoke(fn, null)!;
        });

    /// <summary>Turns a guest failure into a UdfException, discards the instance and swaps in a fresh one.</summary>
    public UdfException Fail(Exception e)
    {
        var old = Instance;
        var err = old.Fail(_shape.ExportName, e);
        if (_released) return err;
        _pool.Return(old);
        try
        {
            Instance = _pool.Rent(_shape.ExportName);
            Inner = InnerFor(Instance, _shape);
        }
        catch (UdfException)
        {
            // Keep the broken one: the next call fails again and retries the swap. Do not return it twice.
            _released = true;
        }
        return err;
    }

    public void Release()
    {
        if (_released) return;
        _released = true;
        _pool.Return(Instance);
    }
}
