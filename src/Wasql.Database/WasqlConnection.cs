// One session: a SQLite connection with the catalog's functions registered, statement execution (batches,
// single statements with parameters, prepared statements), transactions state and cancellation.
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Wasql.Database.Extensions;
using Wasql.Database.Functions;
using Wasql.Database.Sql;

namespace Wasql.Database;

/// <summary>Gives the value of one parameter of a statement.</summary>
/// <param name="name">SQLite's name for it: <c>@x</c>, <c>:x</c>, <c>$x</c>, <c>?3</c>/<c>$3</c>, or empty for a bare <c>?</c>.</param>
/// <param name="position">The 0-based position in the statement's value list it binds from.</param>
public delegate object? ParameterResolver(string name, int position);

/// <summary>
/// A session on a <see cref="WasqlDatabase"/>. Not thread-safe (one statement at a time), except <see cref="Cancel"/>,
/// which may be called from any thread. Plain SQL goes to SQLite unchanged; <c>CREATE FUNCTION</c>,
/// <c>DROP FUNCTION</c> and <c>SHOW FUNCTIONS</c> are handled by Wasql.
/// </summary>
public sealed class WasqlConnection : IDisposable
{
    private readonly SqliteConnection _sqlite;
    private readonly ConnectionFunctions _functions;
    private volatile bool _cancelRequested;
    private bool _disposed;

    internal WasqlConnection(WasqlDatabase database, SqliteConnection sqlite)
    {
        Database = database;
        _sqlite = sqlite;
        Handle = sqlite.Handle!;
        _functions = new ConnectionFunctions(this);
        _functions.Sync();
        Authorizer = new Security.SessionAuthorizer(this);
        Transaction = new Transactions.SessionTransaction(this, database.WriterLock, database.GroupCommit);
        LockTimeout = database.Options.LockTimeout;
        // Internal cases SQLite still reports as busy (a checkpoint, another process on the file) wait this long.
        raw.sqlite3_busy_timeout(Handle, (int)Math.Min(int.MaxValue, database.Options.BusyTimeout.TotalMilliseconds));
    }

    internal Transactions.SessionTransaction Transaction { get; }

    /// <summary>How long a write waits for the database's writer lock (held by another session's write or write
    /// transaction) before failing with SQLSTATE 55P03. Zero or negative: no limit. Default
    /// <see cref="WasqlOptions.LockTimeout"/>.</summary>
    public TimeSpan LockTimeout { get; set; }

    internal Security.SessionAuthorizer Authorizer { get; }

    /// <summary>The role statements run as: superusers pass every privilege check, ordinary users need privileges
    /// (see README, "Security"). Embedded sessions are <see cref="Security.SessionRole.Local"/> (a superuser).</summary>
    public Security.SessionRole Role { get; private set; } = Security.SessionRole.Local;

    /// <summary>Makes the session act as the role <paramref name="name"/> (also the <see cref="Session"/>'s user). An unknown name is refused, unless
    /// <paramref name="unknownIsSuperuser"/> (the server's trust mode: a local developer who names no role).</summary>
    /// <exception cref="WasqlException">28000 when the role does not exist</exception>
    public void SetRole(string name, bool unknownIsSuperuser = false)
    {
        var key = name.ToLowerInvariant();
        if (Database.Roles.TryGetValue(key, out var role)) Role = new Security.SessionRole(role.Name, role.Superuser);
        else if (unknownIsSuperuser) Role = new Security.SessionRole(key, true);
        else throw new WasqlException(SqlStates.InvalidAuthorization, $"role \"{name}\" does not exist");
        // plugins see the role the session acts as (a trusted name that is no role keeps its spelling)
        Session = Session with { User = role?.Name ?? name };
    }

    /// <summary>Re-reads the session's role after roles changed (a demoted user loses superuser at once).</summary>
    internal void RefreshRole()
    {
        if (Role == Security.SessionRole.Local) return;
        if (Database.Roles.TryGetValue(Role.Name, out var role)) Role = new Security.SessionRole(role.Name, role.Superuser);
    }

    /// <summary>The database this session belongs to.</summary>
    public WasqlDatabase Database { get; }

    /// <summary>The underlying Microsoft.Data.Sqlite connection: Wasql's own catalog queries run on it.</summary>
    internal SqliteConnection SqliteConnection => _sqlite;

    /// <summary>The schema this session sees (relations, columns, index keys), from the storage engine's own catalog.</summary>
    public Engine.IEngineSchema Schema => _schema ??= new Engine.SqliteSchema(_sqlite);
    private Engine.IEngineSchema? _schema;

    /// <summary>A reader over a result already in memory, for a layer that answers some statements itself (the
    /// server's SET/SHOW and pg_catalog emulation), so it streams every result the same way.</summary>
    public WasqlRowReader ReaderFor(QueryResult result) =>
        new(this, new StatementRun(this, null, []), new ResultRowSource(result));

    /// <summary>Reads or writes catalog tables of a layer above the database (plugins) atomically, in one savepoint on
    /// this session's internal connection; see <see cref="Catalog.CatalogTransaction"/>.</summary>
    public T InCatalogTransaction<T>(Func<Catalog.CatalogTransaction, T> work) =>
        Catalog.CatalogTransaction.InSavepoint(_sqlite, "wasql_extension_catalog", () => work(new Catalog.CatalogTransaction(_sqlite)));

    /// <inheritdoc cref="InCatalogTransaction{T}(Func{Catalog.CatalogTransaction, T})"/>
    public void InCatalogTransaction(Action<Catalog.CatalogTransaction> work) =>
        InCatalogTransaction(t => { work(t); return 0; });

    internal sqlite3 Handle { get; }
    internal ConnectionFunctions Functions => _functions;
    internal bool CancelRequested => _cancelRequested;
    internal bool CatalogChangedInTransaction { get; set; }

    /// <summary>Who runs statements on this session (read by extensions such as query plugins). The server sets it from
    /// the client's startup packet and address; embedded sessions default to <see cref="SessionInfo.Local"/>.</summary>
    public SessionInfo Session { get; set; } = SessionInfo.Local;

    /// <summary>False for internal sessions whose statements extensions must not see (e.g. the server's user lookups).
    /// Default true.</summary>
    public bool ExtensionsEnabled { get; set; } = true;

    /// <summary>True inside an explicit transaction (after BEGIN, before COMMIT/ROLLBACK).</summary>
    public bool InTransaction => Transaction.InTransaction;

    /// <summary>True inside a READ ONLY transaction (writes fail with SQLSTATE 25006).</summary>
    public bool InReadOnlyTransaction => Transaction.ReadOnly;

    /// <summary>Runs every statement of <paramref name="sql"/> (separated by ';') in order and returns one result per
    /// statement. Stops at the first error, which is thrown (earlier statements stay applied, as in Postgres' simple
    /// query protocol outside a transaction). Error positions are relative to the whole text.</summary>
    public IReadOnlyList<QueryResult> ExecuteBatch(string sql)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var results = new List<QueryResult>();
        foreach (var piece in StatementSplitter.Split(sql))
        {
            using var prepared = PrepareOrDefer(piece.Text, piece.Offset);
            results.Add(ExecutePrepared(prepared, null));
        }
        return results;
    }

    /// <summary>Runs exactly one statement, binding <paramref name="parameters"/> to <c>$1</c>, <c>$2</c>... (or to
    /// <c>?</c> placeholders in order).</summary>
    public QueryResult Execute(string sql, IReadOnlyList<object?>? parameters = null)
    {
        using var prepared = PrepareOrDefer(SingleStatement(sql), 0);
        return ExecutePrepared(prepared, parameters);
    }

    private Copy.ICopyChannel? _copyChannel;

    /// <summary>Runs one COPY statement (<c>COPY t FROM STDIN</c>, <c>COPY t|(query) TO STDOUT</c>) exchanging its
    /// rows through <paramref name="channel"/>: like any statement it takes the writer lock when it writes, goes
    /// through extensions (kind <c>copy</c>) and runs in one transaction (or the enclosing one) with nothing loaded
    /// when it fails.</summary>
    public QueryResult ExecuteCopy(string sql, Copy.ICopyChannel channel)
    {
        _copyChannel = channel;
        try { return Execute(sql); }
        finally { _copyChannel = null; }
    }

    /// <summary>Prepares one statement for repeated execution. Dispose the statement when done.</summary>
    public WasqlStatement Prepare(string sql) => new(this, PrepareInternal(SingleStatement(sql), 0));

    /// <summary>Plans one statement without running it and describes it as extensions see it (kind, tables), e.g. for
    /// <c>EXPLAIN FILTERS</c>.</summary>
    public StatementContext Inspect(string sql)
    {
        using var prepared = PrepareInternal(SingleStatement(sql), 0);
        return new StatementContext(this, prepared, null);
    }

    /// <summary>Every function in the catalog (same as <see cref="WasqlDatabase.ListFunctions"/>).</summary>
    public IReadOnlyList<WasqlFunctionInfo> ListFunctions() => Database.ListFunctions();

    /// <summary>Interrupts the statement running on this connection (from any thread): SQLite stops at its next
    /// check and UDF calls stop before their next row. The statement fails with SQLSTATE 57014. Harmless when idle.</summary>
    public void Cancel()
    {
        if (_disposed) return;
        _cancelRequested = true;
        raw.sqlite3_interrupt(Handle);
    }

    /// <summary>The statements of a batch, in order (split at top-level <c>;</c>: quotes, comments, dollar quotes and
    /// trigger bodies stay whole; statements of only comments are dropped).</summary>
    public static IReadOnlyList<string> SplitStatements(string sql) => StatementSplitter.Split(sql).Select(p => p.Text).ToList();

    private string SingleStatement(string sql)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pieces = StatementSplitter.Split(sql);
        if (pieces.Count > 1)
            throw new WasqlException(SqlStates.SyntaxError, "cannot insert multiple commands into a prepared statement",
                pieces[1].Offset + 1) { Hint = "Execute and Prepare take one statement; run scripts with ExecuteBatch." };
        return pieces.Count == 0 ? "" : sql;
    }

    /// <summary>Like PrepareInternal, but when extensions are active a statement that fails to plan still goes through
    /// them (before-hooks may rewrite it, after-hooks see the error).</summary>
    private PreparedSql PrepareOrDefer(string text, int offset)
    {
        try { return PrepareInternal(text, offset); }
        catch (WasqlException e) when (ExtensionsEnabled && Database.Extensions.Length > 0)
        {
            return PreparedSql.Failed(this, text, offset, e);
        }
    }

    internal PreparedSql PrepareInternal(string text, int offset)
    {
        _streaming?.Detach();          // Sync may re-register functions, which SQLite refuses while a statement is live
        _functions.Sync();
        RefreshRole();
        using var checking = Authorizer.Checking();
        return PreparedSql.Prepare(this, text, offset);
    }

    /// <summary>Runs one statement and returns a forward-only reader over its rows, which come from SQLite as they
    /// are read (unless an extension needs the whole result). Dispose the reader to finish the statement.</summary>
    public WasqlRowReader ExecuteReader(string sql, IReadOnlyList<object?>? parameters = null)
    {
        var prepared = PrepareOrDefer(SingleStatement(sql), 0);
        try { return ExecuteReader(prepared, parameters, ownsPrepared: true); }
        catch { prepared.Dispose(); throw; }
    }

    /// <summary>Runs one statement whose parameters are looked up by name or position (how named-parameter APIs
    /// such as ADO.NET bind): <paramref name="parameters"/> is asked once per parameter of the statement.</summary>
    public WasqlRowReader ExecuteReader(string sql, ParameterResolver parameters)
    {
        var prepared = PrepareOrDefer(SingleStatement(sql), 0);
        try { return ExecuteReader(prepared, prepared.ResolveParameters(parameters), ownsPrepared: true); }
        catch { prepared.Dispose(); throw; }
    }

    /// <summary>The bytes all sessions sharing this budget may hold together in buffered results (e.g. the server's
    /// connections); past it a statement fails with 53200. Null: no shared limit.</summary>
    public MemoryBudget? MemoryBudget { get; set; }

    /// <summary>The reader whose rows still come from a live SQLite statement, if any.</summary>
    private WasqlRowReader? _streaming;

    internal void ReaderFinished(WasqlRowReader reader)
    {
        if (_streaming == reader) _streaming = null;
    }

    internal QueryResult ExecutePrepared(PreparedSql prepared, IReadOnlyList<object?>? parameters)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var reader = ExecuteReader(prepared, parameters, ownsPrepared: false);
        var result = reader.ReadToEnd();
        result.Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return result;
    }

    /// <summary>Starts a statement: claimed commands and Wasql's DDL run at once; a SQLite statement with result columns
    /// streams; one without (INSERT, CREATE TABLE...) runs to completion here, so its effects do not wait for a Read.</summary>
    internal WasqlRowReader ExecuteReader(PreparedSql prepared, IReadOnlyList<object?>? parameters, bool ownsPrepared)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _streaming?.Detach();          // one live SQLite statement per connection: the open one buffers its rest
        _functions.Sync();
        _cancelRequested = false;
        var extensions = ExtensionsEnabled && prepared.Extension is null ? Database.Extensions : [];
        var statement = extensions.Length == 0 ? null : new StatementContext(this, prepared, parameters);
        var run = new StatementRun(this, statement, extensions);
        if (ownsPrepared) run.Own(prepared);
        try
        {
            if (prepared.Extension is { RequiresSuperuser: true } && !Role.Superuser)
                throw new WasqlException(SqlStates.InsufficientPrivilege, $"permission denied: {prepared.Extension.Verb} is reserved to superusers");
            WasqlException? error = null;
            if (statement is not null)
            {
                try { RunBeforeHooks(extensions, statement, run); }
                catch (WasqlException e) { error = e; }   // a denied statement still reaches after-hooks (audit sees it)
            }
            var current = statement?.Prepared ?? prepared;
            RowSource? source = null;
            if (error is null)
            {
                try
                {
                    source = prepared.Extension is { } claimed ? new ResultRowSource(RunClaimed(claimed, parameters))
                        : Start(current, parameters);
                }
                catch (WasqlException e) { error = e; }
            }
            // Streams unless an after-hook needs the rows or the statement changes table ownership once it succeeds.
            if (source is SqliteRowSource && source.Columns.Count > 0 && statement?.NeedsResult != true && current.OwnershipChanges.Count == 0)
            {
                var streaming = new WasqlRowReader(this, run, source);
                _streaming = streaming;
                return streaming;
            }
            // Held whole: commands, statements without rows, and results an after-hook needs.
            QueryResult? result = null;
            if (error is null && source is not null)
            {
                try
                {
                    result = source is ResultRowSource held ? held.Result : Materialize(source, current, run);
                    if (source is SqliteRowSource) Security.SecurityDdl.ApplyOwnership(this, current.OwnershipChanges);
                }
                catch (WasqlException e) { error = e; }
            }
            var outcome = run.After(result, error);
            if (outcome.Error is { } failed) throw failed;
            run.Complete(null, null);
            return new WasqlRowReader(this, run, new ResultRowSource(outcome.Result!));
        }
        catch (WasqlException e)
        {
            var final = run.Completed ? e : run.Complete(e, null) ?? e;
            run.Dispose();
            throw statement is not null && statement.Notices.Count > 0 && final.Notices.Count == 0 ? final.WithNotices(statement.Notices) : final;
        }
        catch
        {
            if (!run.Completed) EndStatement();
            run.Dispose();
            throw;
        }
    }

    /// <summary>An extension's own command (plugin DDL): it writes the catalog, so it takes the writer lock (released
    /// in <see cref="EndStatement"/>).</summary>
    private QueryResult RunClaimed(ExtensionCommand claimed, IReadOnlyList<object?>? parameters)
    {
        Transaction.BeforeStatement(writes: !claimed.Verb.StartsWith("SHOW", StringComparison.Ordinal) && !claimed.Verb.StartsWith("EXPLAIN", StringComparison.Ordinal));
        return claimed.Execute(this, parameters);
    }

    /// <summary>Starts a planned statement after the privilege checks: transaction control and Wasql's DDL run now; SQL
    /// is stepped later, with the authorizer checking (SQLite re-plans silently after a schema change). A write takes
    /// the writer lock here; <see cref="EndStatement"/> releases it once no transaction is open.</summary>
    private RowSource Start(PreparedSql prepared, IReadOnlyList<object?>? parameters)
    {
        if (prepared.Transaction is { } control) return new ResultRowSource(Transaction.Control(control));
        // CREATE/DROP FUNCTION may compile for minutes: it must not hold the writer lock meanwhile, so its short catalog
        // write relies on SQLite's busy timeout instead. Role and grant DDL takes the lock like any write.
        bool writes = prepared.Command is { } c ? c is SecurityCommand && !c.Verb.StartsWith("SHOW", StringComparison.Ordinal) : prepared.Writes;
        Transaction.BeforeStatement(writes);
        if (prepared.Command is { } command)
        {
            Security.CommandPrivileges.Check(this, command);
            if (command is SecurityCommand security) return new ResultRowSource(Security.SecurityDdl.Execute(this, security));
            var done = FunctionDdl.Execute(this, command, prepared);
            Security.SecurityDdl.AfterFunctionCommand(this, command);
            return new ResultRowSource(done);
        }
        Security.CommandPrivileges.CheckStatementText(this, prepared.Text);
        using (Authorizer.Checking())
            return prepared.Copy is { } copy ? new ResultRowSource(Copy.CopyRunner.Run(this, prepared, copy, _copyChannel)) : prepared.Start(parameters);
    }

    private static QueryResult Materialize(RowSource source, PreparedSql prepared, StatementRun run)
    {
        var rows = run.ReadAll(source);
        return new QueryResult(source.Columns.Count > 0 ? source.Columns : [], rows, source.RecordsAffected, source.Tag);
    }

    /// <summary>Per-statement state reset once a statement's SQLite work is over.</summary>
    internal void EndStatement()
    {
        if (CatalogChangedInTransaction && !InTransaction)
        {
            // The transaction that changed functions ended: its COMMIT kept them, a ROLLBACK undid them.
            CatalogChangedInTransaction = false;
            Database.Registry.Reload(_sqlite);
        }
        _functions.EndStatement();
        _cancelRequested = false;
        Transaction.AfterStatement();
    }

    private void RunBeforeHooks(StatementExtension[] extensions, StatementContext statement, StatementRun run)
    {
        for (int i = 0; i < extensions.Length; i++)
        {
            if (extensions[i].Before(statement).RewrittenText is not { } text) continue;
            if (statement.Rewrites >= Database.Options.MaxRewrites)
                throw new WasqlException(SqlStates.StatementTooComplex,
                    $"statement rewritten more than {Database.Options.MaxRewrites} times (WasqlOptions.MaxRewrites); last text: {Shorten(text)}");
            var next = PrepareInternal(SingleStatement(text), 0);
            run.Own(next);
            statement.Rewritten(next);
            i = -1;   // every extension sees the new text from the start
        }
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "...";

    /// <summary>Closes the session (rolling back an open transaction).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _functions.Dispose();
        _sqlite.Dispose();              // rolls back an open transaction first
        Transaction.Dispose();
    }
}
