// Deterministic lifetimes: Store.Dispose and Memory.Dispose free linear memory at once and leave nothing a guest or
// host can touch; memories that are only dropped are reported to the GC, so their native bytes do not pile up.
using System.Diagnostics;
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class LifetimeTests
{
    private const int Stores = 400;
    private const int PagesEach = 256; // 16 MiB
    private const long AllowedGrowth = 1536L << 20; // 400 x 16 MiB = 6.4 GiB if nothing were freed

    private static readonly byte[] Module = WatTool.Assemble("""
        (module (memory (export "mem") 256)
          (func (export "fill") (param i32) (memory.fill (i32.const 0) (local.get 0) (i32.const 16777216)))
          (func (export "load") (result i32) (i32.load8_u (i32.const 4096))))
        """);

    /// <summary>For the many-stores test: 2,000 stores of 4 MiB each (8 GiB if nothing were freed).</summary>
    private const int ManyStores = 2000;
    private static readonly byte[] SmallModule = WatTool.Assemble("""
        (module (memory (export "mem") 64)
          (func (export "fill") (param i32) (memory.fill (i32.const 0) (local.get 0) (i32.const 4194304)))
          (func (export "load") (result i32) (i32.load8_u (i32.const 4096))))
        """);

    private static long Rss()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }

    [Fact]
    public void DisposedStoresFreeTheirMemoriesAtOnce()
    {
        var engine = new Wasm.Engine();
        var module = Wasm.Module.Compile(engine, SmallModule);
        long before = Rss(), peak = before;
        for (int i = 0; i < ManyStores; i++)
        {
            using var store = new Store(engine);
            var instance = new Linker(engine).Instantiate(store, module);
            instance.GetFunction<Action<int>>("fill")(7); // touch every page
            Assert.Equal(7, instance.GetFunction<Func<int>>("load")());
            if (i % 100 == 0) peak = Math.Max(peak, Rss());
        }
        peak = Math.Max(peak, Rss());
        Assert.True(peak - before < AllowedGrowth, $"RSS grew by {(peak - before) >> 20} MiB over {ManyStores} disposed stores");
    }

    [Fact]
    public void DroppedMemoriesAreReportedToTheGc()
    {
        var engine = new Wasm.Engine();
        long before = Rss(), peak = before;
        for (int i = 0; i < Stores; i++)
        {
            var memory = Memory.Create(new Store(engine), new MemoryType(new Limits(PagesEach, null)));
            memory.Span.Fill(1); // never disposed: only the GC can free it
            if (i % 50 == 0) peak = Math.Max(peak, Rss());
        }
        peak = Math.Max(peak, Rss());
        Assert.True(peak - before < AllowedGrowth, $"RSS grew by {(peak - before) >> 20} MiB over {Stores} dropped memories");
    }

    [Fact]
    public void ADisposedStoreRefusesCallsAndItsMemoryIsEmpty()
    {
        var engine = new Wasm.Engine();
        var module = Wasm.Module.Compile(engine, Module);
        var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);
        var load = instance.GetFunction<Func<int>>("load");
        var memory = instance.GetMemory("mem")!;
        store.Dispose();
        store.Dispose(); // idempotent
        Assert.True(memory.IsDisposed);
        Assert.Equal(0, memory.Length);
        Assert.Equal(-1, memory.Grow(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.ReadByte(0));
        Assert.Throws<ObjectDisposedException>(() => load());
        Assert.Throws<ObjectDisposedException>(() => new Linker(engine).Instantiate(store, module));
    }

    [Fact]
    public void ADisposedMemoryTrapsGuestAccessesInsteadOfTouchingFreedBytes()
    {
        var engine = new Wasm.Engine();
        var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, Wasm.Module.Compile(engine, Module));
        instance.GetMemory("mem")!.Dispose();
        var trap = Assert.Throws<TrapException>(() => instance.GetFunction<Func<int>>("load")());
        Assert.Equal(TrapCode.MemoryOutOfBounds, trap.Code);
    }

    [Fact]
    public void DisposedModulesAndEnginesRefuseNewWorkAndExistingInstancesKeepRunning()
    {
        using var engine = new Wasm.Engine();
        var module = Wasm.Module.Compile(engine, Module);
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);
        module.Dispose();
        module.Dispose();   // idempotent
        Assert.True(module.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => new Linker(engine).Instantiate(store, module));
        instance.GetFunction<Action<int>>("fill")(3);   // an instance made before keeps working
        Assert.Equal(3, instance.GetFunction<Func<int>>("load")());
        engine.Dispose();
        Assert.True(engine.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => Wasm.Module.Compile(engine, Module));
    }
}
