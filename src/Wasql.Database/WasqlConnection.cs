// One session: a SQLite connection with the catalog's functions registered, statement execution (batches,
// single statements with parameters, prepared statements), transactions state and cancellation.
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Wasql.Database.Extensions;
using Wasql.Database.Functions;
using Wasql.Database.Sql;

namespace Wasql.Database;

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
    }

    internal Security.SessionAuthorizer Authorizer { get; }

    /// <summary>The role statements run as: superusers pass every privilege check, ordinary users need privileges
    /// (see README, "Security"). Embedded sessions are <see cref="Security.SessionRole.Local"/> (a superuser).</summary>
    public Security.SessionRole Role { get; private set; } = Security.SessionRole.Local;

    /// <summary>Makes the session act as the role <paramref name="name"/>. An unknown name is refused, unless
    /// <paramref name="unknownIsSuperuser"/> (the server's trust mode: a local developer who names no role).</summary>
    /// <exception cref="WasqlException">28000 when the role does not exist</exception>
    public void SetRole(string name, bool unknownIsSuperuser = false)
    {
        var key = name.ToLowerInvariant();
        if (Database.Roles.TryGetValue(key, out var role)) Role = new Security.SessionRole(role.Name, role.Superuser);
        else if (unknownIsSuperuser) Role = new Security.SessionRole(key, true);
        else throw new WasqlException(SqlStates.InvalidAuthorization, $"role \"{name}\" does not exist");
    }

    /// <summary>Re-reads the session's role after roles changed (a demoted user loses superuser at once).</summary>
    internal void RefreshRole()
    {
        if (Role == Security.SessionRole.Local) return;
        if (Database.Roles.TryGetValue(Role.Name, out var role)) Role = new Security.SessionRole(role.Name, role.Superuser);
    }

    /// <summary>The database this session belongs to.</summary>
    public WasqlDatabase Database { get; }

    /// <summary>The underlying Microsoft.Data.Sqlite connection (for advanced use; do not close it).</summary>
    public SqliteConnection SqliteConnection => _sqlite;

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
    public bool InTransaction => raw.sqlite3_get_autocommit(Handle) == 0;

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
        _functions.Sync();
        RefreshRole();
        using var checking = Authorizer.Checking();
        return PreparedSql.Prepare(this, text, offset);
    }

    internal QueryResult ExecutePrepared(PreparedSql prepared, IReadOnlyList<object?>? parameters)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _functions.Sync();
        _cancelRequested = false;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var extensions = ExtensionsEnabled ? Database.Extensions : [];
            if (prepared.Extension is { RequiresSuperuser: true } && !Role.Superuser)
                throw new WasqlException(SqlStates.InsufficientPrivilege, $"permission denied: {prepared.Extension.Verb} is reserved to superusers");
            var result = prepared.Extension is { } claimed ? claimed.Execute(this, parameters)
                : extensions.Length == 0 ? Run(prepared, parameters)
                : RunWithExtensions(extensions, prepared, parameters);
            if (CatalogChangedInTransaction && !InTransaction)
            {
                // The transaction that changed functions ended: its COMMIT kept them, a ROLLBACK undid them.
                CatalogChangedInTransaction = false;
                Database.Registry.Reload(_sqlite);
            }
            result.Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            return result;
        }
        finally
        {
            _functions.EndStatement();
            _cancelRequested = false;
        }
    }

    private QueryResult Run(PreparedSql prepared, IReadOnlyList<object?>? parameters)
    {
        if (prepared.Command is { } command)
        {
            Security.CommandPrivileges.Check(this, command);
            if (command is SecurityCommand security) return Security.SecurityDdl.Execute(this, security);
            var done = FunctionDdl.Execute(this, command, prepared);
            Security.SecurityDdl.AfterFunctionCommand(this, command);
            return done;
        }
        Security.CommandPrivileges.CheckStatementText(this, prepared.Text);
        QueryResult result;
        using (Authorizer.Checking()) result = prepared.Run(parameters);
        Security.SecurityDdl.ApplyOwnership(this, prepared.OwnershipChanges);
        return result;
    }

    /// <summary>Before-hooks (a rewrite re-plans and starts them again), the statement, after-hooks in reverse.</summary>
    private QueryResult RunWithExtensions(StatementExtension[] extensions, PreparedSql prepared, IReadOnlyList<object?>? parameters)
    {
        var statement = new StatementContext(this, prepared, parameters);
        List<PreparedSql>? rewritten = null;   // statements planned for rewrites, disposed at the end
        try
        {
            QueryResult? result = null;
            WasqlException? error = null;
            try { RunBeforeHooks(extensions, statement, ref rewritten); }
            catch (WasqlException e) { error = e; }   // a denied statement still reaches after-hooks (audit sees it)
            if (error is null)
            {
                try { result = Run(statement.Prepared, parameters); }
                catch (WasqlException e) { error = e; }
            }
            var outcome = new StatementOutcome(result, error);
            for (int i = extensions.Length - 1; i >= 0; i--) extensions[i].After(statement, outcome);
            if (outcome.Error is { } failed) throw failed.WithNotices(statement.Notices);
            outcome.Result!.Notices = statement.Notices;
            return outcome.Result;
        }
        catch (WasqlException e) when (statement.Notices.Count > 0 && e.Notices.Count == 0)
        {
            throw e.WithNotices(statement.Notices);
        }
        finally
        {
            if (rewritten is not null) foreach (var p in rewritten) p.Dispose();
        }
    }

    private void RunBeforeHooks(StatementExtension[] extensions, StatementContext statement, ref List<PreparedSql>? rewritten)
    {
        for (int i = 0; i < extensions.Length; i++)
        {
            if (extensions[i].Before(statement).RewrittenText is not { } text) continue;
            if (statement.Rewrites >= Database.Options.MaxRewrites)
                throw new WasqlException(SqlStates.StatementTooComplex,
                    $"statement rewritten more than {Database.Options.MaxRewrites} times (WasqlOptions.MaxRewrites); last text: {Shorten(text)}");
            var next = PrepareInternal(SingleStatement(text), 0);
            (rewritten ??= []).Add(next);
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
        _sqlite.Dispose();
    }
}
