// Hard limits: the stack guard, fuel, interruption and memory caps stop hostile guests with a trap
// (or a refused grow), and the store stays usable afterwards.
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class LimitsTests
{
    private const string Loops = """
        (module
          (func $rec (export "recurse") (param i32) (result i32) (i32.add (call $rec (local.get 0)) (i32.const 1)))
          (func (export "spin") (loop (br 0)))
          (func (export "count") (param i32) (result i32) (local i32)
            (loop
              (local.set 1 (i32.add (local.get 1) (i32.const 1)))
              (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))
            (local.get 1)))
        """;

    private static (Store, Instance) Load(EngineConfig config, string wat = Loops)
    {
        var engine = new Wasm.Engine(config);
        var store = new Store(engine);
        return (store, new Linker(engine).Instantiate(store, Module.Compile(engine, WatTool.Assemble(wat))));
    }

    [Fact]
    public void InfiniteRecursionTrapsAndTheThreadSurvives()
    {
        var (_, inst) = Load(new EngineConfig());
        var recurse = inst.GetFunction<Func<int, int>>("recurse");
        for (int i = 0; i < 3; i++)
        {
            var t = Assert.Throws<TrapException>(() => recurse(1));
            Assert.Equal(TrapCode.StackExhausted, t.Code);
        }
    }

    [Fact]
    public void RecursionOnASmallStackThreadTraps()
    {
        var (_, inst) = Load(new EngineConfig());
        var recurse = inst.GetFunction<Func<int, int>>("recurse");
        TrapException? trap = null;
        var thread = new Thread(() =>
        {
            try { recurse(1); }
            catch (TrapException t) { trap = t; }
        }, 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Equal(TrapCode.StackExhausted, trap!.Code);
    }

    [Fact]
    public void FuelStopsATightLoopAndCanBeRefilled()
    {
        var (store, inst) = Load(new EngineConfig { ConsumeFuel = true });
        store.SetFuel(10_000);
        var t = Assert.Throws<TrapException>(() => inst.GetFunction<Action>("spin")());
        Assert.Equal(TrapCode.OutOfFuel, t.Code);
        store.SetFuel(1_000_000);
        Assert.Equal(1000, inst.GetFunction<Func<int, int>>("count")(1000));
        Assert.True(store.GetFuel() < 1_000_000 - 1000, "each loop iteration consumes fuel");
    }

    [Fact]
    public void FuelIsDeterministic()
    {
        long Used()
        {
            var (store, inst) = Load(new EngineConfig { ConsumeFuel = true });
            store.SetFuel(1_000_000);
            inst.GetFunction<Func<int, int>>("count")(500);
            return 1_000_000 - store.GetFuel();
        }
        Assert.Equal(Used(), Used());
    }

    [Fact]
    public void InterruptStopsASpinningGuest()
    {
        var (store, inst) = Load(new EngineConfig { Interruptible = true });
        using var timer = new Timer(_ => store.Interrupt("deadline of 100 ms exceeded"), null, 100, Timeout.Infinite);
        var t = Assert.Throws<TrapException>(() => inst.GetFunction<Action>("spin")());
        Assert.Equal(TrapCode.Interrupted, t.Code);
        Assert.Contains("deadline", t.Message);
        store.ClearInterrupt();
        Assert.Equal(10, inst.GetFunction<Func<int, int>>("count")(10));
    }

    [Fact]
    public void MemoryGrowthStopsAtTheStoreLimit()
    {
        var engine = new Wasm.Engine();
        var store = new Store(engine);
        store.Limits.MaxMemoryBytes = 4 * Memory.PageSize;
        var inst = new Linker(engine).Instantiate(store, Module.Compile(engine, WatTool.Assemble("""
            (module (memory (export "m") 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
            """)));
        var grow = inst.GetFunction<Func<int, int>>("grow");
        Assert.Equal(1, grow(3));
        Assert.Equal(-1, grow(1));
        Assert.Equal(4u, inst.GetMemory("m")!.Pages);
        var tooBig = Module.Compile(engine, WatTool.Assemble("(module (memory 5))"));
        Assert.Throws<ResourceLimitException>(() => new Linker(engine).Instantiate(store, tooBig));
    }
}
