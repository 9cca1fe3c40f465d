// Store: owns the runtime objects of a group of instances and their limits (memory, tables, fuel, deadline).
using Wasql.Wasm.Runtime;

namespace Wasql.Wasm;

public sealed class StoreLimits
{
    /// <summary>Largest size any one linear memory may grow to, in bytes (memory.grow returns -1 past it).</summary>
    public long MaxMemoryBytes { get; set; } = 4L << 30;

    /// <summary>Largest number of elements any one table may grow to (table.grow returns -1 past it).</summary>
    public uint MaxTableElements { get; set; } = 10_000_000;
}

public sealed class Store
{
    public Engine Engine { get; }
    public StoreLimits Limits { get; } = new();
    /// <summary>Embedder data attached to the store (reachable from host functions via <see cref="Caller.Store"/>).</summary>
    public object? Data { get; set; }
    internal ExecState Exec { get; } = new();

    public Store(Engine engine)
    {
        Engine = engine;
        Exec.GuestStackBytes = engine.Config.MaxGuestStackBytes;
        Exec.ReserveBytes = engine.Config.StackReserveBytes;
    }

    /// <summary>Sets the remaining fuel (needs <see cref="EngineConfig.ConsumeFuel"/>).</summary>
    public void SetFuel(long fuel)
    {
        if (!Engine.Config.ConsumeFuel) throw new InvalidOperationException("fuel is not enabled: set EngineConfig.ConsumeFuel");
        Exec.Fuel = fuel;
    }

    public long GetFuel() => Exec.Fuel;

    /// <summary>Asks running guest code to stop with an Interrupted trap (needs <see cref="EngineConfig.Interruptible"/>).</summary>
    public void Interrupt(string reason = "interrupted")
    {
        Exec.InterruptReason = reason;
        Exec.Interrupt = 1;
    }

    /// <summary>Clears a previous interruption so the store can run guest code again.</summary>
    public void ClearInterrupt()
    {
        Exec.Interrupt = 0;
        Exec.InterruptReason = null;
    }
}
