// The compiler skips a bounds check when an earlier access through the same local value already reached as far
// (FunctionCompiler.Memory.cs). These cases pin the rule down: what must still trap does, at the right access,
// with the earlier stores done, and with every function compiled whole or split into regions.
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class BoundsCheckTests
{
    private const string Module = """
        (module (memory (export "memory") 1)
          ;; p->a; p->b; p->c: later fields below the first end need no check and read the right words
          (func (export "fields") (param $p i32) (result i32)
            (i32.store offset=8 (local.get $p) (i32.const 3))
            (i32.store offset=0 (local.get $p) (i32.const 1))
            (i32.store offset=4 (local.get $p) (i32.const 2))
            (i32.add (i32.load offset=0 (local.get $p))
              (i32.add (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)))))
          ;; a further field past the end must still trap, after the first store happened
          (func (export "further") (param $p i32)
            (i32.store (local.get $p) (i32.const 7))
            (i32.store offset=65532 (local.get $p) (i32.const 9)))
          ;; the local changes between accesses: the old check says nothing about the new value
          (func (export "reassigned") (param $p i32) (result i32)
            (drop (i32.load offset=100 (local.get $p)))
            (local.set $p (i32.const 70000))
            (i32.load (local.get $p)))
          ;; local.tee inside the stored value: the address is the old value, the next load uses the new one
          (func (export "teed") (param $p i32) (result i32)
            (drop (i32.load offset=16 (local.get $p)))
            (i32.store (local.get $p) (local.tee $p (i32.const 70000)))
            (i32.load (local.get $p)))
          ;; a loop: the check of one iteration does not carry over the back edge
          (func (export "walk") (param $p i32) (result i32)
            (local $n i32)
            (loop $l
              (i32.store (local.get $p) (local.get $n))
              (local.set $p (i32.add (local.get $p) (i32.const 16384)))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))
              (br $l))
            (local.get $n))
          ;; a check made on one arm of an if does not cover the other arm
          (func (export "arms") (param $p i32) (param $c i32) (result i32)
            (if (local.get $c)
              (then (drop (i32.load offset=65000 (local.get $p))))
              (else (drop (i32.load offset=65532 (local.get $p)))))
            (i32.load offset=65532 (local.get $p)))
          (func (export "peek") (param $a i32) (result i32) (i32.load (local.get $a))))
        """;

    public static TheoryData<int> Budgets => new() { 12000, 40 };

    private static (Func<string, Delegate> Get, Memory Memory) Load(int budget)
    {
        var engine = new Wasql.Wasm.Engine(new EngineConfig { FunctionSplitBudget = budget, SplitPartially = budget < 1000 });
        var store = new Store(engine);
        var inst = new Linker(engine).Instantiate(store, Wasql.Wasm.Module.Compile(engine, WatTool.Assemble(Module)));
        return (name => name switch
        {
            "arms" => inst.GetFunction<Func<int, int, int>>(name),
            "further" => inst.GetFunction<Action<int>>(name),
            _ => inst.GetFunction<Func<int, int>>(name),
        }, inst.GetMemory("memory")!);
    }

    [Theory]
    [MemberData(nameof(Budgets))]
    public void Skipped_checks_keep_wasm_semantics(int budget)
    {
        var (get, memory) = Load(budget);
        var fields = (Func<int, int>)get("fields");
        var further = (Action<int>)get("further");
        var reassigned = (Func<int, int>)get("reassigned");
        var teed = (Func<int, int>)get("teed");
        var walk = (Func<int, int>)get("walk");
        var arms = (Func<int, int, int>)get("arms");
        var peek = (Func<int, int>)get("peek");

        Assert.Equal(6, fields(1000));
        Assert.Throws<TrapException>(() => fields(65530));   // the first store (offset 8) is already out of bounds

        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => further(8)).Code);
        Assert.Equal(7, peek(8));   // the store before the trapping one happened

        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => reassigned(0)).Code);

        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => teed(0)).Code);
        Assert.Equal(70000, peek(0));   // the store went to the old address

        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => walk(0)).Code);
        Assert.Equal(3, peek(3 * 16384));   // iterations 0..3 stored; the fifth (p = 65536) trapped

        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => arms(4, 1)).Code);
        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => arms(4, 0)).Code);
        Assert.Equal(0, arms(0, 1));
        _ = memory;
    }
}
