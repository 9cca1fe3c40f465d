// The per-row fast path for numeric direct-ABI functions: registered straight on the SQLite handle (SQLitePCLRaw,
// bypassing Microsoft.Data.Sqlite's boxed argument reader), reading INTEGER/REAL values and calling a typed delegate
// bound to a wasm instance pinned for the statement, so a row costs about two delegate calls.
using SQLitePCL;
using Wasql.Udf;

namespace Wasql.Database.Functions;

internal static class FastPath
{
    public static bool TryRegister(ConnectionFunctions owner, WasqlConnection connection, string name, RegisteredFunction f, DirectFunction d, DirectSlot slot)
    {
        var types = d.Signature.Arguments.Select(Clr).Append(Clr(d.Signature.Result)).ToArray();
        var method = typeof(FastPath).GetMethod("Reg" + d.Signature.Arguments.Count, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var callback = (delegate_function_scalar)method.MakeGenericMethod(types).Invoke(null, [owner, f, slot])!;
        int rc = raw.sqlite3_create_function(connection.Handle, name, d.Signature.Arguments.Count,
            raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, callback);
        return rc == raw.SQLITE_OK;
    }

    private static Type Clr(SqlType t) => t is SqlType.Float4 or SqlType.Float8 ? typeof(double) : typeof(long);

    /// <summary>The slot's typed delegate with an instance held for the statement. The delegate is compiled on the
    /// connection's first call only: it reads the slot's current instance, so a fresh rent per statement suffices.</summary>
    private static T Bind<T>(DirectSlot slot) where T : Delegate
    {
        if (slot.Typed is T d && slot.Held) return d;
        var session = slot.Session;
        if (slot.Typed is not T typed) slot.Typed = typed = session.CreateDelegate<T>();
        return typed;
    }

    /// <summary>Reads an argument; false for NULL. Non-integral REAL for an integer, TEXT and BLOB are type errors.</summary>
    private static bool Get<T>(sqlite3_value v, out T value)
    {
        int type = raw.sqlite3_value_type(v);
        if (typeof(T) == typeof(long))
        {
            if (type == raw.SQLITE_INTEGER) { value = (T)(object)raw.sqlite3_value_int64(v); return true; }
            if (type == raw.SQLITE_FLOAT && raw.sqlite3_value_double(v) is var d && d == Math.Floor(d) && Math.Abs(d) < 9.2e18) { value = (T)(object)(long)d; return true; }
        }
        else
        {
            if (type is raw.SQLITE_FLOAT or raw.SQLITE_INTEGER) { value = (T)(object)raw.sqlite3_value_double(v); return true; }
        }
        value = default!;
        if (type == raw.SQLITE_NULL) return false;
        throw new InvalidCastException($"invalid input for a {(typeof(T) == typeof(long) ? "integer" : "float")} argument: {raw.sqlite3_value_text(v).utf8_to_string()}");
    }

    private static void Set<R>(sqlite3_context ctx, R r)
    {
        if (typeof(R) == typeof(long)) raw.sqlite3_result_int64(ctx, (long)(object)r!);
        else raw.sqlite3_result_double(ctx, (double)(object)r!);
    }

    private static void Error(ConnectionFunctions o, RegisteredFunction f, sqlite3_context ctx, Exception e) =>
        raw.sqlite3_result_error(ctx, e is OperationCanceledException ? e.Message : o.Fail(f, e).Message);

    private static delegate_function_scalar Reg1<A, R>(ConnectionFunctions o, RegisteredFunction f, DirectSlot slot) =>
        (ctx, _, args) =>
        {
            try
            {
                if (!Get(args[0], out A a)) { raw.sqlite3_result_null(ctx); return; }
                o.CheckCancel();
                var fn = Bind<Func<A, R>>(slot);
                Set(ctx, fn(a));
            }
            catch (Exception e) { Error(o, f, ctx, e); }
        };

    private static delegate_function_scalar Reg2<A, B, R>(ConnectionFunctions o, RegisteredFunction f, DirectSlot slot) =>
        (ctx, _, args) =>
        {
            try
            {
                if (!Get(args[0], out A a) | !Get(args[1], out B b)) { raw.sqlite3_result_null(ctx); return; }
                o.CheckCancel();
                var fn = Bind<Func<A, B, R>>(slot);
                Set(ctx, fn(a, b));
            }
            catch (Exception e) { Error(o, f, ctx, e); }
        };

    private static delegate_function_scalar Reg3<A, B, C, R>(ConnectionFunctions o, RegisteredFunction f, DirectSlot slot) =>
        (ctx, _, args) =>
        {
            try
            {
                if (!Get(args[0], out A a) | !Get(args[1], out B b) | !Get(args[2], out C x)) { raw.sqlite3_result_null(ctx); return; }
                o.CheckCancel();
                var fn = Bind<Func<A, B, C, R>>(slot);
                Set(ctx, fn(a, b, x));
            }
            catch (Exception e) { Error(o, f, ctx, e); }
        };
}
