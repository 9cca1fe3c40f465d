// The deadline enforcer: one background thread scans live instances every few milliseconds and interrupts a
// guest whose current call (same CallSeq while InCall) has run past the deadline. Cost per call: a few field writes.
// Only the guest's own execution counts: its thread's CPU time (on Linux; wall time elsewhere), minus the time in the
// embedder's host functions (PooledInstance.EnterHost/ExitHost). So a loaded machine, which keeps the guest waiting
// for a CPU, does not fail it. A wall-clock backstop (WallFactor times the limit, at least MinWallBackstop) still
// stops a guest that waits without using CPU (a WASI sleep).
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Wasql.Udf.Pooling;

internal sealed class Watchdog : IDisposable
{
    private sealed class Watch
    {
        public long Seq = -1;
        public long Since;        // wall, Stopwatch ticks
        public long SinceClock;   // the deadline's clock, ns
    }

    private readonly ConcurrentDictionary<PooledInstance, Watch> _instances = new();
    private const int WallFactor = 20;
    private static readonly long s_minWallBackstop = 5 * Stopwatch.Frequency;
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
                long clock = inst.ClockNs();
                if (seq != w.Seq)
                {
                    w.Seq = seq;
                    w.Since = now;
                    w.SinceClock = clock;
                }
                else if (Overdue(inst, w, now, clock) && inst.InCall && Volatile.Read(ref inst.CallSeq) == seq)
                {
                    inst.Store.Interrupt($"deadline of {Deadline.TotalMilliseconds:0} ms exceeded");
                    inst.Wasi.Cancel();
                }
            }
        }
    }

    /// <summary>Has the guest's current call used up its time? Its own time (clock since first seen, minus host time;
    /// the host time may include a little from before it was seen: the check errs toward the guest by at most one scan
    /// period) against the limit, or its wall time minus host wall time against the backstop. A cold call (the
    /// instance is being created) gets ten times the limit, at least 10 s.</summary>
    private bool Overdue(PooledInstance inst, Watch w, long now, long clock)
    {
        long limitTicks = inst.Cold ? Math.Max(_deadlineTicks * 10, 10 * Stopwatch.Frequency) : _deadlineTicks;
        var (hostClock, hostWall) = inst.HostTimeAt(clock, now);
        long wall = now - w.Since - hostWall;
        if (wall >= Math.Max(limitTicks * WallFactor, s_minWallBackstop)) return true;
        if (clock < 0 || w.SinceClock < 0) return false;
        long limitNs = (long)(limitTicks * (1e9 / Stopwatch.Frequency));
        return clock - w.SinceClock - hostClock >= limitNs;
    }

    public void Dispose() => _stop = true;
}
