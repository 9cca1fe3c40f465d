// proc_exit as WASI's own exception, like wasi-common's I32Exit: the engine knows nothing of exits. The proc_exit host
// function throws it; like any host exception it leaves the guest as a HostError trap whose InnerException it is, and
// whoever ran the guest (WasiRunner, the UDF pools) recognises it there with TryGetStatus.
using Wasql.Wasm;

namespace Wasql.Wasi;

/// <summary>The guest called proc_exit: a request to stop with <see cref="Status"/>, not an error by itself.</summary>
public sealed class WasiExitException(int status) : Exception($"exit code {status}")
{
    /// <summary>The status the guest passed to proc_exit.</summary>
    public int Status { get; } = status;

    /// <summary>The exit status if <paramref name="trap"/> is a guest's proc_exit, else null.</summary>
    public static int? StatusOf(TrapException trap) =>
        trap.Code == TrapCode.HostError && trap.InnerException is WasiExitException exit ? exit.Status : null;
}
