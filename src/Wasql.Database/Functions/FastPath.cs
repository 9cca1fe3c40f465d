// The per-row fast path for numeric direct-ABI functions: a typed Microsoft.Data.Sqlite function (long?/double?)
// calling a typed delegate bound to a wasm instance pinned for the statement, so a row costs about two delegate calls.
using Microsoft.Data.Sqlite;
using Wasql.Udf;

namespace Wasql.Database.Functions;

internal static class FastPath
{
    public static bool TryRegister(ConnectionFunctions owner, SqliteConnection c, string name, RegisteredFunction f, DirectFunction d, DirectSlot slot)
    {
        var types = d.Signature.Arguments.Select(Clr).Append(Clr(d.Signature.Result)).ToArray();
        var method = typeof(FastPath).GetMethod("Reg" + d.Signature.Arguments.Count, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        method.MakeGenericMethod(types).Invoke(null, [owner, c, name, f, slot]);
        return true;
    }

    private static Type Clr(SqlType t) => t is SqlType.Float4 or SqlType.Float8 ? typeof(double) : typeof(long);

    private static T Open<T>(DirectSlot slot) where T : Delegate
    {
        var d = slot.Session.CreateDelegate<T>();
        slot.Typed = d;
        return d;
    }

    private static void Reg1<A, R>(ConnectionFunctions o, SqliteConnection c, string name, RegisteredFunction f, DirectSlot slot)
        where A : struct where R : struct =>
        c.CreateFunction<A?, R?>(name, a =>
        {
            if (a is null) return null;
            o.CheckCancel();
            var fn = slot.Typed as Func<A, R> ?? Open<Func<A, R>>(slot);
            try { return fn(a.GetValueOrDefault()); }
            catch (Exception e) { throw o.Fail(f, e); }
        }, isDeterministic: true);

    private static void Reg2<A, B, R>(ConnectionFunctions o, SqliteConnection c, string name, RegisteredFunction f, DirectSlot slot)
        where A : struct where B : struct where R : struct =>
        c.CreateFunction<A?, B?, R?>(name, (a, b) =>
        {
            if (a is null || b is null) return null;
            o.CheckCancel();
            var fn = slot.Typed as Func<A, B, R> ?? Open<Func<A, B, R>>(slot);
            try { return fn(a.GetValueOrDefault(), b.GetValueOrDefault()); }
            catch (Exception e) { throw o.Fail(f, e); }
        }, isDeterministic: true);

    private static void Reg3<A, B, C, R>(ConnectionFunctions o, SqliteConnection c, string name, RegisteredFunction f, DirectSlot slot)
        where A : struct where B : struct where C : struct where R : struct =>
        c.CreateFunction<A?, B?, C?, R?>(name, (a, b, x) =>
        {
            if (a is null || b is null || x is null) return null;
            o.CheckCancel();
            var fn = slot.Typed as Func<A, B, C, R> ?? Open<Func<A, B, C, R>>(slot);
            try { return fn(a.GetValueOrDefault(), b.GetValueOrDefault(), x.GetValueOrDefault()); }
            catch (Exception e) { throw o.Fail(f, e); }
        }, isDeterministic: true);
}
