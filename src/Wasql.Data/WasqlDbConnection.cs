// The ADO.NET connection: opens a session (WasqlConnection) on the pooled database its connection string names, binds
// the session to the connection string's role, and hands out commands and transactions. Closing rolls back an open
// transaction and ends the session; the database stays open for the next connection (ClearAllPools closes it).
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Wasql.Database;

namespace Wasql.Data;

/// <summary>A connection to a Wasql database through ADO.NET (Dapper, data libraries, DbProviderFactories).</summary>
public sealed class WasqlDbConnection : DbConnection
{
    private string _connectionString = "";
    private PooledDatabase? _database;
    private WasqlConnection? _session;
    private ConnectionState _state = ConnectionState.Closed;

    /// <summary>A closed connection without a connection string.</summary>
    public WasqlDbConnection() { }

    /// <summary>A closed connection with <paramref name="connectionString"/> (see <see cref="WasqlConnectionStringBuilder"/>).</summary>
    public WasqlDbConnection(string connectionString) => ConnectionString = connectionString;

    /// <inheritdoc/>
    [AllowNull]
    public override string ConnectionString
    {
        get => _connectionString;
        set
        {
            if (_state != ConnectionState.Closed) throw new InvalidOperationException("the connection string cannot change while the connection is open");
            Settings = new WasqlConnectionStringBuilder(value);   // validates now, not at Open
            _connectionString = value ?? "";
        }
    }

    internal WasqlConnectionStringBuilder Settings { get; private set; } = new();

    /// <summary>The open session, or null when closed.</summary>
    internal WasqlConnection? OpenSession => _session;

    /// <summary>The session behind this connection (its role, functions, cancellation), for what ADO.NET has no words for.</summary>
    /// <exception cref="InvalidOperationException">the connection is closed</exception>
    public WasqlConnection Session => _session ?? throw new InvalidOperationException("the connection is not open");

    /// <summary>Always <c>main</c> (a Wasql database is one file).</summary>
    public override string Database => "main";
    /// <inheritdoc/>
    public override string DataSource => Settings.DataSource;
    /// <inheritdoc/>
    public override string ServerVersion => typeof(WasqlDatabase).Assembly.GetName().Version?.ToString(3) ?? "0";
    /// <inheritdoc/>
    public override ConnectionState State => _state;
    /// <inheritdoc/>
    protected override DbProviderFactory DbProviderFactory => WasqlProviderFactory.Instance;

    /// <inheritdoc/>
    public override void Open()
    {
        if (_state == ConnectionState.Open) throw new InvalidOperationException("the connection is already open");
        if (string.IsNullOrEmpty(Settings.DataSource))
            throw new InvalidOperationException("the connection string names no database: set Data Source (a file path or :memory:)");
        var database = DatabasePool.Acquire(Settings);
        try
        {
            var session = database.Database.Connect();
            try
            {
                if (Settings.User is { Length: > 0 } user) session.SetRole(user);
                if (Settings.LockTimeout is { } wait) session.LockTimeout = wait;
            }
            catch
            {
                session.Dispose();
                throw;
            }
            _session = session;
            _database = database;
        }
        catch
        {
            DatabasePool.Release(database);
            throw;
        }
        var previous = _state;
        _state = ConnectionState.Open;
        OnStateChange(new StateChangeEventArgs(previous, _state));
    }

    /// <inheritdoc/>
    public override Task OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Open();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override void Close()
    {
        if (_state == ConnectionState.Closed) return;
        try
        {
            if (_session is { InTransaction: true } s)
                try { s.Execute("ROLLBACK"); } catch (WasqlException) { /* the session ends anyway */ }
            _session?.Dispose();
        }
        finally
        {
            _session = null;
            if (_database is { } db) DatabasePool.Release(db);
            _database = null;
            _state = ConnectionState.Closed;
            OnStateChange(new StateChangeEventArgs(ConnectionState.Open, ConnectionState.Closed));
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    /// <summary>A command with this connection.</summary>
    public new WasqlCommand CreateCommand() => new() { Connection = this };
    /// <inheritdoc/>
    protected override DbCommand CreateDbCommand() => CreateCommand();

    /// <summary>Begins a transaction (one at a time). Isolation: a transaction sees one snapshot of the database
    /// (SQLite WAL), and writers take the database's write lock at their first write; every level runs that way.</summary>
    public new WasqlTransaction BeginTransaction() => BeginTransaction(IsolationLevel.Unspecified);

    /// <inheritdoc cref="BeginTransaction()"/>
    public new WasqlTransaction BeginTransaction(IsolationLevel isolationLevel) => (WasqlTransaction)BeginDbTransaction(isolationLevel);

    /// <inheritdoc/>
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel)
    {
        if (isolationLevel == IsolationLevel.Chaos) throw new ArgumentException("IsolationLevel.Chaos is not supported", nameof(isolationLevel));
        var session = Session;
        if (session.InTransaction) throw new InvalidOperationException("a transaction is already open on this connection (Wasql has no nested transactions; use savepoints: transaction.Save(name))");
        session.Execute("BEGIN");
        return new WasqlTransaction(this, isolationLevel);
    }

    /// <summary>Not supported: a connection is bound to one database file.</summary>
    public override void ChangeDatabase(string databaseName) =>
        throw new NotSupportedException("a Wasql connection is bound to one database file: open another connection (Data Source=...)");

    /// <summary>Closes every pooled database that no open connection uses (e.g. before deleting its file).</summary>
    public static void ClearAllPools() => DatabasePool.ClearAll();
}
