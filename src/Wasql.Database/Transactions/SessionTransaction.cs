// A session's side of transaction handling: when it needs the database's writer lock, when SQLite's transaction
// really begins, and read-only transactions. Isolation: a write transaction (autocommit write or explicit
// read-write transaction) runs alone, holding the writer lock from its first statement to its end, so it sees no
// concurrent commits (serializable, and never SQLITE_BUSY_SNAPSHOT); reads run on WAL snapshots and never wait.
using SQLitePCL;
using Wasql.Database.Sql;

namespace Wasql.Database.Transactions;

internal sealed class SessionTransaction(WasqlConnection connection, WriterLock writerLock, GroupCommit? groupCommit)
{
    private bool _holdsLock;
    private bool _pendingBegin;      // BEGIN seen; SQLite's transaction starts with the first statement
    private bool _readOnly;          // the current (or pending) transaction is READ ONLY

    /// <summary>True between BEGIN and COMMIT/ROLLBACK, including a BEGIN whose first statement has not run yet.</summary>
    public bool InTransaction => _pendingBegin || raw.sqlite3_get_autocommit(connection.Handle) == 0;

    /// <summary>True while the current transaction is READ ONLY.</summary>
    public bool ReadOnly => _readOnly && InTransaction;

    /// <summary>Runs a transaction control statement.</summary>
    public QueryResult Control(TransactionStatement statement)
    {
        switch (statement.Action)
        {
            case TransactionAction.Begin:
                if (InTransaction)
                    throw new WasqlException(SqlStates.ActiveSqlTransaction, "there is already a transaction in progress");
                _pendingBegin = true;
                _readOnly = statement.Mode == AccessMode.ReadOnly;
                return QueryResult.Command("BEGIN");
            case TransactionAction.SetTransaction:
                SetMode(statement.Mode);
                return QueryResult.Command("SET");
            default:
                bool commit = statement.Action == TransactionAction.Commit;
                if (_pendingBegin) { _pendingBegin = false; EndTransaction(); }
                else if (raw.sqlite3_get_autocommit(connection.Handle) == 0)
                {
                    try { Exec(commit ? "COMMIT" : "ROLLBACK"); }
                    finally { AfterStatement(); }
                }
                else
                    throw new WasqlException(SqlStates.NoActiveSqlTransaction, "there is no transaction in progress");
                return QueryResult.Command(commit ? "COMMIT" : "ROLLBACK");
        }
    }

    private void SetMode(AccessMode mode)
    {
        if (!InTransaction)
            throw new WasqlException(SqlStates.NoActiveSqlTransaction, "SET TRANSACTION can only be used in transaction blocks");
        if (mode == AccessMode.ReadOnly && !_readOnly)
        {
            _readOnly = true;
            if (!_pendingBegin) Exec("PRAGMA query_only = ON");   // already running: refuse writes from now on
        }
        else if (mode == AccessMode.ReadWrite && _readOnly)
        {
            if (!_pendingBegin)
                throw new WasqlException(SqlStates.ActiveSqlTransaction, "transaction read-write mode must be set before any query");
            _readOnly = false;
        }
    }

    /// <summary>Called before a statement runs: starts a pending transaction, and takes the writer lock for a write
    /// outside a read-only transaction.</summary>
    public void BeforeStatement(bool writes)
    {
        if (_pendingBegin)
        {
            if (!_readOnly) Acquire();
            try { Exec(_readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE"); }
            catch { ReleaseIfIdle(); throw; }
            _pendingBegin = false;
            if (_readOnly) Exec("PRAGMA query_only = ON");
            return;
        }
        if (writes && !_holdsLock && !ReadOnly) Acquire();
    }

    /// <summary>Called after every statement (success or failure): releases the lock once no transaction is open.</summary>
    public void AfterStatement()
    {
        if (raw.sqlite3_get_autocommit(connection.Handle) != 0 && !_pendingBegin) EndTransaction();
    }

    private void EndTransaction()
    {
        if (_readOnly)
        {
            _readOnly = false;
            Exec("PRAGMA query_only = OFF");
        }
        // A writer's commit is in the WAL (synchronous=NORMAL): take a ticket in commit order, let the next writer
        // in, then wait for the flush that makes it durable before the statement returns.
        long? ticket = _holdsLock ? groupCommit?.Committed() : null;
        ReleaseIfIdle();
        if (ticket is { } t) groupCommit!.WaitDurable(t);
    }

    private void ReleaseIfIdle()
    {
        if (!_holdsLock) return;
        _holdsLock = false;
        writerLock.Release();
    }

    private void Acquire()
    {
        var timeout = connection.LockTimeout <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : connection.LockTimeout;
        if (!writerLock.TryEnter(timeout, () => connection.CancelRequested))
        {
            if (connection.CancelRequested)
                throw new WasqlException(SqlStates.QueryCanceled, "canceling statement due to user request");
            throw new WasqlException(SqlStates.LockNotAvailable,
                $"canceling statement due to lock timeout: another session held the database's write lock for {timeout.TotalMilliseconds:0} ms")
            { Hint = "Writers take turns; raise lock_timeout (SET lock_timeout = '10s') or shorten the other session's transaction." };
        }
        _holdsLock = true;
    }

    private void Exec(string sql)
    {
        int rc = raw.sqlite3_exec(connection.Handle, sql);
        if (rc != raw.SQLITE_OK) throw ErrorMapper.FromSqlite(connection, rc, sql, 0);
    }

    /// <summary>Gives the lock back when the session closes (its open transaction is rolled back by SQLite).</summary>
    public void Dispose() => ReleaseIfIdle();
}
