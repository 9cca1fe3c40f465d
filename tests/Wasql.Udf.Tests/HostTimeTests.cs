// The deadline counts the guest's own execution only: time spent in the embedder's host functions (marked with
// UdfInstance.EnterHost) is not charged to the guest, while a guest that spins is still stopped.
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

    private static readonly TimeSpan s_hostSleep = TimeSpan.FromSeconds(1);

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
                    using (current!.EnterHost()) Thread.Sleep(s_hostSleep);
                else
                    Thread.Sleep(s_hostSleep);
            })));
        using (var lease = module.Rent())
        {
            current = lease;
            var run = lease.Export<Func<int, int>>("run")!;
            if (excluded)
                Assert.Equal(100_000, lease.Call("run", () => run(100_000)));
            else   // the control: the same second, counted, is past the 100 ms deadline
                Assert.Equal(UdfErrorKind.Timeout, Assert.Throws<UdfException>(() => lease.Call("run", () => run(100_000))).Kind);
        }
        using (var lease = module.Rent())
        {
            var spin = lease.Export<Func<int, int>>("spin")!;
            Assert.Equal(UdfErrorKind.Timeout, Assert.Throws<UdfException>(() => lease.Call("spin", () => spin(1))).Kind);
        }
    }
}
