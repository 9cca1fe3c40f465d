// The database object: opens the SQLite file (or a shared in-memory database), owns the UDF runtime and the
// function catalog loaded from it, and hands out connections (sessions).
using Microsoft.Data.Sqlite;
using Wasql.Database.Catalog;
using Wasql.Database.Functions;
using Wasql.Udf;

namespace Wasql.Database;

/// <summary>
/// An embedded Wasql database: SQLite in-process on a file (or <c>:memory:</c>) plus WebAssembly functions created
/// with <c>CREATE FUNCTION</c> and kept in catalog tables inside the same file. Thread-safe; open one per file and
/// take a <see cref="WasqlConnection"/> per session with <see cref="Connect"/>.
/// </summary>
public sealed class WasqlDatabase : IDisposable
{
    private readonly SqliteConnection _keeper;   // holds an in-memory database alive; runs catalog loads
    private readonly object _keeperLock = new();
    private bool _disposed;

    private WasqlDatabase(string path, WasqlOptions options)
    {
        Path = path;
        Options = options;
        Udfs = new UdfRuntime(options.UdfLimits, engine => engine.CacheDirectory = options.ModuleCacheDirectory);
        CompileGate = new Compilers.CompileGate(options.CompilerLimits);
        var memory = path == ":memory:";
        ConnectionString = new SqliteConnectionStringBuilder
        {
            // memdb: one in-memory database shared by every connection of this object, with normal locking.
            DataSource = memory ? $"file:/wasql-{Guid.NewGuid():N}?vfs=memdb" : path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        IsMemory = memory;
        _keeper = OpenSqlite();
        if (!memory)
        {
            Pragma(_keeper, "PRAGMA journal_mode=WAL");
            GroupCommit = new Transactions.GroupCommit(System.IO.Path.GetFullPath(path) + "-wal");
        }
        CatalogStore.EnsureSchema(_keeper);
        Security.SecurityCatalog.EnsureSchema(_keeper);
        SecurityState.Reload(_keeper);
        Registry = new FunctionRegistry(this);
        Registry.Reload(_keeper);
    }

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>, or a fresh in-memory database for
    /// <c>":memory:"</c> that all connections of the returned object share. Every stored function is loaded; a function
    /// whose module cannot be loaded is listed in <see cref="LoadErrors"/> and fails when called, the rest work.</summary>
    public static WasqlDatabase Open(string path, WasqlOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return new WasqlDatabase(path, options ?? new WasqlOptions());
        }
        catch (SqliteException e)
        {
            throw new WasqlException(SqlStates.UndefinedFile, $"cannot open database '{path}': {e.Message}", inner: e);
        }
    }

    /// <summary>The path given to <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>True for a <c>:memory:</c> database.</summary>
    public bool IsMemory { get; }

    /// <summary>The options the database was opened with.</summary>
    public WasqlOptions Options { get; }

    /// <summary>The UDF runtime (engine and limits) all functions of this database run on.</summary>
    public UdfRuntime Udfs { get; }

    /// <summary>Messages for stored functions that could not be loaded at open, e.g.
    /// <c>function gcd(int4, int4): stored module is corrupt (sha256 mismatch)</c>.</summary>
    public IReadOnlyList<string> LoadErrors => Registry.LoadErrors;

    private Extensions.StatementExtension[] _extensions = [];

    /// <summary>
    /// Adds an extension that claims statements of its own and sees every other statement before and after it runs
    /// (query plugins use this). Affects statements prepared from now on, on every connection.
    /// </summary>
    public void AddExtension(Extensions.StatementExtension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        lock (_keeperLock) _extensions = [.. _extensions, extension];
    }

    internal Extensions.StatementExtension[] Extensions => Volatile.Read(ref _extensions);

    internal string ConnectionString { get; }
    internal FunctionRegistry Registry { get; }
    /// <summary>One writer at a time, queued (see <see cref="Transactions.WriterLock"/>).</summary>
    internal Transactions.WriterLock WriterLock { get; } = new();

    /// <summary>Makes the sessions' commits durable in batches (null for an in-memory database).</summary>
    internal Transactions.GroupCommit? GroupCommit { get; }
    internal Security.SecurityState SecurityState { get; } = new();

    /// <summary>The roles of this database (name, superuser flag, SCRAM verifier), for authentication.</summary>
    public IReadOnlyDictionary<string, Security.RoleInfo> Roles => SecurityState.Snapshot.Roles;

    /// <summary>The cap on concurrent LANGUAGE rust / c compiles of this database.</summary>
    internal Compilers.CompileGate CompileGate { get; }

    /// <summary>Opens a session: its own SQLite connection with every catalog function registered. Not thread-safe
    /// itself; open as many as needed, from any threads.</summary>
    public WasqlConnection Connect()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sqlite = OpenSqlite();
        // Sessions commit without fsync and wait for a shared flush afterwards (Transactions/GroupCommit); the
        // keeper, which writes the catalog, keeps SQLite's default FULL.
        if (GroupCommit is not null) Pragma(sqlite, "PRAGMA synchronous=NORMAL");
        return new WasqlConnection(this, sqlite);
    }

    /// <summary>Every function in the catalog, ordered by name and signature.</summary>
    public IReadOnlyList<WasqlFunctionInfo> ListFunctions() => Registry.List();

    internal SqliteConnection OpenSqlite()
    {
        var c = new SqliteConnection(ConnectionString);
        c.Open();
        Pragma(c, "PRAGMA foreign_keys=ON");
        return c;
    }

    internal static void Pragma(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Closes the keeper connection (an in-memory database is gone once every connection is closed) and
    /// the UDF runtime. Connections still open keep working for plain SQL.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_keeperLock) _keeper.Dispose();
        foreach (var extension in Extensions) (extension as IDisposable)?.Dispose();
        Registry.Dispose();
        Udfs.Dispose();
        GroupCommit?.Dispose();
        CompileGate.Dispose();
    }
}
