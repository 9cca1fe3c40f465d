// What generated host trampolines (Compilation/HostTrampolines.cs) call.
using System.ComponentModel;
using Wasql.Wasm.Compilation;

namespace Wasql.Wasm.Vm;

/// <summary>Called by generated trampolines (public for that reason).</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class HostCalls
{
    /// <summary>Runs an untyped host callback and checks it produced results of the declared types.</summary>
    public static void InvokeCallback(object target, Value[] args, Value[] results)
    {
        var h = (HostTarget)target;
        ((HostCallback)h.Callback)(h.CallerOrEmpty, args, results);
        for (int i = 0; i < results.Length; i++)
            if (results[i].Type != h.Type.Results[i])
                throw new TrapException(TrapCode.HostError, $"host function returned {results[i].Type.Name()} for result {i}, expected {h.Type.Results[i].Name()}");
    }
}

/// <summary>The target object of host functions: the user's delegate and the caller it is bound to.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class HostTarget(Delegate callback, Caller? caller, FuncType type)
{
    public readonly Delegate Callback = callback;
    public readonly Caller? Caller = caller;
    public readonly FuncType Type = type;
    public Caller CallerOrEmpty => Caller ?? Caller.None;
}
