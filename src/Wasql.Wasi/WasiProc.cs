// proc_exit (a clean exit: WasiExitException with the code), proc_raise (signals are not supported),
// sched_yield and random_get (from the configured random source).
using Wasql.Wasm;

namespace Wasql.Wasi;

public sealed partial class WasiContext
{
    /// <summary>The code the guest passed to proc_exit, once it has.</summary>
    public int? ExitCode { get; private set; }

    private void ProcExit(int code)
    {
        ExitCode = code;
        throw new WasiExitException(code);
    }

    private static int ProcRaise(int signal) => (int)Errno.NoSys;

    private static int SchedYield()
    {
        Thread.Yield();
        return 0;
    }

    private int RandomGet(Caller c, int bufPtr, int len)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            _random(mem.Slice(bufPtr, len));
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }
}
