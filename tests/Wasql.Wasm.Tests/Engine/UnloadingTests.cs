// Compiled code lives in a collectible assembly: once a module and its instances are unreachable,
// the generated code is unloaded (a long-running database loads and drops many modules).
using System.Runtime.CompilerServices;
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class UnloadingTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CompileRunAndDrop(Wasm.Engine engine, byte[] wasm)
    {
        var module = Module.Compile(engine, wasm);
        var store = new Store(engine);
        var inst = new Linker(engine).Instantiate(store, module);
        Assert.Equal(42, inst.GetFunction<Func<int>>("f")());
        return new WeakReference(module.Compiled.Type);
    }

    [Fact]
    public void DroppedModuleCodeIsCollected()
    {
        var engine = new Wasm.Engine();
        var wasm = WatTool.Assemble("""(module (memory 1) (func (export "f") (result i32) (i32.const 42)))""");
        var weak = CompileRunAndDrop(engine, wasm);
        for (int i = 0; i < 20 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive, "the generated assembly of a dropped module should be unloaded");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] CompileTieredRunAndDrop(Wasm.Engine engine, byte[] wasm)
    {
        var module = Module.Compile(engine, wasm);
        var inst = new Linker(engine).Instantiate(new Store(engine), module);
        var sum = inst.GetFunction<Func<int, int>>("sum");
        for (int i = 0; i < 5; i++) Assert.Equal(4950, sum(100));
        Assert.True(module.Compiled.Tiers!.OptimizedCount > 0);   // a tier-up happened, into part 0's module
        var types = module.Compiled.Methods.Select(m => m.DeclaringType!).Distinct().ToArray();
        Assert.Equal(2, types.Length);                              // emitted in two assemblies
        return types.Select(t => new WeakReference(t)).ToArray();
    }

    [Fact]
    public void DroppedTieredModuleCodeIsCollected()
    {
        var engine = new Wasm.Engine(new EngineConfig
        {
            TieredCodeThreshold = 0, InlineFunctionBytes = 8, TierUpCalls = 2, TierUpInBackground = false,
        });
        var wasm = WatTool.Assemble("""
            (module (memory 1)
              (func $one (result i32) (i32.const 1))
              (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc i32)
                (loop $l
                  (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (call $one))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
                (local.get $acc)))
            """);
        var weak = CompileTieredRunAndDrop(engine, wasm);
        for (int i = 0; i < 20 && weak.Any(w => w.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.All(weak, w => Assert.False(w.IsAlive, "both generated assemblies of a dropped tiered module should be unloaded"));
    }
}
