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
}
