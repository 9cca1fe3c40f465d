// Table (set-returning) functions on one connection: each catalog table function becomes a SQLite eponymous
// virtual table (sqlite3_create_module_v2 through P/Invoke into the same e_sqlite3 library; SQLitePCLRaw 3.0.3 does
// not wrap it) with its arguments as HIDDEN columns, so `FROM range(10)` and lateral `FROM t, range(t.n)` work.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Wasql.Database.Functions;

internal sealed unsafe partial class TableFunctions : IDisposable
{
    private const string Lib = "e_sqlite3";
    private const int SQLITE_OK = 0, SQLITE_ERROR = 1, SQLITE_CONSTRAINT = 19;
    private const int SQLITE_INTEGER = 1, SQLITE_FLOAT = 2, SQLITE_TEXT = 3, SQLITE_BLOB = 4;
    private static readonly IntPtr Transient = -1;

    [LibraryImport(Lib)] private static partial int sqlite3_create_module_v2(IntPtr db, byte* name, Module* module, IntPtr aux, delegate* unmanaged[Cdecl]<IntPtr, void> destroy);
    [LibraryImport(Lib)] private static partial int sqlite3_declare_vtab(IntPtr db, byte* sql);
    [LibraryImport(Lib)] private static partial int sqlite3_value_type(IntPtr v);
    [LibraryImport(Lib)] private static partial long sqlite3_value_int64(IntPtr v);
    [LibraryImport(Lib)] private static partial double sqlite3_value_double(IntPtr v);
    [LibraryImport(Lib)] private static partial byte* sqlite3_value_text(IntPtr v);
    [LibraryImport(Lib)] private static partial byte* sqlite3_value_blob(IntPtr v);
    [LibraryImport(Lib)] private static partial int sqlite3_value_bytes(IntPtr v);
    [LibraryImport(Lib)] private static partial void sqlite3_result_null(IntPtr ctx);
    [LibraryImport(Lib)] private static partial void sqlite3_result_int64(IntPtr ctx, long v);
    [LibraryImport(Lib)] private static partial void sqlite3_result_double(IntPtr ctx, double v);
    [LibraryImport(Lib)] private static partial void sqlite3_result_text(IntPtr ctx, byte* v, int n, IntPtr destructor);
    [LibraryImport(Lib)] private static partial void sqlite3_result_blob(IntPtr ctx, byte* v, int n, IntPtr destructor);
    [LibraryImport(Lib)] private static partial IntPtr sqlite3_malloc(int n);

    [StructLayout(LayoutKind.Sequential)]
    private struct Module
    {
        public int iVersion;
        public IntPtr xCreate;
        public delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, IntPtr, VTab**, IntPtr*, int> xConnect;
        public delegate* unmanaged[Cdecl]<VTab*, IndexInfo*, int> xBestIndex;
        public delegate* unmanaged[Cdecl]<VTab*, int> xDisconnect;
        public delegate* unmanaged[Cdecl]<VTab*, int> xDestroy;
        public delegate* unmanaged[Cdecl]<VTab*, Cursor**, int> xOpen;
        public delegate* unmanaged[Cdecl]<Cursor*, int> xClose;
        public delegate* unmanaged[Cdecl]<Cursor*, int, IntPtr, int, IntPtr*, int> xFilter;
        public delegate* unmanaged[Cdecl]<Cursor*, int> xNext;
        public delegate* unmanaged[Cdecl]<Cursor*, int> xEof;
        public delegate* unmanaged[Cdecl]<Cursor*, IntPtr, int, int> xColumn;
        public delegate* unmanaged[Cdecl]<Cursor*, long*, int> xRowid;
        public IntPtr xUpdate, xBegin, xSync, xCommit, xRollback, xFindFunction, xRename;
        public IntPtr xSavepoint, xRelease, xRollbackTo, xShadowName, xIntegrity;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct VTab { public IntPtr pModule; public int nRef; public IntPtr zErrMsg; public IntPtr entry; }

    [StructLayout(LayoutKind.Sequential)]
    private struct Cursor { public VTab* pVtab; public IntPtr state; }

    [StructLayout(LayoutKind.Sequential)]
    private struct Constraint { public int iColumn; public byte op; public byte usable; public int iTermOffset; }

    [StructLayout(LayoutKind.Sequential)]
    private struct ConstraintUsage { public int argvIndex; public byte omit; }

    [StructLayout(LayoutKind.Sequential)]
    private struct IndexInfo
    {
        public int nConstraint; public Constraint* aConstraint; public int nOrderBy; public IntPtr aOrderBy;
        public ConstraintUsage* aConstraintUsage; public int idxNum; public IntPtr idxStr; public int needToFreeIdxStr;
        public int orderByConsumed; public double estimatedCost; public long estimatedRows; public int idxFlags; public ulong colUsed;
    }

    /// <summary>What one registered table knows: the function, its output columns and the owning connection.</summary>
    private sealed class Entry(RegisteredFunction function, ConnectionFunctions owner)
    {
        public RegisteredFunction Function = function;
        public ConnectionFunctions Owner = owner;
        public int Columns => Function.Stored.TableColumns.Count;
    }

    /// <summary>A cursor's iteration: arrow-udf rows collected by the module's batch call, or a direct table
    /// function's rows pulled one at a time from its pinned instance (so endless iterators stream).</summary>
    private sealed class State
    {
        public List<object?[]> Rows = [];
        public object?[] Args = [];
        public int Index;
        public Wasql.Udf.DirectTableCursor? Cursor;
        /// <summary>The current row of a direct iteration (null at the end).</summary>
        public object?[]? Current;
        public bool Streaming;
        public bool AtEnd => Streaming ? Current is null : Index >= Rows.Count;
        public object?[] Row => Streaming ? Current! : Rows[Index];
    }

    private static readonly Module* s_module = CreateModule();
    private readonly WasqlConnection _connection;
    private readonly HashSet<string> _registered = new(StringComparer.OrdinalIgnoreCase);

    private TableFunctions(WasqlConnection connection) => _connection = connection;

    public static TableFunctions? TryCreate(WasqlConnection connection) => new(connection);

    private static Module* CreateModule()
    {
        var m = (Module*)NativeMemory.AllocZeroed((nuint)sizeof(Module));
        m->iVersion = 1;
        m->xConnect = &XConnect;
        m->xBestIndex = &XBestIndex;
        m->xDisconnect = &XDisconnect;
        m->xDestroy = &XDisconnect;
        m->xOpen = &XOpen;
        m->xClose = &XClose;
        m->xFilter = &XFilter;
        m->xNext = &XNext;
        m->xEof = &XEof;
        m->xColumn = &XColumn;
        m->xRowid = &XRowid;
        return m;
    }

    /// <summary>Registers one eponymous table per table-function name (the first overload), removing dropped ones.</summary>
    public void Sync(IReadOnlyList<RegisteredFunction> functions)
    {
        var db = _connection.Handle.DangerousGetHandle();
        foreach (var name in _registered) Register(db, name, null);
        _registered.Clear();
        foreach (var f in functions.GroupBy(f => f.Name).Select(g => g.First()))
        {
            Register(db, f.Name, new Entry(f, _connection.Functions));
            _registered.Add(f.Name);
        }
    }

    private static void Register(IntPtr db, string name, Entry? entry)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes)
        {
            if (entry is null) sqlite3_create_module_v2(db, p, null, 0, null);
            else sqlite3_create_module_v2(db, p, s_module, GCHandle.ToIntPtr(GCHandle.Alloc(entry)), &FreeAux);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FreeAux(IntPtr aux) => GCHandle.FromIntPtr(aux).Free();

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XConnect(IntPtr db, IntPtr aux, int argc, IntPtr argv, VTab** vtab, IntPtr* err)
    {
        var entry = (Entry)GCHandle.FromIntPtr(aux).Target!;
        var f = entry.Function;
        var cols = f.Stored.TableColumns.Select(c => $"\"{c.Name.Replace("\"", "\"\"")}\" {c.DeclaredType}")
            .Concat(f.ArgumentTypes.Select((t, i) => $"arg{i} {t} HIDDEN"));
        var sql = Encoding.UTF8.GetBytes($"CREATE TABLE x({string.Join(", ", cols)})\0");
        int rc;
        fixed (byte* p = sql) rc = sqlite3_declare_vtab(db, p);
        if (rc != SQLITE_OK) return rc;
        var v = (VTab*)NativeMemory.AllocZeroed((nuint)sizeof(VTab));
        v->entry = GCHandle.ToIntPtr(GCHandle.Alloc(entry, GCHandleType.Weak));
        *vtab = v;
        return SQLITE_OK;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XDisconnect(VTab* v)
    {
        GCHandle.FromIntPtr(v->entry).Free();
        NativeMemory.Free(v);
        return SQLITE_OK;
    }

    private static Entry EntryOf(VTab* v) => (Entry)GCHandle.FromIntPtr(v->entry).Target!;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XBestIndex(VTab* v, IndexInfo* info)
    {
        var entry = EntryOf(v);
        int nCols = entry.Columns, nArgs = entry.Function.Arity;
        int found = 0;
        for (int j = 0; j < nArgs; j++)
        {
            bool unusable = false;
            for (int k = 0; k < info->nConstraint; k++)
            {
                var c = info->aConstraint[k];
                if (c.iColumn != nCols + j || c.op != 2) continue;   // SQLITE_INDEX_CONSTRAINT_EQ
                if (c.usable == 0) { unusable = true; continue; }
                info->aConstraintUsage[k].argvIndex = j + 1;
                info->aConstraintUsage[k].omit = 1;
                found |= 1 << j;
                unusable = false;
                break;
            }
            if (unusable) return SQLITE_CONSTRAINT;   // try another join order (lateral use)
        }
        info->idxNum = found;
        bool all = found == (1 << nArgs) - 1;
        info->estimatedCost = all ? 1000 : 1e12;
        info->estimatedRows = all ? 1000 : 1_000_000_000;
        return SQLITE_OK;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XOpen(VTab* v, Cursor** cursor)
    {
        var c = (Cursor*)NativeMemory.AllocZeroed((nuint)sizeof(Cursor));
        c->state = GCHandle.ToIntPtr(GCHandle.Alloc(new State()));
        *cursor = c;
        return SQLITE_OK;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XClose(Cursor* c)
    {
        StateOf(c).Cursor?.Dispose();
        GCHandle.FromIntPtr(c->state).Free();
        NativeMemory.Free(c);
        return SQLITE_OK;
    }

    private static State StateOf(Cursor* c) => (State)GCHandle.FromIntPtr(c->state).Target!;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XFilter(Cursor* c, int idxNum, IntPtr idxStr, int argc, IntPtr* argv)
    {
        var entry = EntryOf(c->pVtab);
        var f = entry.Function;
        var state = StateOf(c);
        state.Rows.Clear();
        state.Index = 0;
        state.Current = null;
        state.Streaming = f.DirectTable is not null;
        try
        {
            if (idxNum != (1 << f.Arity) - 1)
                throw new WasqlException(SqlStates.UndefinedFunction, $"table function {f.Name} needs {f.Arity} argument(s): {f.Name}({string.Join(", ", f.ArgumentTypes)})");
            var args = new object?[f.Arity];
            for (int i = 0; i < argc && i < f.Arity; i++) args[i] = ReadValue(argv[i]);
            state.Args = args;
            bool calledOnNull = f.DirectTable?.CalledOnNullInput ?? false;
            if (!calledOnNull && Array.Exists(args, a => a is null)) return SQLITE_OK;   // strict: no rows
            entry.Owner.CheckCancel();
            if (f.LoadError is not null) throw new WasqlException(SqlStates.ExternalRoutineException, f.LoadError);
            if (f.DirectTable is { } table)
            {
                var converted = new object?[args.Length];
                for (int i = 0; i < args.Length; i++) converted[i] = ValueMapping.ToDirectArgument(args[i], table.ArgumentTypes[i]);
                state.Cursor ??= table.OpenCursor();
                if (state.Cursor.Start(converted)) state.Current = NextRow(state.Cursor);
                return SQLITE_OK;
            }
            var input = new object?[args.Length];
            for (int i = 0; i < args.Length; i++) input[i] = ValueMapping.ToArrowArgument(args[i], f.ArgumentTypes[i]);
            int nCols = entry.Columns;
            foreach (var (value, error) in f.Arrow!.InvokeTable(input))
            {
                if (error is not null) throw new WasqlException(SqlStates.ExternalRoutineException, $"function {f.Name} failed: {error}");
                state.Rows.Add(Spread(value, nCols));
            }
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            var message = e is OperationCanceledException ? e.Message : entry.Owner.Fail(f, e).Message;
            SetError(c->pVtab, message);
            return SQLITE_ERROR;
        }
    }

    /// <summary>The next direct row with each value as SQLite holds it.</summary>
    private static object?[]? NextRow(Wasql.Udf.DirectTableCursor cursor)
    {
        var row = cursor.Next();
        if (row is null) return null;
        for (int i = 0; i < row.Length; i++) row[i] = ValueMapping.ToSqlite(row[i]);
        return row;
    }

    /// <summary>One output value into the declared columns: a struct's fields by position, else the value itself.</summary>
    private static object?[] Spread(object? value, int nCols)
    {
        if (nCols == 1) return [ValueMapping.ToSqlite(value)];
        var row = new object?[nCols];
        if (value is System.Collections.IDictionary dict)
        {
            int i = 0;
            foreach (System.Collections.DictionaryEntry e in dict) if (i < nCols) row[i++] = ValueMapping.ToSqlite(e.Value);
        }
        else if (value is System.Collections.IList list)
            for (int i = 0; i < nCols && i < list.Count; i++) row[i] = ValueMapping.ToSqlite(list[i]);
        else row[0] = ValueMapping.ToSqlite(value);
        return row;
    }

    private static void SetError(VTab* v, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var p = (byte*)sqlite3_malloc(bytes.Length + 1);
        if (p == null) return;
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        v->zErrMsg = (IntPtr)p;   // SQLite frees the previous message and this one
    }

    private static object? ReadValue(IntPtr v) => sqlite3_value_type(v) switch
    {
        SQLITE_INTEGER => sqlite3_value_int64(v),
        SQLITE_FLOAT => sqlite3_value_double(v),
        SQLITE_TEXT => Encoding.UTF8.GetString(sqlite3_value_text(v), sqlite3_value_bytes(v)),
        SQLITE_BLOB => new ReadOnlySpan<byte>(sqlite3_value_blob(v), sqlite3_value_bytes(v)).ToArray(),
        _ => null,
    };

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XNext(Cursor* c)
    {
        var s = StateOf(c);
        s.Index++;
        if (!s.Streaming) return SQLITE_OK;
        var entry = EntryOf(c->pVtab);
        try
        {
            entry.Owner.CheckCancel();   // an endless iterator is stopped by cancel / statement_timeout (or a LIMIT)
            s.Current = NextRow(s.Cursor!);
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            s.Current = null;
            var message = e is OperationCanceledException ? e.Message : entry.Owner.Fail(entry.Function, e).Message;
            SetError(c->pVtab, message);
            return SQLITE_ERROR;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XEof(Cursor* c) => StateOf(c).AtEnd ? 1 : 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XRowid(Cursor* c, long* rowid) { *rowid = StateOf(c).Index + 1; return SQLITE_OK; }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int XColumn(Cursor* c, IntPtr ctx, int i)
    {
        var s = StateOf(c);
        var row = s.Row;
        object? value = i < row.Length ? row[i] : (i - row.Length < s.Args.Length ? s.Args[i - row.Length] : null);
        switch (value)
        {
            case null: sqlite3_result_null(ctx); break;
            case long l: sqlite3_result_int64(ctx, l); break;
            case double d: sqlite3_result_double(ctx, d); break;
            case string str:
                var bytes = Encoding.UTF8.GetBytes(str);
                fixed (byte* p = bytes) sqlite3_result_text(ctx, p, bytes.Length, Transient);
                break;
            case byte[] blob:
                fixed (byte* p = blob) sqlite3_result_blob(ctx, p, blob.Length, Transient);
                break;
        }
        return SQLITE_OK;
    }

    public void Dispose() { }
}
