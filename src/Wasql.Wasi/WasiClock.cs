// Clocks as a capability (IWasiClock, SystemClock) and the clock_res_get / clock_time_get imports.
// Realtime is the wall clock; monotonic, process and thread CPU time all read a Stopwatch started with the process.
using System.Diagnostics;
using Wasql.Wasm;

namespace Wasql.Wasi;

public interface IWasiClock
{
    /// <summary>The time of a clock in nanoseconds, or null if the clock is not supported.</summary>
    long? Now(ClockId id);

    /// <summary>The resolution of a clock in nanoseconds, or null if the clock is not supported.</summary>
    long? Resolution(ClockId id);
}

public sealed class SystemClock : IWasiClock
{
    public static readonly SystemClock Instance = new();
    private static readonly long s_start = Stopwatch.GetTimestamp();
    private static readonly double s_nsPerTick = 1e9 / Stopwatch.Frequency;

    public long? Now(ClockId id) => id switch
    {
        ClockId.Realtime => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100,
        ClockId.Monotonic or ClockId.ProcessCputime or ClockId.ThreadCputime =>
            (long)((Stopwatch.GetTimestamp() - s_start) * s_nsPerTick),
        _ => null,
    };

    public long? Resolution(ClockId id) => id switch
    {
        ClockId.Realtime => 100,
        ClockId.Monotonic or ClockId.ProcessCputime or ClockId.ThreadCputime => Math.Max(1, (long)Math.Ceiling(s_nsPerTick)),
        _ => null,
    };
}

public sealed partial class WasiContext
{
    private int ClockResGet(Caller c, int id, int resultPtr)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            if (_clock.Resolution((ClockId)id) is not long res) return (int)Errno.Inval;
            mem.WriteU64(resultPtr, (ulong)res);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int ClockTimeGet(Caller c, int id, long precision, int resultPtr)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            if (_clock.Now((ClockId)id) is not long now) return (int)Errno.Inval;
            mem.WriteU64(resultPtr, (ulong)now);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }
}
