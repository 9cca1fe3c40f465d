// Store: owns the runtime objects of a group of instances and their limits (memory, tables, fuel, deadline).
using Wasql.Wasm.Vm;

namespace Wasql.Wasm;

public sealed class StoreLimits
{
    /// <summary>Largest size any one linear memory may grow to, in bytes (memory.grow returns -1 past it).</summary>
    public long MaxMemoryBytes { get; set; } = 4L << 30;

    /// <summary>Largest number of elements any one table may grow to (table.grow returns -1 past it).</summary>
    public uint MaxTableElements { get; set; } = 10_000_000;
}

/// <summary>Owns the runtime objects of a group of instances. <see cref="Dispose"/> frees their linear memories at once
/// (instead of at the GC's convenience) and makes the store unusable; like wasmtime's Store, one thread at a time.</summary>
public sealed class Store : IDisposable
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

    /// <summary>Asks running guest code to stop with an Interrupted trap (needs <see cref="EngineConfig.Interruptible"/>).
    /// The flag is sticky: raised while no guest code runs, it stops the next call at its first check, and every call
    /// after that, until <see cref="ClearInterrupt"/> (so a cancelled store stays cancelled).</summary>
    public void Interrupt(string reason = "interrupted")
    {
        Exec.InterruptReason = reason;
        Exec.Interrupt = 1;
    }

    private readonly List<Memory> _memories = [];
    private bool _disposed;

    public bool IsDisposed => _disposed;

    internal Memory Track(Memory memory)
    {
        lock (_memories)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _memories.Add(memory);
        }
        return memory;
    }

    /// <summary>Frees every linear memory created in this store and refuses further calls into it
    /// (<see cref="ObjectDisposedException"/>). Must not be called while guest code of this store runs.</summary>
    public void Dispose()
    {
        Memory[] memories;
        lock (_memories)
        {
            if (_disposed) return;
            _disposed = true;
            Exec.Disposed = true;
            memories = [.. _memories];
            _memories.Clear();
        }
        foreach (var m in memories) m.Dispose();
    }

    /// <summary>Clears a previous interruption so the store can run guest code again.</summary>
    public void ClearInterrupt()
    {
        Exec.Interrupt = 0;
        Exec.InterruptReason = null;
    }
}
