// The database-wide writer lock: SQLite lets one connection write at a time, so sessions queue here (first come,
// first served) instead of receiving SQLITE_BUSY. A waiter gives up after its lock timeout or when cancelled.
namespace Wasql.Database.Transactions;

/// <summary>
/// A FIFO mutex with a bounded wait. Invariant: at most one holder; a waiter is granted the lock only by the holder's
/// <see cref="Release"/> handing it over (so later arrivals never overtake earlier ones), and a waiter that gives up
/// removes itself unless the hand-over already happened, in which case it keeps the lock (never lost).
/// Each waiter sleeps on its own event, so a release wakes exactly the next writer (no thundering herd at 32 clients).
/// Not re-entrant: the session tracks whether it holds the lock.
/// </summary>
internal sealed class WriterLock
{
    private sealed class Waiter
    {
        public readonly ManualResetEventSlim Granted = new(false);
    }

    /// <summary>How often a waiter re-checks its cancellation flag.</summary>
    private const int CancelPollMs = 50;

    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private bool _held;

    /// <summary>Takes the lock, waiting at most <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no
    /// limit). Returns false on timeout or when <paramref name="cancelled"/> turns true while waiting.</summary>
    public bool TryEnter(TimeSpan timeout, Func<bool> cancelled)
    {
        var me = new Waiter();
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (!_held && _queue.Count == 0) { _held = true; return true; }
            node = _queue.AddLast(me);
        }
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue
            : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        try
        {
            while (true)
            {
                long left = deadline - Environment.TickCount64;
                if (left > 0 && !cancelled() && !me.Granted.Wait((int)Math.Min(left, CancelPollMs))) continue;
                lock (_gate)
                {
                    if (me.Granted.IsSet) return true;    // Release handed it over (_held stays set for us)
                    if (left > 0 && !cancelled()) continue;
                    _queue.Remove(node);
                    return false;
                }
            }
        }
        finally { me.Granted.Dispose(); }
    }

    /// <summary>Releases the lock, handing it to the longest waiter if any.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (!_held) throw new InvalidOperationException("writer lock released while not held");
            if (_queue.First is { } next)
            {
                _queue.RemoveFirst();
                next.Value.Granted.Set();   // _held stays true: ownership passes directly
            }
            else _held = false;
        }
    }
}
