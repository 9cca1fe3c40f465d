// Typed fast-path delegates for numeric direct functions, generated with expression trees: convert the CLR
// arguments (checked narrowing), bump the call counter, call the raw wasm export, convert the result; on a trap
// discard the instance and throw UdfException. Session delegates read the slot's instance; pooled ones rent per call.
using System.Linq.Expressions;
using System.Reflection;
using Wasql.Udf.Pooling;

namespace Wasql.Udf.Direct;

internal static class DirectDelegates
{
    private static readonly MethodInfo s_begin = typeof(PooledInstance).GetMethod(nameof(PooledInstance.BeginCall))!;
    private static readonly MethodInfo s_end = typeof(PooledInstance).GetMethod(nameof(PooledInstance.EndCall))!;
    private static readonly MethodInfo s_slotFail = typeof(InstanceSlot).GetMethod(nameof(InstanceSlot.Fail))!;
    private static readonly MethodInfo s_instFail = typeof(PooledInstance).GetMethod(nameof(PooledInstance.Fail))!;
    private static readonly MethodInfo s_rent = typeof(InstancePool).GetMethod(nameof(InstancePool.Rent))!;
    private static readonly MethodInfo s_return = typeof(InstancePool).GetMethod(nameof(InstancePool.Return))!;
    private static readonly MethodInfo s_inner = typeof(InstanceSlot).GetMethod(nameof(InstanceSlot.InnerFor))!;

    private static readonly Type[] s_numeric = [typeof(short), typeof(int), typeof(long), typeof(float), typeof(double), typeof(bool)];

    public static TDelegate ForSession<TDelegate>(DirectSession session) where TDelegate : Delegate
    {
        var f = session.Function;
        var (ps, ret) = CheckDelegate<TDelegate>(f);
        var slot = Expression.Constant(session.Slot);
        var inst = Expression.Variable(typeof(PooledInstance), "inst");
        var converted = ConvertArgs(f, ps, out var temps, out var assigns);
        var ex = Expression.Parameter(typeof(Exception), "e");
        var inner = Expression.Convert(Expression.Field(slot, nameof(InstanceSlot.Inner)), f.Shape.InnerDelegateType);
        var result = Expression.Variable(ret, "r");
        var body = Expression.Block(
            [inst, result, .. temps],
            [
                .. assigns,
                Expression.Assign(inst, Expression.Field(slot, nameof(InstanceSlot.Instance))),
                Expression.TryCatch(
                    Expression.Block(
                        Expression.Call(inst, s_begin),
                        Expression.Assign(result, ConvertResult(f, Expression.Invoke(inner, converted), ret)),
                        Expression.Call(inst, s_end),
                        Expression.Empty()),
                    Expression.Catch(ex, Expression.Throw(Expression.Call(slot, s_slotFail, ex)))),
                result,
            ]);
        f.Module.Runtime.Diagnostics.DelegateCreated();
        return Expression.Lambda<TDelegate>(body, ps).Compile();
    }

    public static TDelegate Pooled<TDelegate>(DirectFunction f) where TDelegate : Delegate
    {
        var (ps, ret) = CheckDelegate<TDelegate>(f);
        var pool = Expression.Constant(f.Module.Pool);
        var shape = Expression.Constant(f.Shape);
        var inst = Expression.Variable(typeof(PooledInstance), "inst");
        var converted = ConvertArgs(f, ps, out var temps, out var assigns);
        var ex = Expression.Parameter(typeof(Exception), "e");
        var inner = Expression.Convert(Expression.Call(s_inner, inst, shape), f.Shape.InnerDelegateType);
        var result = Expression.Variable(ret, "r");
        var body = Expression.Block(
            [inst, result, .. temps],
            [
                .. assigns,
                Expression.Assign(inst, Expression.Call(pool, s_rent, Expression.Constant(f.ExportName, typeof(string)))),
                Expression.TryCatchFinally(
                    Expression.Block(
                        Expression.Call(inst, s_begin),
                        Expression.Assign(result, ConvertResult(f, Expression.Invoke(inner, converted), ret)),
                        Expression.Call(inst, s_end),
                        Expression.Empty()),
                    Expression.Call(pool, s_return, inst),
                    Expression.Catch(ex, Expression.Throw(Expression.Call(inst, s_instFail,
                        Expression.Constant(f.ExportName, typeof(string)), ex, Expression.Constant(null, typeof(int?)))))),
                result,
            ]);
        f.Module.Runtime.Diagnostics.DelegateCreated();
        return Expression.Lambda<TDelegate>(body, ps).Compile();
    }

    private static (ParameterExpression[] Params, Type Return) CheckDelegate<TDelegate>(DirectFunction f)
    {
        if (!f.IsNumeric)
            throw new UdfException(UdfErrorKind.Signature, f.ExportName, f.Signature.IsPlain
                ? $"typed delegates need an all-numeric signature; {f.Signature} has text/bytea: use Invoke"
                : $"typed delegates need a strict function without NULL results; {f.ExportName} takes or returns NULL: use Invoke");
        var invoke = typeof(TDelegate).GetMethod("Invoke")!;
        var ps = invoke.GetParameters();
        if (ps.Length != f.Signature.Arguments.Count || invoke.ReturnType == typeof(void)
            || !ps.All(p => s_numeric.Contains(p.ParameterType)) || !s_numeric.Contains(invoke.ReturnType))
            throw new UdfException(UdfErrorKind.Signature, f.ExportName,
                $"delegate {typeof(TDelegate).Name} does not fit {f.Signature}: need {f.Signature.Arguments.Count} parameters and a result of short/int/long/float/double/bool");
        return (ps.Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray(), invoke.ReturnType);
    }

    /// <summary>CLR parameter -> declared SQL type (checked) -> wasm value, evaluated into temps before the call.</summary>
    private static Expression[] ConvertArgs(DirectFunction f, ParameterExpression[] ps, out List<ParameterExpression> temps, out List<Expression> assigns)
    {
        temps = [];
        assigns = [];
        var result = new Expression[ps.Length];
        for (int i = 0; i < ps.Length; i++)
        {
            var sql = f.Signature.Arguments[i];
            var declared = Coerce(ps[i], SqlTypes.ClrType(sql));
            Expression wasm = sql switch
            {
                SqlType.Boolean => Expression.Condition(declared, Expression.Constant(1), Expression.Constant(0)),
                SqlType.Int2 => Expression.Convert(declared, typeof(int)),
                _ => declared,
            };
            if (ReferenceEquals(wasm, ps[i])) { result[i] = ps[i]; continue; }
            var t = Expression.Variable(wasm.Type, "a" + i);
            temps.Add(t);
            assigns.Add(Expression.Assign(t, wasm));
            result[i] = t;
        }
        return result;
    }

    private static Expression ConvertResult(DirectFunction f, Expression raw, Type ret)
    {
        Expression declared = f.Signature.Result switch
        {
            SqlType.Int2 => Expression.Convert(raw, typeof(short)),
            SqlType.Boolean => Expression.NotEqual(raw, Expression.Constant(0)),
            _ => raw,
        };
        return Coerce(declared, ret);
    }

    private static Expression Coerce(Expression e, Type target)
    {
        if (e.Type == target) return e;
        if (target == typeof(bool)) return Expression.NotEqual(e, Expression.Convert(Expression.Constant(0), e.Type));
        if (e.Type == typeof(bool)) return Expression.Condition(e, Expression.Convert(Expression.Constant(1), target), Expression.Convert(Expression.Constant(0), target));
        return Expression.ConvertChecked(e, target);
    }
}
