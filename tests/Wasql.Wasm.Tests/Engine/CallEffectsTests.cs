// After a call, the compiler reloads the memory base and length only when the callee can grow memory (directly,
// through callees, through a table or through a host function). A missed case would leave a stale base pointing at
// freed memory, so every route is covered here; leaves also skip the stack probe while recursion still traps.
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class CallEffectsTests
{
    private const string Module = """
        (module
          (import "host" "grow" (func $host_grow (param i32) (result i32)))
          (memory (export "memory") 1)
          (table 1 funcref)
          (elem (i32.const 0) $grow_by_one)
          (func $grow_by_one (result i32) (memory.grow (i32.const 1)))
          (func $middle (result i32) (call $grow_by_one))
          (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          ;; each route grows memory by one page, then the caller writes and reads the new page
          (func (export "direct") (result i32)
            (drop (i32.load (i32.const 0)))
            (drop (call $middle))
            (i32.store (i32.const 65536) (i32.const 42))
            (i32.load (i32.const 65536)))
          (func (export "indirect") (result i32)
            (drop (i32.load (i32.const 0)))
            (drop (call_indirect (result i32) (i32.const 0)))
            (i32.store (i32.const 131072) (i32.const 43))
            (i32.load (i32.const 131072)))
          (func (export "through_host") (result i32)
            (drop (i32.load (i32.const 0)))
            (drop (call $host_grow (i32.const 1)))
            (i32.store (i32.const 196608) (i32.const 44))
            (i32.load (i32.const 196608)))
          ;; a call that cannot grow memory keeps the base: the access after it still sees the same memory
          (func (export "no_growth") (result i32)
            (i32.store (i32.const 8) (call $leaf (i32.const 6)))
            (i32.load (i32.const 8)))
          (func $recurse (export "recurse") (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (i32.add (call $leaf (i32.const 0)) (call $recurse (i32.sub (local.get 0) (i32.const 1)))))
              (else (i32.const 0)))))
        """;

    [Theory]
    [InlineData(12000)]
    [InlineData(40)]
    public void Memory_moved_by_a_callee_is_reloaded_on_every_route(int budget)
    {
        var engine = new Wasql.Wasm.Engine(new EngineConfig { FunctionSplitBudget = budget, SplitPartially = budget < 1000 });
        var store = new Store(engine);
        var linker = new Linker(engine);
        linker.DefineFunction(store, "host", "grow", (Func<Caller, int, int>)((c, pages) => c.GetMemory()!.Grow((uint)pages)));
        var inst = linker.Instantiate(store, Wasql.Wasm.Module.Compile(engine, WatTool.Assemble(Module)));
        Assert.Equal(42, inst.GetFunction<Func<int>>("direct")());
        Assert.Equal(43, inst.GetFunction<Func<int>>("indirect")());
        Assert.Equal(44, inst.GetFunction<Func<int>>("through_host")());
        Assert.Equal(4u, inst.GetMemory("memory")!.Pages);
        Assert.Equal(7, inst.GetFunction<Func<int>>("no_growth")());
        var recurse = inst.GetFunction<Func<int, int>>("recurse");
        Assert.Equal(1000, recurse(1000));
        Assert.Equal(TrapCode.StackExhausted, Assert.Throws<TrapException>(() => recurse(100_000_000)).Code);
    }
}
