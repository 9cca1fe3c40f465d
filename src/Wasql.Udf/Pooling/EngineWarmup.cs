// Runs a tiny built-in module once per process and engine configuration before any UDF or plugin is called, so the
// engine's own runtime paths (memory.grow, a trap and its backtrace, fuel and interrupt checks) are JIT-compiled at
// load and not inside the first guest call's deadline: that work is the host's, not the guest's.
using System.Collections.Concurrent;
using Wasql.Wasm;

namespace Wasql.Udf.Pooling;

internal static class EngineWarmup
{
    /// <summary>(module (memory 1) (func (export "warm") (drop (memory.grow (i32.const 1))) unreachable))</summary>
    private static readonly byte[] s_module =
    [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                      // type section: () -> ()
        0x03, 0x02, 0x01, 0x00,                                  // function section: one function of type 0
        0x05, 0x03, 0x01, 0x00, 0x01,                            // memory section: one memory, 1 page
        0x07, 0x08, 0x01, 0x04, (byte)'w', (byte)'a', (byte)'r', (byte)'m', 0x00, 0x00,   // export "warm" = func 0
        0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x01, 0x40, 0x00, 0x1a, 0x00, 0x0b,          // code: grow 1, drop, unreachable
    ];

    private static readonly ConcurrentDictionary<(bool Fuel, bool Interruptible), bool> s_done = new();

    public static void Run(Engine engine, StoreLimits limits)
    {
        var key = (engine.Config.ConsumeFuel, engine.Config.Interruptible);
        if (!s_done.TryAdd(key, true)) return;
        try
        {
            var module = Module.Compile(engine, s_module);
            module.Precompile();
            var store = new Store(engine);
            store.Limits.MaxMemoryBytes = limits.MaxMemoryBytes;
            if (engine.Config.ConsumeFuel) store.SetFuel(1_000_000);
            var instance = new Linker(engine).Instantiate(store, module);
            try { instance.GetFunction("warm")!.Invoke(); }
            catch (TrapException) { /* expected: the trap path is what is being warmed */ }
        }
        catch (Exception)
        {
            // A warm-up is an optimisation: never fail a runtime because of it.
        }
    }
}
