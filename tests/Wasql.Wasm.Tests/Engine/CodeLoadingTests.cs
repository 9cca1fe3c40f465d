// Non-collectible code (EngineConfig.CollectibleCode = false, as `wasql run` uses) behaves like the default: the same
// results, traps and backtraces whether .NET tiers the module (big modules) or compiles it fully optimized (small ones).
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class CodeLoadingTests
{
    private const string Module = """
        (module (memory 1)
          (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
          (func $sum (export "sum") (param $n i32) (result i64)
            (local $i i32) (local $acc i64)
            (loop $l
              (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 4092)) (local.get $i))
              (local.set $acc (i64.add (local.get $acc)
                (i64.extend_i32_u (i32.load (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 4092))))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $acc))
          (func $boom (export "boom") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))
        """;

    [Theory]
    [InlineData(true, 0)]          // collectible: fully optimized on first call
    [InlineData(false, 0)]         // tiered: every module counts as big
    [InlineData(false, 1 << 30)]   // small module, not collectible: fully optimized on first call
    public void Same_behaviour_in_every_code_loading_mode(bool collectible, int tieredThreshold)
    {
        var engine = new Wasql.Wasm.Engine(new EngineConfig
        {
            CollectibleCode = collectible, TieredCodeThreshold = tieredThreshold, PreciseBacktraces = true,
            BaselineTier = false,   // the engine's own tiering has TieringTests
        });
        var store = new Store(engine);
        var inst = new Linker(engine).Instantiate(store, Wasql.Wasm.Module.Compile(engine, WatTool.Assemble(Module, debugNames: true)));
        var fib = inst.GetFunction<Func<int, int>>("fib");
        var sum = inst.GetFunction<Func<int, long>>("sum");
        for (int round = 0; round < 200; round++)   // enough calls for .NET to promote hot code in the tiered mode
        {
            Assert.Equal(6765, fib(20));
            Assert.Equal(1_999_000L, sum(2000));
        }
        Assert.Equal(499_999_500_000L, sum(1_000_000));   // a long loop: on-stack replacement in the tiered mode
        var trap = Assert.Throws<TrapException>(() => inst.GetFunction<Func<int, int>>("boom")(0));
        Assert.Equal(TrapCode.IntegerDivideByZero, trap.Code);
        Assert.Contains(trap.Backtrace, f => f.Contains("boom"));
    }
}
