// Per-store execution state read by generated code: stack limit, fuel, interruption flag.
// A Store (and so its ExecState) is used by one thread at a time, like wasmtime's Store.
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Wasql.Wasm.Vm;

[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ExecState
{
    /// <summary>Lowest stack address guest frames may reach; set on every host-to-guest entry.</summary>
    public nuint StackLimit;

    /// <summary>Remaining fuel; generated code traps when it goes negative.</summary>
    public long Fuel;

    /// <summary>Non-zero asks running guest code to stop at the next check (deadline, cancellation).</summary>
    public volatile int Interrupt;

    /// <summary>Why <see cref="Interrupt"/> was raised (for the trap message).</summary>
    public string? InterruptReason;

    internal int GuestStackBytes;
    internal int ReserveBytes;

    /// <summary>Set by <see cref="Store.Dispose"/>: every later host-to-guest entry fails.</summary>
    internal bool Disposed;

    /// <summary>Called on every host-to-guest entry: computes this thread's guest stack floor.</summary>
    public void Enter()
    {
        if (Disposed) ThrowDisposed();
        StackLimit = StackGuard.LimitForCurrentThread(GuestStackBytes, ReserveBytes);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(Store), "the store was disposed");
}

/// <summary>Finds the bounds of the current thread's stack (once per thread) so recursion traps instead of crashing.</summary>
internal static unsafe class StackGuard
{
    [ThreadStatic] private static nuint t_low;
    [ThreadStatic] private static nuint t_high;

    public static nuint LimitForCurrentThread(int guestBytes, int reserveBytes)
    {
        if (t_low == 0) Probe();
        byte here;
        nuint sp = (nuint)(&here);
        nuint floor = t_low + (nuint)reserveBytes;
        nuint wanted = sp > (nuint)guestBytes ? sp - (nuint)guestBytes : 0;
        // Never allow guest frames below the reserve, however large the configured guest stack.
        return wanted > floor ? wanted : floor;
    }

    private static void Probe()
    {
        byte here;
        nuint sp = (nuint)(&here);
        if (OperatingSystem.IsLinux() && TryLinuxBounds(out nuint low, out nuint high) && sp > low && sp <= high)
        {
            t_low = low;
            t_high = high;
            return;
        }
        // Unknown platform: assume the smallest default .NET secondary-thread stack (1.5 MiB) below us.
        t_high = sp;
        t_low = sp - 1536 * 1024 + 64 * 1024;
    }

    private static bool TryLinuxBounds(out nuint low, out nuint high)
    {
        low = high = 0;
        try
        {
            var attr = stackalloc byte[256];
            if (pthread_getattr_np(pthread_self(), attr) != 0) return false;
            try
            {
                if (pthread_attr_getstack(attr, out nint addr, out nuint size) != 0) return false;
                low = (nuint)addr;
                high = (nuint)addr + size;
                // The main thread's stack can grow up to its rlimit; glibc reports the mapped extent. Keep a guard page margin.
                low += 64 * 1024;
                return true;
            }
            finally
            {
                pthread_attr_destroy(attr);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "pthread_self")]
    private static extern nint pthread_self();

    [DllImport("libc", EntryPoint = "pthread_getattr_np")]
    private static extern int pthread_getattr_np(nint thread, byte* attr);

    [DllImport("libc", EntryPoint = "pthread_attr_getstack")]
    private static extern int pthread_attr_getstack(byte* attr, out nint stackaddr, out nuint stacksize);

    [DllImport("libc", EntryPoint = "pthread_attr_destroy")]
    private static extern int pthread_attr_destroy(byte* attr);
}
