// The deadline counts the guest's own execution only: time spent in the embedder's host functions (marked with
// UdfInstance.EnterHost) is not charged to the guest, while a guest that spins is still stopped.
using System.Runtime.InteropServices;

namespace Wasql.Udf.Tests;

public sealed class HostTimeTests
{
    private const string Guest = """
        __attribute__((import_module("env"), import_name("host_slow"))) void host_slow(void);
        __attribute__((export_name("run"))) int run(int n) {
            host_slow();
            volatile int sum = 0;
            for (int i = 0; i < n; i++) sum += i;   // back in guest code: a pending interrupt would stop it here
            return n;
        }
        __attribute__((export_name("spin"))) int spin(int n) {
            volatile int x = 0;
            for (;;) x += n;
        }
        """;

    /// <summary>CPU time the host function burns: three times the 100 ms deadline (the deadline counts CPU time on Linux,
    /// so the host must use CPU, not sleep, for the control to exceed it).</summary>
    private const long HostCpuNs = 300_000_000;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out Timespec time);

    private const int ClockThreadCpuTime = 3;

    private static long ThreadCpuNs() => ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : 0;

    private static void BurnCpu()
    {
        long start = ThreadCpuNs();
        while (ThreadCpuNs() - start < HostCpuNs) Thread.SpinWait(1000);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Host_function_time_does_not_count_toward_the_deadline(bool excluded)
    {
        using var rt = new UdfRuntime(new UdfLimits { Deadline = TimeSpan.FromMilliseconds(100) });
        UdfInstance? current = null;
        var module = rt.Load(Toolchain.CompileC(Guest), "host_time", (linker, store) =>
            linker.DefineFunction(store, "env", "host_slow", (Action)(() =>
            {
                if (excluded)
                    using (current!.EnterHost()) BurnCpu();
                else
                    BurnCpu();
            })));
        using (var lease = module.Rent())
        {
            current = lease;
            var run = lease.Export<Func<int, int>>("run")!;
            if (excluded)
                Assert.Equal(100_000, lease.Call("run", () => run(100_000)));
            else   // the control: the same 300 ms, counted, is past the 100 ms deadline
                Assert.Equal(UdfErrorKind.Timeout, Assert.Throws<UdfException>(() => lease.Call("run", () => run(100_000))).Kind);
        }
        using (var lease = module.Rent())
        {
            var spin = lease.Export<Func<int, int>>("spin")!;
            Assert.Equal(UdfErrorKind.Timeout, Assert.Throws<UdfException>(() => lease.Call("spin", () => spin(1))).Kind);
        }
    }
}
