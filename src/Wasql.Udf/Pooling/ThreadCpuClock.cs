// The CPU time a thread has used, readable from another thread (Linux: pthread_getcpuclockid + clock_gettime), so the
// watchdog can charge a guest for the time it actually ran, not for the time the machine's load kept it waiting.
// Elsewhere (or if the calls fail) IsSupported is false and the watchdog falls back to wall time.
using System.Runtime.InteropServices;

namespace Wasql.Udf.Pooling;

internal static class ThreadCpuClock
{
    /// <summary>No clock: use wall time.</summary>
    public const int None = int.MinValue;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "pthread_self")]
    private static extern nint PthreadSelf();

    [DllImport("libc", EntryPoint = "pthread_getcpuclockid")]
    private static extern int PthreadGetCpuClockId(nint thread, out int clockId);

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out Timespec time);

    private static readonly bool s_supported = Probe();

    [ThreadStatic] private static int t_clock;
    [ThreadStatic] private static bool t_known;

    /// <summary>The calling thread's CPU clock (cached per thread), or <see cref="None"/>.</summary>
    public static int Current
    {
        get
        {
            if (!s_supported) return None;
            if (!t_known)
            {
                t_clock = PthreadGetCpuClockId(PthreadSelf(), out var id) == 0 ? id : None;
                t_known = true;
            }
            return t_clock;
        }
    }

    /// <summary>Nanoseconds of CPU time the clock's thread has used, or -1 when it cannot be read.</summary>
    public static long Nanoseconds(int clock)
    {
        if (clock == None) return -1;
        return ClockGetTime(clock, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : -1;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return PthreadGetCpuClockId(PthreadSelf(), out var id) == 0 && ClockGetTime(id, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
