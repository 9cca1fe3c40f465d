// The function catalog of a database file, opened read-only, for a process that serves the functions without owning
// the database (wasql udf-server): SQLite's read-only mode, so several servers can serve copies of one catalog and none
// can change it. Reload re-reads the catalog rows and rebuilds the view only when they changed (functions created or
// dropped later by the database's owner); modules are shared by SHA-256 across reloads.
using Microsoft.Data.Sqlite;
using Wasql.Database.Functions;
using Wasql.Udf;

namespace Wasql.Database.Catalog;

/// <summary>A loaded catalog function: its definition and the bound wasm function (arrow-udf or direct ABI).</summary>
public sealed record CatalogFunction(WasqlFunctionInfo Info, ArrowUdfFunction? Arrow, DirectFunction? Direct);

/// <summary>A read-only, reloadable view of a database file's functions. Thread-safe: <see cref="Functions"/> is an
/// immutable snapshot swapped whole by <see cref="Reload"/>.</summary>
public sealed class ReadOnlyFunctionCatalog : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly UdfRuntime _runtime;
    private readonly object _lock = new();
    private readonly Dictionary<string, UdfModule> _modules = new();   // by sha256; kept until Dispose (exchanges may still use a replaced one)
    private string? _fingerprint;   // of the catalog rows last loaded; null before the first load
    private IReadOnlyList<CatalogFunction> _functions = [];
    private IReadOnlyList<string> _errors = [];

    private ReadOnlyFunctionCatalog(SqliteConnection connection, UdfRuntime runtime)
    {
        _connection = connection;
        _runtime = runtime;
    }

    /// <summary>Opens <paramref name="path"/> read-only (it must exist and hold a Wasql catalog) and loads every function
    /// on <paramref name="runtime"/>. Throws <see cref="WasqlException"/> when the file cannot be opened.</summary>
    public static ReadOnlyFunctionCatalog Open(string path, UdfRuntime runtime)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new WasqlException(SqlStates.UndefinedFile, $"database file '{path}' does not exist");
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            c.Open();
            var catalog = new ReadOnlyFunctionCatalog(c, runtime);
            catalog.Reload();
            return catalog;
        }
        catch (SqliteException e)
        {
            c.Dispose();
            throw new WasqlException(SqlStates.UndefinedFile, $"cannot read the function catalog of '{path}': {e.Message}", inner: e);
        }
    }

    /// <summary>The usable functions (those that failed to load are in <see cref="LoadErrors"/>).</summary>
    public IReadOnlyList<CatalogFunction> Functions => Volatile.Read(ref _functions);

    /// <summary>Why stored functions could not be loaded, one message each.</summary>
    public IReadOnlyList<string> LoadErrors => Volatile.Read(ref _errors);

    /// <summary>Re-reads the catalog; returns true when the set of functions changed.</summary>
    public bool Reload()
    {
        lock (_lock)
        {
            var (rows, warnings) = CatalogStore.ReadFunctions(_connection);
            string fingerprint = string.Join("\n", rows.Select(r => $"{r.Name}({r.ArgKey}) {r.ReturnType} {r.Kind} {r.Abi} {r.ExportName} {r.ModuleSha256}"));
            if (fingerprint == _fingerprint) return false;
            var functions = new List<CatalogFunction>();
            var errors = new List<string>(warnings);
            foreach (var row in rows)
            {
                try
                {
                    long size = CatalogStore.ModuleSize(_connection, row.ModuleSha256);
                    if (!_modules.TryGetValue(row.ModuleSha256, out var module))
                    {
                        var stored = CatalogStore.ReadModule(_connection, row.ModuleSha256) ?? throw new InvalidDataException("stored module is missing");
                        var wasm = ModuleCodec.Decompress(stored.Data, stored.Codec, stored.Size, row.ModuleSha256);
                        _modules[row.ModuleSha256] = module = _runtime.Load(wasm, row.Name);
                    }
                    var bound = FunctionRegistry.Bind(row, module, size);
                    functions.Add(new CatalogFunction(bound.Info, bound.Arrow, bound.Direct));
                }
                catch (Exception e) when (e is InvalidDataException or UdfException or WasqlException or SqliteException)
                {
                    errors.Add($"function {row.Name}({string.Join(", ", row.ArgumentTypes)}): {(e is UdfException u ? u.Cause : e.Message)}");
                }
            }
            _fingerprint = fingerprint;
            Volatile.Write(ref _functions, functions);
            Volatile.Write(ref _errors, errors);
            return true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var m in _modules.Values) m.Dispose();
            _modules.Clear();
            _connection.Dispose();
        }
    }
}
