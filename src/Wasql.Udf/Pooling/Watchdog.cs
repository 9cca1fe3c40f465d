// The deadline enforcer: one background thread scans live instances every few milliseconds and interrupts a
// guest whose current call (same CallSeq while InCall) has run past the deadline. Cost per call: a few field writes.
// Only the guest's time counts: time in the embedder's host functions (PooledInstance.EnterHost/ExitHost) is subtracted.
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Wasql.Udf.Pooling;

internal sealed class Watchdog : IDisposable
{
    private sealed class Watch
    {
        public long Seq = -1;
        public long Since;
    }

    private readonly ConcurrentDictionary<PooledInstance, Watch> _instances = new();
    private readonly long _deadlineTicks;
    private readonly int _periodMs;
    private readonly Thread _thread;
    private volatile bool _stop;

    public Watchdog(TimeSpan deadline)
    {
        _deadlineTicks = (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        _periodMs = (int)Math.Clamp(deadline.TotalMilliseconds / 10, 2, 50);
        _thread = new Thread(Run) { IsBackground = true, Name = "Wasql.Udf deadline watchdog" };
        _thread.Start();
    }

    public TimeSpan Deadline => TimeSpan.FromSeconds((double)_deadlineTicks / Stopwatch.Frequency);

    public void Register(PooledInstance inst) => _instances[inst] = new Watch();

    public void Unregister(PooledInstance inst) => _instances.TryRemove(inst, out _);

    private void Run()
    {
        while (!_stop)
        {
            Thread.Sleep(_periodMs);
            long now = Stopwatch.GetTimestamp();
            foreach (var (inst, w) in _instances)
            {
                if (!inst.InCall)
                {
                    w.Seq = -1;
                    continue;
                }
                long seq = Volatile.Read(ref inst.CallSeq);
                if (seq != w.Seq)
                {
                    w.Seq = seq;
                    w.Since = now;
                }
                else if (GuestTicks(inst, w, now) >= (inst.Cold ? Math.Max(_deadlineTicks * 10, 10 * Stopwatch.Frequency) : _deadlineTicks)
                         && inst.InCall && Volatile.Read(ref inst.CallSeq) == seq)
                {
                    inst.Store.Interrupt($"UDF deadline of {Deadline.TotalMilliseconds:0} ms exceeded");
                    inst.Wasi.Cancel();
                }
            }
        }
    }

    /// <summary>The guest's own time in its current call: wall time since the call was first seen, minus the time spent
    /// in host functions (which may include a little from before it was seen: the deadline errs toward the guest by at
    /// most one scan period).</summary>
    private static long GuestTicks(PooledInstance inst, Watch w, long now) => now - w.Since - inst.HostTicksAt(now);

    public void Dispose() => _stop = true;
}
