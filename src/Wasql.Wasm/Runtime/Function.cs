// Function references: a (target, code pointer, signature id) triple that generated code calls with
// `calli`. Wasm functions target their instance's VmContext; host functions target a HostTarget.
using System.ComponentModel;
using Wasql.Wasm.Compilation;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm;

/// <summary>Untyped host function: read <paramref name="args"/>, write every slot of <paramref name="results"/>.</summary>
public delegate void HostCallback(Caller caller, ReadOnlySpan<Value> args, Span<Value> results);

public sealed class Function : Extern
{
    /// <summary>First hidden argument of <see cref="Code"/>: a VmContext or a HostTarget.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)] public readonly object Target;
    /// <summary>Entry point with the internal calling convention (params..., target, byref extra results...). Changes
    /// once for a function of a tiered module, from its baseline to its optimized code (TierState).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)] public nint Code;
    /// <summary>The engine-wide canonical id of <see cref="Type"/>, compared by call_indirect.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)] public readonly int TypeId;

    public FuncType Type { get; }
    public Store Store { get; }
    /// <summary>A name for backtraces and errors.</summary>
    public string Name { get; }
    public override ExternKind Kind => ExternKind.Func;

    internal Function(Store store, FuncType type, object target, nint code, string name)
    {
        Store = store;
        Type = type;
        Target = target;
        Code = code;
        Name = name;
        TypeId = store.Engine.Types.IdOf(type);
    }

    /// <summary>A host function taking and returning untyped values.</summary>
    public static Function Create(Store store, FuncType type, HostCallback callback, string name = "host") =>
        new(store, type, new HostTarget(callback, null, type), HostTrampolines.ForCallback(type), name);

    /// <summary>
    /// A host function from a typed delegate. Parameters map int/long/float/double to i32/i64/f32/f64 and
    /// object to externref, Function to funcref; an optional first <see cref="Caller"/> parameter gives access to
    /// the calling instance. Multiple results use a ValueTuple return type.
    /// </summary>
    public static Function Wrap(Store store, Delegate callback, string name = "host")
    {
        var (type, code) = HostTrampolines.ForDelegate(callback.GetType());
        return new(store, type, new HostTarget(callback, null, type), code, name);
    }

    /// <summary>The same host function with <see cref="Caller"/> bound to the importing instance.</summary>
    internal Function BindCaller(Instance instance) =>
        Target is HostTarget h ? new Function(Store, Type, new HostTarget(h.Callback, new Caller(Store, instance), h.Type), Code, Name) : this;

    /// <summary>Calls the function with untyped arguments (checked against the signature).</summary>
    public Value[] Invoke(params Value[] args)
    {
        if (args.Length != Type.Params.Length)
            throw new ArgumentException($"{Name} expects {Type.Params.Length} arguments ({Type}), got {args.Length}");
        for (int i = 0; i < args.Length; i++)
            if (args[i].Type != Type.Params[i])
                throw new ArgumentException($"argument {i} of {Name} must be {Type.Params[i].Name()}, got {args[i].Type.Name()}");
        var results = new Value[Type.Results.Length];
        Invokers.Untyped(Type)(this, args, results);
        return results;
    }

    /// <summary>
    /// A typed delegate (Func&lt;...&gt; or Action&lt;...&gt;) that calls the function without boxing. The delegate's
    /// signature must match: int/long/float/double for i32/i64/f32/f64.
    /// </summary>
    public TDelegate AsDelegate<TDelegate>() where TDelegate : Delegate =>
        (TDelegate)Invokers.Typed(Store.Engine, typeof(TDelegate), Type).CreateDelegate(typeof(TDelegate), this);

    /// <summary>Prepares the store for guest code entered from the host on this thread.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void EnterFromHost() => Store.Exec.Enter();

    public override string ToString() => $"{Name}: {Type}";
}

/// <summary>What a host function sees of its caller: the store and the calling instance's exports.</summary>
public sealed class Caller
{
    internal static readonly Caller None = new(null, null);

    public Store? Store { get; }
    public Instance? Instance { get; }

    internal Caller(Store? store, Instance? instance)
    {
        Store = store;
        Instance = instance;
    }

    /// <summary>The calling instance's exported memory (by default "memory").</summary>
    public Memory? GetMemory(string name = "memory") => Instance?.GetMemory(name) ?? Instance?.DefaultMemory;

    public Function? GetFunction(string name) => Instance?.GetFunction(name);
}
