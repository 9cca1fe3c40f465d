// A byte budget shared by many sessions (e.g. every connection of `wasql serve`): what they hold together in
// buffered results and messages. Invariant: Held never exceeds Limit; a reservation that would pass it is
// refused (the caller fails its statement with 53200) instead of the process growing.
namespace Wasql.Database;

/// <summary>Bytes many sessions may hold at once in buffered results. Thread-safe.</summary>
public sealed class MemoryBudget(long limit)
{
    private long _held;

    /// <summary>The most bytes held at once.</summary>
    public long Limit { get; } = limit > 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit));

    /// <summary>Bytes reserved now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Reserves <paramref name="bytes"/>; false (nothing reserved) when that would pass the limit.</summary>
    public bool TryReserve(long bytes)
    {
        if (bytes <= 0) return true;
        while (true)
        {
            long held = Interlocked.Read(ref _held);
            if (bytes > Limit - held) return false;
            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held) return true;
        }
    }

    /// <summary>Returns bytes reserved with <see cref="TryReserve"/>.</summary>
    public void Release(long bytes)
    {
        if (bytes > 0) Interlocked.Add(ref _held, -bytes);
    }

    /// <summary>The error for a refused reservation.</summary>
    internal WasqlException Exhausted(long bytes) => new(SqlStates.OutOfMemory,
        $"out of memory: buffering {bytes:N0} more bytes would pass the server-wide budget of {Limit:N0} bytes held by all sessions")
        { Hint = "retry later, or read large results in pages" };
}
