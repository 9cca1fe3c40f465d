// Adapters that let compiled code call host functions with the internal calling convention
// (params..., target, byref extra results). One trampoline per delegate type or signature, kept alive
// for the process (non-collectible) because compiled code holds raw pointers to them.
using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal static class HostTrampolines
{
    private static readonly ModuleBuilder s_module =
        AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("wasql_host_trampolines"), AssemblyBuilderAccess.Run)
            .DefineDynamicModule("wasql_host_trampolines");
    private static readonly object s_lock = new();
    private static int s_count;

    private static readonly ConcurrentDictionary<FuncType, nint> s_callbacks = new();
    private static readonly ConcurrentDictionary<Type, (FuncType, nint)> s_delegates = new();
    private static readonly List<Type> s_keepAlive = [];

    private static readonly FieldInfo s_callback = typeof(HostTarget).GetField(nameof(HostTarget.Callback))!;
    private static readonly MethodInfo s_callerOrEmpty = typeof(HostTarget).GetProperty(nameof(HostTarget.CallerOrEmpty))!.GetMethod!;

    public static nint ForCallback(FuncType type) => s_callbacks.GetOrAdd(type, t => Build(t, il => EmitCallbackBody(il, t)));

    public static (FuncType Type, nint Code) ForDelegate(Type delegateType) => s_delegates.GetOrAdd(delegateType, BuildForDelegate);

    /// <summary>Maps a delegate signature to a wasm function type.</summary>
    public static (FuncType Type, bool WantsCaller) SignatureOf(Type delegateType)
    {
        var invoke = delegateType.GetMethod("Invoke") ?? throw new ArgumentException($"{delegateType} is not a delegate type");
        var ps = invoke.GetParameters().Select(p => p.ParameterType).ToList();
        bool wantsCaller = ps.Count > 0 && ps[0] == typeof(Caller);
        if (wantsCaller) ps.RemoveAt(0);
        var parameters = ps.Select(p => ToValType(p, delegateType)).ToArray();
        var ret = invoke.ReturnType;
        ValType[] results;
        if (ret == typeof(void)) results = [];
        else if (ret.IsGenericType && ret.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
            results = ret.GetGenericArguments().Select(p => ToValType(p, delegateType)).ToArray();
        else results = [ToValType(ret, delegateType)];
        return (new FuncType(parameters, results), wantsCaller);
    }

    private static ValType ToValType(Type t, Type owner) =>
        t == typeof(int) ? ValType.I32 :
        t == typeof(long) ? ValType.I64 :
        t == typeof(float) ? ValType.F32 :
        t == typeof(double) ? ValType.F64 :
        t == typeof(Vector128<byte>) ? ValType.V128 :
        t == typeof(Function) ? ValType.FuncRef :
        t == typeof(object) ? ValType.ExternRef :
        throw new ArgumentException($"host function {owner.Name}: type {t.Name} has no wasm equivalent (use int, long, float, double, object or Function)");

    private static (FuncType, nint) BuildForDelegate(Type delegateType)
    {
        var (type, wantsCaller) = SignatureOf(delegateType);
        var invoke = delegateType.GetMethod("Invoke")!;
        nint code = Build(type, il =>
        {
            int target = type.Params.Length;
            il.Emit(OpCodes.Ldarg, (short)target);
            il.Emit(OpCodes.Ldfld, s_callback);
            il.Emit(OpCodes.Castclass, delegateType);
            if (wantsCaller)
            {
                il.Emit(OpCodes.Ldarg, (short)target);
                il.Emit(OpCodes.Call, s_callerOrEmpty);
            }
            for (int i = 0; i < type.Params.Length; i++) il.Emit(OpCodes.Ldarg, (short)i);
            il.Emit(OpCodes.Callvirt, invoke);
            if (type.Results.Length > 1)
            {
                var tuple = il.DeclareLocal(invoke.ReturnType);
                il.Emit(OpCodes.Stloc, tuple);
                for (int k = 1; k < type.Results.Length; k++)
                {
                    il.Emit(OpCodes.Ldarg, (short)(target + k));
                    il.Emit(OpCodes.Ldloca, tuple);
                    il.Emit(OpCodes.Ldfld, TupleField(invoke.ReturnType, k));
                    il.Emit(OpCodes.Stobj, ClrTypes.Of(type.Results[k]));
                }
                il.Emit(OpCodes.Ldloca, tuple);
                il.Emit(OpCodes.Ldfld, TupleField(invoke.ReturnType, 0));
            }
            il.Emit(OpCodes.Ret);
        });
        return (type, code);
    }

    private static FieldInfo TupleField(Type tuple, int index)
    {
        if (index >= 7) throw new ArgumentException("host functions may return at most 7 results through a ValueTuple");
        return tuple.GetField("Item" + (index + 1))!;
    }

    private static void EmitCallbackBody(ILGenerator il, FuncType type)
    {
        int target = type.Params.Length;
        var args = il.DeclareLocal(typeof(Value[]));
        var results = il.DeclareLocal(typeof(Value[]));
        il.Emit(OpCodes.Ldc_I4, type.Params.Length);
        il.Emit(OpCodes.Newarr, typeof(Value));
        il.Emit(OpCodes.Stloc, args);
        for (int i = 0; i < type.Params.Length; i++)
        {
            il.Emit(OpCodes.Ldloc, args);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelema, typeof(Value));
            il.Emit(OpCodes.Ldarg, (short)i);
            il.Emit(OpCodes.Call, ValueCodec.Maker(type.Params[i]));
            il.Emit(OpCodes.Stobj, typeof(Value));
        }
        il.Emit(OpCodes.Ldc_I4, type.Results.Length);
        il.Emit(OpCodes.Newarr, typeof(Value));
        il.Emit(OpCodes.Stloc, results);
        il.Emit(OpCodes.Ldarg, (short)target);
        il.Emit(OpCodes.Ldloc, args);
        il.Emit(OpCodes.Ldloc, results);
        il.Emit(OpCodes.Call, typeof(HostCalls).GetMethod(nameof(HostCalls.InvokeCallback))!);
        for (int k = 1; k < type.Results.Length; k++)
        {
            il.Emit(OpCodes.Ldarg, (short)(target + k));
            il.Emit(OpCodes.Ldloc, results);
            il.Emit(OpCodes.Ldc_I4, k);
            il.Emit(OpCodes.Ldelema, typeof(Value));
            il.Emit(OpCodes.Call, ValueCodec.Getter(type.Results[k]));
            il.Emit(OpCodes.Stobj, ClrTypes.Of(type.Results[k]));
        }
        if (type.Results.Length > 0)
        {
            il.Emit(OpCodes.Ldloc, results);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ldelema, typeof(Value));
            il.Emit(OpCodes.Call, ValueCodec.Getter(type.Results[0]));
        }
        il.Emit(OpCodes.Ret);
    }

    private static nint Build(FuncType type, Action<ILGenerator> body)
    {
        lock (s_lock)
        {
            var tb = s_module.DefineType($"T{s_count++}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
            var mb = tb.DefineMethod("call", MethodAttributes.Public | MethodAttributes.Static, ClrTypes.ReturnOf(type), ClrTypes.CalliParamsOf(type));
            body(mb.GetILGenerator());
            var t = tb.CreateType();
            s_keepAlive.Add(t);
            return t.GetMethod("call")!.MethodHandle.GetFunctionPointer();
        }
    }
}
