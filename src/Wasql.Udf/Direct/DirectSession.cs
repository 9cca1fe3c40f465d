// One pinned instance serving a direct function for a loop of rows on one thread. Typed delegates made here
// call the guest with only a call counter, a trap handler and argument conversions around the wasm call.
using Wasql.Udf.Pooling;

namespace Wasql.Udf;

/// <summary>A direct function bound to one pooled instance; not thread-safe. Dispose returns the instance.
/// After a trap the session swaps in a fresh instance, so it (and delegates made from it) keep working.</summary>
public sealed class DirectSession : IDisposable
{
    internal DirectSession(DirectFunction function, PooledInstance instance)
    {
        Function = function;
        Slot = new Wasql.Udf.Direct.InstanceSlot(function.Module.Pool, function.Shape, instance);
        function.Module.Runtime.Diagnostics.SessionOpened();
    }

    /// <summary>True while the session holds an instance (between creation or <see cref="Resume"/> and Dispose/<see cref="Suspend"/>).</summary>
    public bool Held => Slot.Held;

    /// <summary>Lends the instance back to the pool; the session and its delegates stay valid for <see cref="Resume"/>.</summary>
    public void Suspend() => Slot.Release();

    /// <summary>Rents an instance again after <see cref="Suspend"/>; delegates made earlier call the new instance.</summary>
    public void Resume() => Slot.Acquire();

    internal Wasql.Udf.Direct.InstanceSlot Slot { get; }

    /// <summary>The function served.</summary>
    public DirectFunction Function { get; }

    /// <summary>Calls the function on one row (see <see cref="DirectFunction.Invoke(ReadOnlySpan{object})"/>).</summary>
    public object? Invoke(ReadOnlySpan<object?> args) =>
        Slot.Held ? Wasql.Udf.Direct.DirectInvoker.Invoke(Function, Slot, args)
                  : throw new InvalidOperationException($"the session of {Function.ExportName} holds no instance (suspended, disposed, or no fresh instance after a failure): Resume it first");

    /// <summary>Same as <see cref="Invoke(ReadOnlySpan{object})"/> with a params array.</summary>
    public object? Invoke(params object?[] args) => Invoke((ReadOnlySpan<object?>)args);

    /// <summary>A typed delegate bound to this session, calling whatever instance the session holds: call it only while
    /// <see cref="Held"/> (numeric signatures only; see
    /// <see cref="DirectFunction.CreateDelegate{TDelegate}"/> for the accepted types). Valid until the session is disposed.</summary>
    public TDelegate CreateDelegate<TDelegate>() where TDelegate : Delegate => Wasql.Udf.Direct.DirectDelegates.ForSession<TDelegate>(this);

    /// <summary>Returns the instance to the pool (or discards it if it failed).</summary>
    public void Dispose() => Slot.Release();
}
