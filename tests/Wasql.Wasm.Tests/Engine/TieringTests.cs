// Tiering (EngineConfig.BaselineTier): a big module starts in baseline code and each function switches to optimized
// code once hot. Both tiers must agree on results, fuel, traps and backtraces; direct calls, exports, tables and
// later instances must all reach the optimized code; and only big modules are tiered. The spec suite also runs
// tiered (`--tier-up 2` in test.sh), which covers every instruction in both tiers.
using Wasql.Wasm.Vm;
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class TieringTests
{
    private const string Module = """
        (module (memory 1)
          (table 1 funcref)
          (elem (i32.const 0) $sum)
          (func $sum (export "sum") (param $n i32) (result i64)
            (local $i i32) (local $acc i64)
            (block $done
              (br_if $done (i32.eqz (local.get $n)))
              (loop $l
                (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 4092)) (local.get $i))
                (local.set $acc (i64.add (local.get $acc)
                  (i64.extend_i32_u (i32.load (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 4092))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
            (local.get $acc))
          (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
          (func (export "sum_via_table") (param i32) (result i64)
            (call_indirect (param i32) (result i64) (local.get 0) (i32.const 0)))
          (func $deep (export "deep") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.div_u (i32.const 1) (local.get 0)))
              (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
          (func $forever (export "forever") (param i32) (result i32)
            (i32.add (i32.const 1) (call $forever (local.get 0))))
          (func (export "spin") (loop $l (br $l))))
        """;

    private static EngineConfig Tiered(int tierUpCalls, bool background = false) => new()
    {
        TieredCodeThreshold = 0,          // every module counts as big
        InlineFunctionBytes = 0,          // and no function is exempt as tiny
        TierUpCalls = tierUpCalls,
        TierUpInBackground = background,
    };

    private static (Store, Instance, TierState) Load(EngineConfig config)
    {
        var engine = new Wasql.Wasm.Engine(config);
        var store = new Store(engine);
        var module = Wasql.Wasm.Module.Compile(engine, WatTool.Assemble(Module, debugNames: true));
        var inst = new Linker(engine).Instantiate(store, module);
        return (store, inst, module.Compiled.Tiers!);
    }

    private const int Sum = 0, Fib = 1, Deep = 3;   // defined function indices

    [Fact]
    public void A_function_runs_baseline_code_until_hot_then_optimized_code()
    {
        var (_, inst, tiers) = Load(Tiered(tierUpCalls: 100));
        var sum = inst.GetFunction<Func<int, long>>("sum");
        nint baselineEntry = inst.GetFunction("sum")!.Code;
        Assert.Equal(0, tiers.OptimizedCount);

        Assert.Equal(45L, sum(10));                 // 1 call + 10 loop iterations: still baseline
        Assert.Equal(0, tiers.Optimized[Sum]);
        Assert.Equal(4950L, sum(100));              // the loop runs the count out
        Assert.NotEqual(0, tiers.Optimized[Sum]);
        Assert.Equal(tiers.Optimized[Sum], tiers.Code[Sum]);
        Assert.Equal(0, tiers.Optimized[Fib]);      // only what ran hot

        Assert.Equal(4950L, sum(100));              // the same results from the optimized code
        Assert.Equal(1_999_000L, sum(2000));
        // The export now enters the optimized code directly instead of forwarding through the baseline.
        Assert.NotEqual(baselineEntry, inst.GetFunction("sum")!.Code);
        Assert.Equal(tiers.Optimized[Sum], inst.GetFunction("sum")!.Code);
    }

    [Fact]
    public void Recursive_calls_switch_tiers_mid_recursion_with_correct_results()
    {
        var (_, inst, tiers) = Load(Tiered(tierUpCalls: 50));
        var fib = inst.GetFunction<Func<int, int>>("fib");
        Assert.Equal(6765, fib(20));                // promoted after its 50th call, deep inside this one
        Assert.NotEqual(0, tiers.Optimized[Fib]);
        Assert.Equal(832040, fib(30));
    }

    [Fact]
    public void Tables_and_later_instances_reach_the_optimized_code()
    {
        var config = Tiered(tierUpCalls: 20);
        var engine = new Wasql.Wasm.Engine(config);
        var module = Wasql.Wasm.Module.Compile(engine, WatTool.Assemble(Module, debugNames: true));
        var first = new Linker(engine).Instantiate(new Store(engine), module);
        Assert.Equal(45L, first.GetFunction<Func<int, long>>("sum_via_table")(10));
        Assert.Equal(4950L, first.GetFunction<Func<int, long>>("sum_via_table")(100));
        var tiers = module.Compiled.Tiers!;
        Assert.NotEqual(0, tiers.Optimized[Sum]);

        var second = new Linker(engine).Instantiate(new Store(engine), module);
        Assert.Equal(tiers.Optimized[Sum], second.GetFunction("sum")!.Code);
        Assert.Equal(1_999_000L, second.GetFunction<Func<int, long>>("sum_via_table")(2000));
    }

    [Fact]
    public void Both_tiers_charge_the_same_fuel_as_untiered_code()
    {
        long Charged(EngineConfig config, int warmups)
        {
            config.ConsumeFuel = true;
            var (store, inst, _) = Load(config);
            var sum = inst.GetFunction<Func<int, long>>("sum");
            store.SetFuel(1_000_000_000);
            for (int i = 0; i < warmups; i++) sum(500);
            long before = store.GetFuel();
            Assert.Equal(124_750L, sum(500));
            return before - store.GetFuel();
        }

        long untiered = Charged(new EngineConfig { BaselineTier = false, TieredCodeThreshold = 0 }, 0);
        var baselineConfig = Tiered(tierUpCalls: 1_000_000);
        long baseline = Charged(baselineConfig, 0);
        long optimized = Charged(Tiered(tierUpCalls: 10), warmups: 2);
        Assert.True(untiered > 500, $"fuel charged: {untiered}");
        Assert.Equal(untiered, baseline);
        Assert.Equal(untiered, optimized);
    }

    [Fact]
    public void Traps_and_backtraces_are_the_same_in_both_tiers()
    {
        var (_, inst, tiers) = Load(Tiered(tierUpCalls: 30));
        var deep = inst.GetFunction<Func<int, int>>("deep");
        var inBaseline = Assert.Throws<TrapException>(() => deep(5));    // 6 calls, the last divides by zero
        Assert.Equal(0, tiers.Optimized[Deep]);
        for (int i = 0; i < 5; i++) Assert.Throws<TrapException>(() => deep(5));
        Assert.NotEqual(0, tiers.Optimized[Deep]);
        var inOptimized = Assert.Throws<TrapException>(() => deep(5));

        Assert.Equal(TrapCode.IntegerDivideByZero, inBaseline.Code);
        Assert.Equal(TrapCode.IntegerDivideByZero, inOptimized.Code);
        Assert.Contains(inBaseline.Backtrace, f => f.Contains("deep"));
        Assert.Contains(inOptimized.Backtrace, f => f.Contains("deep"));
    }

    [Fact]
    public void Unbounded_recursion_traps_in_both_tiers_and_the_store_stays_usable()
    {
        foreach (int tierUp in new[] { 1_000_000, 1 })
        {
            var (_, inst, _) = Load(Tiered(tierUp));
            var forever = inst.GetFunction<Func<int, int>>("forever");
            Assert.Equal(TrapCode.StackExhausted, Assert.Throws<TrapException>(() => forever(0)).Code);
            Assert.Equal(TrapCode.StackExhausted, Assert.Throws<TrapException>(() => forever(0)).Code);
            Assert.Equal(4950L, inst.GetFunction<Func<int, long>>("sum")(100));
        }
    }

    [Theory]
    [InlineData(1_000_000)]   // the loop stays in baseline code
    [InlineData(5)]           // promoted after 5 iterations; the next call spins in optimized code
    public void Interruption_and_fuel_stop_a_spinning_guest_in_either_tier(int tierUp)
    {
        var config = Tiered(tierUp);
        config.Interruptible = true;
        config.ConsumeFuel = true;
        var (store, inst, tiers) = Load(config);
        var spin = inst.GetFunction<Action>("spin");
        store.SetFuel(100_000);
        Assert.Equal(TrapCode.OutOfFuel, Assert.Throws<TrapException>(spin).Code);
        Assert.Equal(tierUp == 5, tiers.OptimizedCount > 0);
        store.SetFuel(long.MaxValue);
        using var timer = new Timer(_ => store.Interrupt("deadline exceeded"), null, 100, Timeout.Infinite);
        Assert.Equal(TrapCode.Interrupted, Assert.Throws<TrapException>(spin).Code);
        store.ClearInterrupt();
        Assert.Equal(4950L, inst.GetFunction<Func<int, long>>("sum")(100));
    }

    [Fact]
    public void In_background_mode_hot_functions_are_promoted_while_the_guest_keeps_running()
    {
        var (_, inst, tiers) = Load(Tiered(tierUpCalls: 10, background: true));
        var fib = inst.GetFunction<Func<int, int>>("fib");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Volatile.Read(ref tiers.Optimized[Fib]) == 0 && DateTime.UtcNow < deadline)
            Assert.Equal(610, fib(15));
        Assert.NotEqual(0, tiers.Optimized[Fib]);
        Assert.Equal(832040, fib(30));
    }

    [Theory]
    [InlineData(true, false, false, 0, true)]            // big (threshold 0): tiered
    [InlineData(true, false, false, 1 << 30, false)]     // small: fully optimized on first call
    [InlineData(false, false, false, 0, false)]          // BaselineTier off
    [InlineData(true, true, false, 0, false)]            // OptimizeImmediately wins
    [InlineData(true, false, true, 0, false)]            // non-collectible code is tiered by .NET instead
    public void Only_big_modules_are_tiered_and_only_when_the_engine_may(bool baselineTier, bool optimizeImmediately,
        bool nonCollectible, int threshold, bool tiered)
    {
        var engine = new Wasql.Wasm.Engine(new EngineConfig
        {
            BaselineTier = baselineTier, OptimizeImmediately = optimizeImmediately, CollectibleCode = !nonCollectible,
            TieredCodeThreshold = threshold,
        });
        var module = Wasql.Wasm.Module.Compile(engine, WatTool.Assemble(Module));
        Assert.Equal(tiered, module.Compiled.Tiers is not null);
        var inst = new Linker(engine).Instantiate(new Store(engine), module);
        Assert.Equal(1_999_000L, inst.GetFunction<Func<int, long>>("sum")(2000));
    }
}
