// Tiering for big modules. .NET never tiers code in collectible assemblies: every method is compiled fully optimized
// on its first call, and for a big program (SQLite: 800 functions, 1.4 MB of IL on its first run) that JIT time is
// most of its start-up. So a big module starts with baseline code (RyuJIT MinOpts, ~4x cheaper to compile) that counts
// its calls and loop iterations; a function whose count runs out is compiled again, fully optimized, into a type of
// its own in the same dynamic module, by default on a thread-pool thread while the guest keeps running the baseline.
// Its pointer then replaces the baseline's in TierState.Code (direct calls) and TierState.Optimized (the baseline
// forwards there, which covers calls through tables and exports).
using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Wasql.Wasm.Model;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed class TierUpCompiler(Engine engine, ModuleInfo module, ModuleBuilder? moduleBuilder, MethodInfo[] methods,
    int[] typeIds, CallEffects calls, bool[] tiny, TierState state)
{
    private readonly int[] _requested = new int[methods.Length];
    private readonly int[] _warmed = new int[methods.Length];
    private readonly ConcurrentQueue<int> _queue = new();
    private readonly ConcurrentQueue<int> _warmQueue = new();
    private readonly object _emitLock = new();
    private int _draining;

    public void Request(int defined)
    {
        if (Interlocked.Exchange(ref _requested[defined], 1) != 0) return;
        if (!engine.Config.TierUpInBackground)
        {
            Promote(defined);
            return;
        }
        _queue.Enqueue(defined);
        Kick();
    }

    /// <summary>Queues the baseline code of <paramref name="defined"/>'s callees for compilation ahead of their first
    /// call (after any pending tier-ups). Only in background mode: it spends an otherwise idle core.</summary>
    public void Warm(int defined)
    {
        if (!engine.Config.TierUpInBackground) return;
        bool any = false;
        foreach (int callee in calls.Callees(defined))
        {
            if (Interlocked.Exchange(ref _warmed[callee], 1) != 0) continue;
            _warmQueue.Enqueue(callee);
            any = true;
        }
        if (any) Kick();
    }

    private void Kick()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        while (true)
        {
            while (true)
            {
                if (_queue.TryDequeue(out int hot)) Promote(hot);
                else if (_warmQueue.TryDequeue(out int next)) Prepare(next);
                else break;
            }
            Volatile.Write(ref _draining, 0);
            // A request that arrived after the queues looked empty finds _draining set and relies on this loop.
            if ((_queue.IsEmpty && _warmQueue.IsEmpty) || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
        }
    }

    private void Prepare(int defined)
    {
        if (Volatile.Read(ref state.Optimized[defined]) != 0 && !tiny[defined]) return;
        try { RuntimeHelpers.PrepareMethod(methods[defined].MethodHandle); }
        catch (Exception e) when (e is not OutOfMemoryException) { /* fails again, with its real error, when called */ }
    }

    private void Promote(int defined)
    {
        nint code;
        try
        {
            code = Emit(defined);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The baseline produced from the same body keeps running; an optimizer failure is never a guest error.
            return;
        }
        state.Publish(defined, code);
    }

    private nint Emit(int defined)
    {
        uint funcIndex = (uint)(module.ImportedFunctionCount + defined);
        MethodInfo method;
        lock (_emitLock)   // Reflection.Emit builders are not thread-safe; promotions of one module run one at a time
        {
            // Code loaded from persisted images (module cache) cannot grow: its tier-ups get a dynamic assembly.
            moduleBuilder ??= AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"wasm_tierup_{Guid.NewGuid():N}"), AssemblyBuilderAccess.RunAndCollect)
                .DefineDynamicModule("tierup");
            var tb = moduleBuilder.DefineType($"Tier{funcIndex}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract | TypeAttributes.Class);
            var ft = module.FunctionType(funcIndex);
            var mb = tb.DefineMethod($"f{funcIndex}", MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig,
                ClrTypes.ReturnOf(ft), ClrTypes.ParamsOf(ft, ClrTypes.Context));
            mb.SetImplementationFlags(ModuleCompiler.ImplFlags(engine.Config));
            var env = new CompileEnv(engine, module, methods, typeIds, moduleBuilder, tb, calls, tiny);
            ModuleCompiler.CompileFunction(env, funcIndex, mb.GetILGenerator(), baseline: false);
            env.CreateFrames();
            var type = tb.CreateType();
            CompiledModule.RegisterOwner(type, module);
            method = type.GetMethod(mb.Name, BindingFlags.Public | BindingFlags.Static)!;
        }
        RuntimeHelpers.PrepareMethod(method.MethodHandle);   // JIT here, off the guest's thread when in background
        return method.MethodHandle.GetFunctionPointer();
    }
}
