// Counters of the set-up work a call may do (compile a typed delegate, create an instance, open a session, encode
// an input schema). The per-statement paths are meant to do none of it once warm; tests read these counters to show
// that without timing anything. Per runtime, so parallel tests with their own databases do not disturb each other.
namespace Wasql.Udf;

/// <summary>Set-up work counters of one <see cref="UdfRuntime"/> (monotonic; read a <see cref="Snapshot"/> before and after).</summary>
public sealed class UdfDiagnostics
{
    private long _delegatesCreated, _instancesCreated, _sessionsOpened, _schemasEncoded;

    /// <summary>Typed delegates compiled (expression trees) for direct-ABI functions.</summary>
    public long DelegatesCreated => Volatile.Read(ref _delegatesCreated);
    /// <summary>Wasm instances created by the modules' pools.</summary>
    public long InstancesCreated => Volatile.Read(ref _instancesCreated);
    /// <summary>Direct-ABI sessions (pinned-instance holders) constructed.</summary>
    public long SessionsOpened => Volatile.Read(ref _sessionsOpened);
    /// <summary>Arrow-udf input schemas encoded to IPC bytes.</summary>
    public long SchemasEncoded => Volatile.Read(ref _schemasEncoded);

    /// <summary>All counters at once.</summary>
    public UdfDiagnosticsSnapshot Snapshot() => new(DelegatesCreated, InstancesCreated, SessionsOpened, SchemasEncoded);

    internal void DelegateCreated() => Interlocked.Increment(ref _delegatesCreated);
    internal void InstanceCreated() => Interlocked.Increment(ref _instancesCreated);
    internal void SessionOpened() => Interlocked.Increment(ref _sessionsOpened);
    internal void SchemaEncoded() => Interlocked.Increment(ref _schemasEncoded);
}

/// <summary>A reading of <see cref="UdfDiagnostics"/>; subtract two readings to see the work done in between.</summary>
public readonly record struct UdfDiagnosticsSnapshot(long DelegatesCreated, long InstancesCreated, long SessionsOpened, long SchemasEncoded)
{
    /// <summary>The work done between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static UdfDiagnosticsSnapshot operator -(UdfDiagnosticsSnapshot after, UdfDiagnosticsSnapshot before) =>
        new(after.DelegatesCreated - before.DelegatesCreated, after.InstancesCreated - before.InstancesCreated,
            after.SessionsOpened - before.SessionsOpened, after.SchemasEncoded - before.SchemasEncoded);
}
