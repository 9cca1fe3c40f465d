// The instance a DirectSession holds, with the raw typed export cached for it. After a failure the slot
// discards the instance and rents a fresh one, so the session and its delegates keep working.
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
    public Delegate Inner;

    public InstanceSlot(InstancePool pool, DirectShape shape, PooledInstance instance)
    {
        _pool = pool;
        _shape = shape;
        Instance = instance;
        Inner = InnerFor(instance, shape);
    }

    public string Name => _shape.ExportName;

    public static Delegate InnerFor(PooledInstance inst, DirectShape shape) =>
        (Delegate)inst.Cached("direct:" + shape.ExportName, i =>
        {
            var fn = i.Instance.GetFunction(shape.ExportName)!;
            return typeof(Function).GetMethod(nameof(Function.AsDelegate))!.MakeGenericMethod(shape.InnerDelegateType).Invoke(fn, null)!;
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
