// The database-wide, in-memory view of the catalog: every function bound to its loaded UdfModule (modules shared by
// SHA-256), the errors of functions that failed to load, and a version that tells connections to re-register.
using Microsoft.Data.Sqlite;
using Wasql.Database.Catalog;
using Wasql.Udf;

namespace Wasql.Database.Functions;

/// <summary>A catalog function ready to call: the stored row plus its bound wasm function (or why it is unusable).</summary>
internal sealed class RegisteredFunction
{
    public required StoredFunction Stored { get; init; }
    public required long ModuleSize { get; init; }
    public UdfModule? Module { get; init; }
    public ArrowUdfFunction? Arrow { get; init; }
    public DirectFunction? Direct { get; init; }
    public DirectTableFunction? DirectTable { get; init; }
    public string? LoadError { get; init; }

    public string Name => Stored.Name;
    public IReadOnlyList<string> ArgumentTypes => Stored.ArgumentTypes;
    public int Arity => Stored.ArgumentTypes.Count;
    public bool IsTable => Stored.Kind == "table";

    public WasqlFunctionInfo Info => new(Stored.Name, Stored.ArgumentTypes, Stored.ReturnType, Stored.Language, Stored.Abi,
        Stored.Kind, Stored.ExportName, Stored.ModuleSha256, ModuleSize, Stored.TableColumns, Stored.Source, LoadError);
}

internal sealed class FunctionRegistry(WasqlDatabase database) : IDisposable
{
    private readonly object _lock = new();
    private readonly ModuleCache _modules = new((wasm, name) => database.Udfs.Load(wasm, name));
    private List<string> _held = [];   // one module reference per function of the current view
    private IReadOnlyList<RegisteredFunction> _functions = [];
    private IReadOnlyList<string> _loadErrors = [];
    private long _version;

    public long Version => Interlocked.Read(ref _version);
    public IReadOnlyList<RegisteredFunction> Functions { get { lock (_lock) return _functions; } }
    public IReadOnlyList<string> LoadErrors { get { lock (_lock) return _loadErrors; } }

    public IReadOnlyList<WasqlFunctionInfo> List() => Functions.Select(f => f.Info).ToArray();

    /// <summary>Whether <paramref name="name"/> is a table function of the catalog (read as an eponymous virtual table).</summary>
    public bool IsTableFunction(string name)
    {
        foreach (var f in Functions)
            if (f.IsTable && f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Rebuilds the view from the catalog tables read on <paramref name="c"/> (after open, and after every
    /// committed or rolled-back change to functions).</summary>
    public void Reload(SqliteConnection c)
    {
        var (rows, warnings) = CatalogStore.ReadFunctions(c);
        var list = new List<RegisteredFunction>();
        var errors = new List<string>(warnings);
        lock (_lock)
        {
            var held = new List<string>();
            foreach (var row in rows)
            {
                RegisteredFunction f;
                long size = 0;
                try
                {
                    var module = _modules.Acquire(row.ModuleSha256, row.Name, () =>
                    {
                        var stored = CatalogStore.ReadModule(c, row.ModuleSha256)
                            ?? throw new InvalidDataException("stored module is missing");
                        size = stored.Size;
                        return ModuleCodec.Decompress(stored.Data, stored.Codec, stored.Size, row.ModuleSha256);
                    });
                    held.Add(row.ModuleSha256);
                    if (size == 0) size = CatalogStore.ModuleSize(c, row.ModuleSha256);
                    f = Bind(row, module, size);
                }
                catch (Exception e) when (e is InvalidDataException or UdfException or WasqlException or SqliteException)
                {
                    var msg = $"function {row.Name}({string.Join(", ", row.ArgumentTypes)}): {Describe(e)}";
                    errors.Add(msg);
                    f = new RegisteredFunction { Stored = row, ModuleSize = size, LoadError = msg };
                }
                list.Add(f);
            }
            // The previous view's references go last, so a module used before and after is never unloaded.
            foreach (var sha in _held) _modules.Release(sha);
            _held = held;
            _functions = list;
            _loadErrors = errors;
            Interlocked.Increment(ref _version);
        }
    }

    private static string Describe(Exception e) => e is UdfException u ? u.Cause : e.Message;

    /// <summary>The module for <paramref name="sha256"/> from bytes at hand (CREATE FUNCTION), compiled unless loaded;
    /// the caller owns one reference and gives it back with <see cref="ReleaseModule"/>.</summary>
    public UdfModule AcquireModule(string sha256, byte[] wasm, string name) => _modules.Acquire(sha256, wasm, name);

    public void ReleaseModule(string sha256) => _modules.Release(sha256);

    /// <summary>Binds a stored definition to its module: finds the arrow-udf function by name and argument types, or
    /// binds the direct export. Throws <see cref="WasqlException"/> when the module does not provide it.</summary>
    public static RegisteredFunction Bind(StoredFunction row, UdfModule module, long size)
    {
        if (row.Abi == "arrow-udf")
        {
            if (!module.IsArrowUdf)
                throw new WasqlException(SqlStates.InvalidFunctionDefinition,
                    $"module is not an arrow-udf module (no ARROWUDF_VERSION export); use WITH (abi = 'direct', export = '...') for a plain export");
            var fn = module.FindFunction(row.ExportName, row.ArgumentTypes);
            if (fn is null)
            {
                var available = string.Join("; ", module.Functions.Select(f => f.Signature));
                throw new WasqlException(SqlStates.UndefinedFunction,
                    $"module has no arrow-udf function {row.ExportName}({string.Join(", ", row.ArgumentTypes)}); available: {(available.Length == 0 ? "none" : available)}");
            }
            bool table = row.Kind == "table";
            if (fn.IsTable != table)
                throw new WasqlException(SqlStates.InvalidFunctionDefinition,
                    $"{fn.Signature} is a {(fn.IsTable ? "table" : "scalar")} function but was declared as {(table ? "a table" : "a scalar")} function");
            if (!table && !SameType(row.ReturnType, fn.ReturnType.Name))
                throw new WasqlException(SqlStates.InvalidFunctionDefinition,
                    $"return type mismatch: declared {row.ReturnType}, module's {fn.Signature} returns {fn.ReturnType.Name}");
            return new RegisteredFunction { Stored = row, ModuleSize = size, Module = module, Arrow = fn };
        }
        var shape = DirectOptions.Read(row.Options);
        var carriers = row.ArgumentTypes.Select(Carrier).ToArray();
        if (row.Kind == "table")
        {
            var table = module.BindDirectTable(row.ExportName, carriers, row.TableColumns.Count, shape.CalledOnNullInput);
            return new RegisteredFunction { Stored = row, ModuleSize = size, Module = module, DirectTable = table };
        }
        var direct = module.BindDirect(row.ExportName, carriers, Carrier(row.ReturnType), shape.CalledOnNullInput, shape.NullableResult);
        return new RegisteredFunction { Stored = row, ModuleSize = size, Module = module, Direct = direct };
    }

    private static string Carrier(string type) => TypeNames.DirectCarrier(type) is { } t ? Wasql.Udf.SqlTypes.Name(t)
        : throw new WasqlException(SqlStates.FeatureNotSupported,
            $"type {type} is not supported by the direct ABI (int2, int4, int8, float4, float8, boolean, text, bytea; decimal, date, time, timestamp, timestamptz, interval and json as text); use an arrow-udf module");

    private static bool SameType(string declared, string moduleType)
    {
        try { return TypeNames.Normalize(moduleType, 0) == declared; }
        catch (WasqlException) { return true; }   // a type we do not model (e.g. struct): trust the declaration
    }

    /// <summary>Marks the catalog changed so every connection re-registers before its next statement.</summary>
    public void Touch() => Interlocked.Increment(ref _version);

    public void Dispose()
    {
        lock (_lock) _held = [];
        _modules.Dispose();
    }
}
