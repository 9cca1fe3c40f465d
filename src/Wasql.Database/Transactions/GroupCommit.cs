// Group commit: sessions commit with SQLite's synchronous=NORMAL (WAL frames written, not yet fsynced), release the
// writer lock, and then wait here until one fsync of the WAL file covers their commit. One waiter at a time is the
// leader and flushes for everyone who committed before it started, so N concurrent writers pay about one fsync per
// batch instead of one each inside the lock (PostgreSQL flushes its WAL the same way).
// Invariant: a session that wrote is not answered before its commit is on disk; a crash loses only commits no
// client was told about. (Another session may read a commit in the microseconds before its flush completes.)
using Microsoft.Win32.SafeHandles;

namespace Wasql.Database.Transactions;

internal sealed class GroupCommit(string walPath) : IDisposable
{
    private readonly object _gate = new();
    private long _committed;          // tickets handed out, in commit order (taken under the writer lock)
    private long _durable;            // every ticket up to this one is on disk
    private bool _flushing;
    private SafeFileHandle? _wal;
    private bool _disposed;

    /// <summary>Flushes done so far (at most one per batch of commits).</summary>
    public long Flushes { get; private set; }

    /// <summary>Called by a writer right after its commit, still under the writer lock: its ticket.</summary>
    public long Committed()
    {
        lock (_gate) return ++_committed;
    }

    /// <summary>Returns once the commit of <paramref name="ticket"/> is on disk, flushing it if no one else is.</summary>
    /// <exception cref="WasqlException">the flush failed (the commit's durability is unknown)</exception>
    public void WaitDurable(long ticket)
    {
        lock (_gate)
        {
            while (_durable < ticket)
            {
                if (_flushing) { Monitor.Wait(_gate); continue; }
                _flushing = true;
                long target = _committed;   // everything committed so far is in the WAL file already
                Exception? failed = null;
                Monitor.Exit(_gate);
                try { Flush(); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { failed = e; }
                finally { Monitor.Enter(_gate); }
                _flushing = false;
                if (_disposed) CloseHandle();
                if (failed is null) { _durable = Math.Max(_durable, target); Flushes++; }
                Monitor.PulseAll(_gate);
                if (failed is not null)
                    throw new WasqlException(SqlStates.InternalError, $"could not flush the write-ahead log {walPath} to disk: {failed.Message}", inner: failed)
                    { Hint = "the transaction committed but may not survive a crash; check the disk" };
            }
        }
    }

    /// <summary>Only the leader runs this (outside the gate).</summary>
    private void Flush()
    {
        // fsync through our own descriptor: on Linux it flushes the file's pages whoever wrote them. The WAL file
        // exists: the caller committed into it.
        _wal ??= File.OpenHandle(walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.FlushToDisk(_wal);
    }

    private void CloseHandle()
    {
        _wal?.Dispose();
        _wal = null;
    }

    /// <summary>Closes the WAL handle; sessions still open after their database keep flushing (reopening it).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (!_flushing) CloseHandle();
        }
    }
}
