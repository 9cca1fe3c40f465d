// Caps how many compiles run at once on one database; the rest wait a bounded time.
namespace Wasql.Database.Compilers;

internal sealed class CompileGate(CompilerLimits limits) : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly SemaphoreSlim _slots = new(Math.Max(1, limits.MaxConcurrent));

    /// <summary>Takes a slot (dispose the result to give it back). Throws 53400 after the queue timeout, 57014 when the
    /// statement is canceled while waiting.</summary>
    public IDisposable Enter(Func<bool> canceled, int position)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!_slots.Wait(PollInterval))
        {
            if (canceled()) throw new WasqlException(SqlStates.QueryCanceled, "canceling statement due to user request", position);
            if (waited.Elapsed >= limits.QueueTimeout)
                throw new WasqlException(SqlStates.ConfigurationLimitExceeded,
                    $"too many concurrent compiles: {limits.MaxConcurrent} running, waited {limits.QueueTimeout.TotalSeconds:0} s for a slot", position)
                { Hint = "retry later, or raise WasqlOptions.CompilerLimits.MaxConcurrent" };
        }
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;
        public void Dispose() { if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release(); }
    }
}
