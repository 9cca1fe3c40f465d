// Host-to-guest entry points generated per signature: an untyped one for Function.Invoke(Value[]),
// and typed ones that back Func<...>/Action<...> delegates closed over the Function (no boxing).
using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using Wasql.Wasm.Compilation;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal delegate void UntypedInvoker(Function f, Value[] args, Value[] results);

internal static class Invokers
{
    private static readonly ConcurrentDictionary<FuncType, UntypedInvoker> s_untyped = new();
    private static readonly ConcurrentDictionary<(Type, FuncType), DynamicMethod> s_typed = new();

    private static readonly FieldInfo s_target = typeof(Function).GetField(nameof(Function.Target))!;
    private static readonly FieldInfo s_code = typeof(Function).GetField(nameof(Function.Code))!;
    private static readonly MethodInfo s_enter = typeof(Function).GetMethod(nameof(Function.EnterFromHost))!;

    public static UntypedInvoker Untyped(FuncType type) => s_untyped.GetOrAdd(type, BuildUntyped);

    private static UntypedInvoker BuildUntyped(FuncType type)
    {
        var dm = new DynamicMethod("invoke_" + type, typeof(void), [typeof(Function), typeof(Value[]), typeof(Value[])], typeof(Invokers).Module, true);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, s_enter);
        il.BeginExceptionBlock();
        for (int i = 0; i < type.Params.Length; i++)
        {
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelema, typeof(Value));
            il.Emit(OpCodes.Call, ValueCodec.Getter(type.Params[i]));
        }
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_target);
        var extras = new LocalBuilder[Math.Max(0, type.Results.Length - 1)];
        for (int i = 0; i < extras.Length; i++)
        {
            extras[i] = il.DeclareLocal(ClrTypes.Of(type.Results[i + 1]));
            il.Emit(OpCodes.Ldloca, extras[i]);
        }
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_code);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, ClrTypes.ReturnOf(type), ClrTypes.CalliParamsOf(type), null);
        if (type.Results.Length > 0)
        {
            var first = il.DeclareLocal(ClrTypes.Of(type.Results[0]));
            il.Emit(OpCodes.Stloc, first);
            StoreResult(il, 0, first, type.Results[0]);
            for (int i = 0; i < extras.Length; i++) StoreResult(il, i + 1, extras[i], type.Results[i + 1]);
        }
        EmitBacktraceHandler(il);
        il.EndExceptionBlock();
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<UntypedInvoker>();
    }

    /// <summary>catch (TrapException e) { Backtrace.Fill(e); throw; } catch (Exception e) { throw Backtrace.HostError(e); }:
    /// whatever a host function threw leaves the guest call as a HostError trap with the original as InnerException.</summary>
    private static void EmitBacktraceHandler(ILGenerator il)
    {
        il.BeginCatchBlock(typeof(TrapException));
        il.Emit(OpCodes.Call, Backtrace.FillMethod);
        il.Emit(OpCodes.Rethrow);
        il.BeginCatchBlock(typeof(Exception));
        il.Emit(OpCodes.Call, Backtrace.HostErrorMethod);
        il.Emit(OpCodes.Throw);
    }

    private static void StoreResult(ILGenerator il, int index, LocalBuilder value, ValType t)
    {
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldelema, typeof(Value));
        il.Emit(OpCodes.Ldloc, value);
        il.Emit(OpCodes.Call, ValueCodec.Maker(t));
        il.Emit(OpCodes.Stobj, typeof(Value));
    }

    /// <summary>A static method (Function f, args...) → result to bind as a delegate closed over f.</summary>
    public static DynamicMethod Typed(Engine engine, Type delegateType, FuncType type) =>
        s_typed.GetOrAdd((delegateType, type), static key => BuildTyped(key.Item1, key.Item2));

    private static DynamicMethod BuildTyped(Type delegateType, FuncType type)
    {
        var invoke = delegateType.GetMethod("Invoke") ?? throw new ArgumentException($"{delegateType} is not a delegate type");
        var ps = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        if (ps.Length != type.Params.Length || type.Results.Length > 1 ||
            ps.Where((p, i) => p != ClrTypes.Of(type.Params[i]) && !(type.Params[i].IsReference() && !p.IsValueType)).Any() ||
            invoke.ReturnType != ClrTypes.ReturnOf(type) && !(type.Results.Length == 1 && type.Results[0].IsReference() && !invoke.ReturnType.IsValueType))
            throw new ArgumentException($"delegate {delegateType.Name} does not match the function type {type} " +
                                        "(use int/long/float/double for i32/i64/f32/f64; multi-value results need Function.Invoke)");
        var dm = new DynamicMethod("call_" + type, invoke.ReturnType, [typeof(Function), .. ps], typeof(Invokers).Module, true);
        var il = dm.GetILGenerator();
        var result = invoke.ReturnType == typeof(void) ? null : il.DeclareLocal(invoke.ReturnType);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, s_enter);
        il.BeginExceptionBlock();
        for (int i = 0; i < ps.Length; i++) il.Emit(OpCodes.Ldarg, (short)(i + 1));
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_target);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_code);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, ClrTypes.ReturnOf(type), ClrTypes.CalliParamsOf(type), null);
        if (result is not null) il.Emit(OpCodes.Stloc, result);
        EmitBacktraceHandler(il);
        il.EndExceptionBlock();
        if (result is not null) il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
        return dm;
    }
}
