// Registers the catalog's functions on one connection's SQLite handle (Microsoft.Data.Sqlite CreateFunction):
// a typed fast path for numeric direct-ABI functions, a boxed path with overload dispatch for the rest,
// per-statement instance sessions, cancellation between rows, and the UDF error of a failed statement.
using Microsoft.Data.Sqlite;
using Wasql.Udf;



namespace Wasql.Database.Functions;

internal sealed class ConnectionFunctions(WasqlConnection connection) : IDisposable
{
    private long _version = -1;
    private readonly List<(string Name, int Arity)> _registered = [];
    private readonly List<DirectSlot> _slots = [];
    private WasqlException? _pending;
    private TableFunctions? _tables;

    private SqliteConnection Sqlite => connection.SqliteConnection;

    /// <summary>Re-registers every function when the catalog changed since the last call.</summary>
    public void Sync()
    {
        var registry = connection.Database.Registry;
        var version = registry.Version;
        if (version == _version) return;
        foreach (var (name, arity) in _registered)
            Unregister(name, arity);
        _registered.Clear();
        EndStatement();
        _slots.Clear();
        _boxedSlots.Clear();
        var functions = registry.Functions;
        foreach (var group in functions.Where(f => !f.IsTable).GroupBy(f => (f.Name, f.Arity)))
        {
            Register(group.Key.Name, group.Key.Arity, group.ToArray());
            _registered.Add(group.Key);
        }
        _tables ??= TableFunctions.TryCreate(connection);
        _tables?.Sync(functions.Where(f => f.IsTable).ToArray());
        _version = version;
    }

    /// <summary>The UDF error behind the statement's failure, if a UDF failed (taken once).</summary>
    public WasqlException? TakePendingError()
    {
        var e = _pending;
        _pending = null;
        return e;
    }

    /// <summary>Returns the instances pinned by the statement that just ended to their pools.</summary>
    public void EndStatement()
    {
        foreach (var s in _slots) s.Release();
        _pending = null;
    }

    internal Exception Fail(RegisteredFunction f, Exception e)
    {
        var ex = e switch
        {
            WasqlException w => w,
            UdfException u when u.Kind == UdfErrorKind.Signature => new WasqlException(SqlStates.DatatypeMismatch, $"{f.Name}: {u.Cause}", inner: u),
            UdfException u => new WasqlException(SqlStates.ExternalRoutineException,
                $"function {f.Name} failed: {u.Cause}", inner: u)
            { Detail = string.IsNullOrWhiteSpace(u.Stderr) ? null : u.Stderr.Trim() },
            OverflowException => new WasqlException(SqlStates.NumericValueOutOfRange, $"{f.Name}: argument out of range for {string.Join(", ", f.ArgumentTypes)}", inner: e),
            InvalidCastException or FormatException => new WasqlException(SqlStates.DatatypeMismatch, $"{f.Name}: {e.Message}", inner: e),
            _ => new WasqlException(SqlStates.ExternalRoutineException, $"function {f.Name} failed: {e.Message}", inner: e),
        };
        _pending = ex;
        return new InvalidOperationException(ex.Message);
    }

    internal void CheckCancel()
    {
        if (connection.CancelRequested)
        {
            _pending = new WasqlException(SqlStates.QueryCanceled, "canceling statement due to user request");
            throw new OperationCanceledException(_pending.Message);
        }
    }

    private void Unregister(string name, int arity)
    {
        switch (arity)
        {
            case 0: Sqlite.CreateFunction(name, (Func<object?>?)null); break;
            case 1: Sqlite.CreateFunction(name, (Func<object?, object?>?)null); break;
            case 2: Sqlite.CreateFunction(name, (Func<object?, object?, object?>?)null); break;
            case 3: Sqlite.CreateFunction(name, (Func<object?, object?, object?, object?>?)null); break;
            case 4: Sqlite.CreateFunction(name, (Func<object?, object?, object?, object?, object?>?)null); break;
            default: Sqlite.CreateFunction(name, (Func<object?[], object?>?)null); break;
        }
    }

    private void Register(string name, int arity, RegisteredFunction[] overloads)
    {
        if (overloads.Length == 1 && overloads[0].Direct is { IsNumeric: true } d && arity is >= 1 and <= 3
            && FastPath.TryRegister(this, connection, name, overloads[0], d, NewSlot(d)))
            return;
        Func<object?[], object?> call = args => Dispatch(overloads, args);
        switch (arity)
        {
            case 0: Sqlite.CreateFunction(name, () => call([]), false); break;
            case 1: Sqlite.CreateFunction(name, (object? a) => call([a]), false); break;
            case 2: Sqlite.CreateFunction(name, (object? a, object? b) => call([a, b]), false); break;
            case 3: Sqlite.CreateFunction(name, (object? a, object? b, object? c) => call([a, b, c]), false); break;
            case 4: Sqlite.CreateFunction(name, (object? a, object? b, object? c, object? e) => call([a, b, c, e]), false); break;
            default:
                Sqlite.CreateFunction(name, (object?[] args) =>
                {
                    if (args.Length != arity)
                        throw new InvalidOperationException($"wrong number of arguments to function {name}(): {args.Length} given, {arity} expected");
                    return call(args);
                }, false);
                break;
        }
    }

    internal DirectSlot NewSlot(DirectFunction d)
    {
        var slot = new DirectSlot(d);
        _slots.Add(slot);
        return slot;
    }

    private readonly Dictionary<DirectFunction, DirectSlot> _boxedSlots = [];

    private object? Dispatch(RegisteredFunction[] overloads, object?[] args)
    {
        CheckCancel();
        var f = overloads.Length == 1 ? overloads[0] : Choose(overloads, args);
        try
        {
            if (f.LoadError is not null)
                throw new WasqlException(SqlStates.ExternalRoutineException, f.LoadError);
            if (f.Direct is { } d)
            {
                if (!d.Signature.CalledOnNullInput && Array.Exists(args, a => a is null)) return null;   // strict
                if (!_boxedSlots.TryGetValue(d, out var slot)) _boxedSlots[d] = slot = NewSlot(d);
                var converted = new object?[args.Length];
                for (int i = 0; i < args.Length; i++) converted[i] = ValueMapping.ToDirectArgument(args[i], d.Signature.Arguments[i]);
                return ValueMapping.ToSqlite(slot.Session.Invoke(converted));
            }
            var fn = f.Arrow!;
            var input = new object?[args.Length];
            for (int i = 0; i < args.Length; i++) input[i] = ValueMapping.ToArrowArgument(args[i], f.ArgumentTypes[i]);
            return ValueMapping.ToSqlite(fn.Invoke(input));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(f, e);
        }
    }

    /// <summary>Picks the overload whose argument types fit the runtime SQLite values best (first on ties).</summary>
    private static RegisteredFunction Choose(RegisteredFunction[] overloads, object?[] args)
    {
        RegisteredFunction? best = null;
        int bestScore = -1;
        foreach (var f in overloads)
        {
            int score = 0;
            for (int i = 0; i < args.Length && score >= 0; i++)
            {
                var s = ValueMapping.Fit(args[i], f.ArgumentTypes[i]);
                score = s < 0 ? -1 : score + s;
            }
            if (score > bestScore) { best = f; bestScore = score; }
        }
        if (best is null)
            throw new InvalidOperationException($"no overload of {overloads[0].Name} accepts ({string.Join(", ", args.Select(ValueMapping.SqliteTypeName))}); candidates: {string.Join("; ", overloads.Select(o => o.Info.Signature))}");
        return best;
    }

    public void Dispose()
    {
        EndStatement();
        _tables?.Dispose();
    }
}

/// <summary>A direct function's session for this connection: made once (with its typed delegate), holding a pooled
/// instance only while a statement runs (<see cref="Release"/> lends it back at the statement's end).</summary>
internal sealed class DirectSlot(DirectFunction function)
{
    private DirectSession? _session;
    /// <summary>The fast path's typed delegate, compiled once per connection and function.</summary>
    public Delegate? Typed;
    public DirectFunction Function => function;

    /// <summary>True while the session holds an instance for the running statement.</summary>
    public bool Held => _session is { Held: true };

    /// <summary>The session, holding an instance (rented on the statement's first call).</summary>
    public DirectSession Session
    {
        get
        {
            if (_session is null) _session = function.OpenSession();
            else if (!_session.Held) _session.Resume();
            return _session;
        }
    }

    /// <summary>Returns the instance to the pool; the session and <see cref="Typed"/> stay for the next statement.</summary>
    public void Release() => _session?.Suspend();
}
