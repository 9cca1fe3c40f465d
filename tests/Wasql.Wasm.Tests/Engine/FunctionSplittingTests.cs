// Function splitting (outlining of big constructs) must not change behaviour: the same module runs
// with splitting off, at the default budget and at tiny budgets that outline nearly every block.
using System.Text;
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class FunctionSplittingTests
{
    /// <summary>A state machine over memory with nested blocks, loops, ifs, br_table, multi-value blocks and early returns.</summary>
    private static string BigModule(int cases)
    {
        var sb = new StringBuilder("""
            (module (memory 1)
              (type $pair (func (param i32) (result i32 i64)))
              (func (export "run") (param $n i32) (param $seed i32) (result i64)
                (local $i i32) (local $acc i64) (local $x i32) (local $f f64)
                (local.set $x (local.get $seed))
                (block $done
                  (loop $next
                    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
            """);
        // dispatch: block nest with a br_table on x % cases
        for (int c = 0; c < cases; c++) sb.Append($"(block $c{c} ");
        sb.Append("(br_table ");
        for (int c = 0; c < cases; c++) sb.Append($"$c{c} ");
        sb.Append($"$c0 (i32.rem_u (i32.shr_u (local.get $x) (i32.const 8)) (i32.const {cases})))");
        for (int c = 0; c < cases; c++)
        {
            sb.Append(')'); // close block $c{c}: the case body follows
            sb.Append($"""
                (i32.store (i32.and (i32.mul (local.get $i) (i32.const {4 + c % 5})) (i32.const 4092))
                  (i32.add (local.get $x) (i32.const {c})))
                (local.set $acc (i64.add (local.get $acc)
                  (i64.extend_i32_u (i32.load (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 4092))))))
                (if (i32.eq (i32.and (local.get $x) (i32.const 1023)) (i32.const {c}))
                  (then (return (i64.add (local.get $acc) (i64.const {c * 1000})))))
                (i32.const {c})
                (block (param i32) (result i32 i64)
                  (i64.const {c})
                  (br_if 0 (i32.lt_u (local.get $i) (i32.const 3)))
                  (drop) (drop) (i32.const {c + 1}) (i64.const {c * 3}))
                local.get $acc i64.add local.set $acc
                i64.extend_i32_u local.get $acc i64.xor local.set $acc
                (local.set $f (f64.add (local.get $f) (f64.convert_i32_u (local.get $x))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $next)
                """);
        }
        sb.Append("""
                  ))
                (i64.add (local.get $acc) (i64.trunc_sat_f64_u (f64.div (local.get $f) (f64.const 1e6))))))
            """);
        return sb.ToString();
    }

    /// <summary>Sequential loops with exits to outer labels, early returns and multi-value blocks: splittable.</summary>
    private static string SequentialModule(int stages)
    {
        var sb = new StringBuilder("""
            (module (memory 1)
              (func (export "run") (param $n i32) (param $seed i32) (result i64)
                (local $i i32) (local $acc i64) (local $x i32)
                (local.set $x (local.get $seed))
                (block $out (result i64)
            """);
        for (int k = 0; k < stages; k++)
        {
            sb.Append($"""
                (local.set $i (i32.const 0))
                (block $b{k}
                  (loop $l{k}
                    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const {12345 + k})))
                    (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 4092)) (local.get $x))
                    (local.set $acc (i64.add (local.get $acc)
                      (i64.extend_i32_u (i32.load (i32.and (i32.mul (local.get $x) (i32.const 4)) (i32.const 4092))))))
                    (drop (br_if $out (i64.add (local.get $acc) (i64.const {k})) (i32.eq (i32.and (local.get $x) (i32.const 65535)) (i32.const {k}))))
                    (if (i32.eq (i32.and (local.get $x) (i32.const 262143)) (i32.const {k * 7}))
                      (then (return (i64.const {k * 1000}))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $l{k} (i32.lt_u (local.get $i) (local.get $n)))))
                (i32.const {k})
                (block (param i32) (result i32 i64) (i64.const {k * 3}))
                local.get $acc i64.add local.set $acc
                i64.extend_i32_u local.get $acc i64.xor local.set $acc
                """);
        }
        sb.Append("(local.get $acc))))");
        return sb.ToString();
    }

    private static int RegionCount(byte[] wasm, int budget) =>
        Module.Compile(new Wasm.Engine(new EngineConfig { FunctionSplitBudget = budget }), wasm)
            .Compiled.Type.GetMethods().Count(m => m.Name.StartsWith('r'));

    private static long[] RunAll(byte[] wasm, int budget)
    {
        var engine = new Wasm.Engine(new EngineConfig { FunctionSplitBudget = budget });
        var store = new Store(engine);
        var module = Module.Compile(engine, wasm);
        var inst = new Linker(engine).Instantiate(store, module);
        var run = inst.GetFunction<Func<int, int, long>>("run");
        return [run(0, 1), run(10, 7), run(1000, 42), run(5000, 12345), run(3000, -1)];
    }

    [Theory]
    [InlineData(8)]
    [InlineData(40)]
    public void SplitFunctionsComputeTheSameResults(int stages)
    {
        var wasm = WatTool.Assemble(SequentialModule(stages));
        var reference = RunAll(wasm, budget: 0);
        Assert.Equal(0, RegionCount(wasm, 0));
        foreach (int budget in new[] { 12_000, 4_000, 1_500, 1_000 })
            Assert.Equal(reference, RunAll(wasm, budget));
        int outlined = new[] { 4_000, 1_500, 1_000 }.Sum(b => RegionCount(wasm, b));
        Assert.True(outlined > 0, "the small budgets should outline some stages");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(60)]
    public void SwitchDispatchNestsAreLeftWhole(int cases)
    {
        // Outlining blocks of a br_table nest makes every dispatch a chain of calls (9x slower on SQLite):
        // the planner leaves such functions whole, and results are the same at any budget.
        var wasm = WatTool.Assemble(BigModule(cases));
        var reference = RunAll(wasm, budget: 0);
        Assert.Equal(reference, RunAll(wasm, budget: 60));
        Assert.Equal(0, RegionCount(wasm, 60));
    }

    [Fact]
    public void TrapsInsideOutlinedRegionsKeepTheirBacktrace()
    {
        var wasm = WatTool.Assemble("""
            (module
              (func $deep (export "deep") (param i32) (result i32)
                (block (result i32)
                  (block (result i32)
                    (loop (result i32)
                      (i32.div_u (i32.const 100) (local.get 0)))))))
            """, debugNames: true);
        var engine = new Wasm.Engine(new EngineConfig { FunctionSplitBudget = 10, SplitPartially = true, PreciseBacktraces = true });
        var store = new Store(engine);
        var inst = new Linker(engine).Instantiate(store, Module.Compile(engine, wasm));
        var deep = inst.GetFunction<Func<int, int>>("deep");
        Assert.Equal(20, deep(5));
        var trap = Assert.Throws<TrapException>(() => deep(0));
        Assert.Equal(TrapCode.IntegerDivideByZero, trap.Code);
        Assert.Equal(["deep"], trap.Backtrace.Select(f => f.TrimStart('$')).ToArray());
    }
}
