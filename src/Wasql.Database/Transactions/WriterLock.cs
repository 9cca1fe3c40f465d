// The database-wide writer lock: SQLite lets one connection write at a time, so sessions queue here (first come,
// first served) instead of receiving SQLITE_BUSY. A waiter gives up after its lock timeout or when cancelled.
namespace Wasql.Database.Transactions;

/// <summary>
/// A FIFO mutex with a bounded wait. Invariant: at most one holder; a waiter is granted the lock only by the holder's
/// <see cref="Release"/> handing it over (so later arrivals never overtake earlier ones), and a waiter that gives up
/// removes itself unless the hand-over already happened, in which case it keeps the lock (never lost).
/// Not re-entrant: the session tracks whether it holds the lock.
/// </summary>
internal sealed class WriterLock
{
    private sealed class Waiter { public bool Granted; }

    /// <summary>How often a waiter re-checks its cancellation flag.</summary>
    private static readonly TimeSpan CancelPoll = TimeSpan.FromMilliseconds(50);

    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private bool _held;

    /// <summary>Takes the lock, waiting at most <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no
    /// limit). Returns false on timeout or when <paramref name="cancelled"/> turns true while waiting.</summary>
    public bool TryEnter(TimeSpan timeout, Func<bool> cancelled)
    {
        lock (_gate)
        {
            if (!_held && _queue.Count == 0) { _held = true; return true; }
            var me = new Waiter();
            var node = _queue.AddLast(me);
            long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue
                : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
            while (!me.Granted)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0 || cancelled())
                {
                    _queue.Remove(node);
                    return false;
                }
                Monitor.Wait(_gate, (int)Math.Min(left, (long)CancelPoll.TotalMilliseconds));
            }
            return true;   // Release removed our node and left _held set for us
        }
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
                next.Value.Granted = true;   // _held stays true: ownership passes directly
                Monitor.PulseAll(_gate);
            }
            else _held = false;
        }
    }
}
