// Compiles every defined function of a validated module into static methods of one type in a
// collectible dynamic assembly, so the code is unloaded when the Module is no longer referenced.
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Compilation;

internal sealed class CompiledModule
{
    public required Type Type { get; init; }
    /// <summary>Compiled methods of the defined functions (index = function index - imported count).</summary>
    public required MethodInfo[] Methods { get; init; }
    /// <summary>Canonical (engine-wide) id of every type in the module's type section.</summary>
    public required int[] TypeIds { get; init; }

    private static readonly ConditionalWeakTable<Type, ModuleInfo> s_owners = new();

    /// <summary>JITs every function now, on this thread (small modules whose first calls run under a tight deadline).</summary>
    public void Precompile()
    {
        foreach (var m in Methods)
        {
            try { RuntimeHelpers.PrepareMethod(m.MethodHandle); }
            catch (Exception) { /* fails again, with its real error, when first called */ }
        }
    }

    /// <summary>JITs every function on a low-priority background thread, in index order (callers win races).</summary>
    public void PrecompileInBackground()
    {
        var methods = Methods;
        if (methods.Length == 0) return;
        var thread = new Thread(() =>
        {
            foreach (var m in methods)
            {
                try
                {
                    RuntimeHelpers.PrepareMethod(m.MethodHandle);
                }
                catch (Exception)
                {
                    // A method that fails to JIT fails again, with its real error, when it is first called.
                }
            }
        }) { IsBackground = true, Priority = ThreadPriority.BelowNormal, Name = "wasm-precompile" };
        thread.Start();
    }

    public static void RegisterOwner(Type t, ModuleInfo m) => s_owners.AddOrUpdate(t, m);

    public static bool TryGetOwner(Type? t, out ModuleInfo? m)
    {
        m = null;
        return t is not null && s_owners.TryGetValue(t, out m);
    }
}

internal static class ModuleCompiler
{
    private static int s_counter;

    public static CompiledModule Compile(Engine engine, ModuleInfo m)
    {
        int id = Interlocked.Increment(ref s_counter);
        string name = $"wasm{id}_{Sanitize(m.ModuleName)}";
        var config = engine.Config;
        var asm = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name),
            config.CollectibleCode ? AssemblyBuilderAccess.RunAndCollect : AssemblyBuilderAccess.Run);
        // Collectible code is never tiered; non-collectible code is, unless the module is small enough that compiling
        // it all fully optimized costs less than tiering's warm-up (EngineConfig.TieredCodeThreshold).
        bool tiered = !config.CollectibleCode && m.Bodies.Sum(b => (long)(b.End - b.CodeOffset)) >= config.TieredCodeThreshold;
        var mod = asm.DefineDynamicModule(name);
        var tb = mod.DefineType("WasmCode", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract | TypeAttributes.Class);

        var typeIds = m.Types.Select(engine.Types.IdOf).ToArray();
        int imported = m.ImportedFunctionCount;
        var builders = new MethodBuilder[m.DefinedFunctionCount];
        for (int i = 0; i < builders.Length; i++)
        {
            var ft = m.FunctionType((uint)(imported + i));
            var mb = tb.DefineMethod($"f{imported + i}", MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig,
                ClrTypes.ReturnOf(ft), ClrTypes.ParamsOf(ft, ClrTypes.Context));
            var body = m.Bodies[i];
            bool tiny = !config.PreciseBacktraces && body.End - body.CodeOffset <= TinyBody;
            mb.SetImplementationFlags(ImplFlags(config) | (config.CollectibleCode || tiered ? 0 : MethodImplAttributes.AggressiveOptimization)
                | (tiny ? MethodImplAttributes.AggressiveInlining : 0));
            builders[i] = mb;
        }

        var env = new CompileEnv(engine, m, builders, typeIds, mod, tb);
        for (int i = 0; i < builders.Length; i++)
        {
            try
            {
                new FunctionCompiler(env, (uint)(imported + i), builders[i].GetILGenerator()).Compile();
            }
            catch (WasmException) { throw; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new WasmException($"internal compiler error in {m.FunctionDisplayName((uint)(imported + i))}: {e.Message}", e);
            }
        }

        env.CreateFrames();
        var type = tb.CreateType();
        CompiledModule.RegisterOwner(type, m);
        var methods = new MethodInfo[builders.Length];
        for (int i = 0; i < methods.Length; i++)
            methods[i] = type.GetMethod(builders[i].Name, BindingFlags.Public | BindingFlags.Static)!;
        return new CompiledModule { Type = type, Methods = methods, TypeIds = typeIds };
    }

    /// <summary>Functions with at most this many bytes of wasm body are marked AggressiveInlining: RyuJIT's own
    /// heuristics rarely inline them because the prologue (stack probe, memory registers) makes their IL look bigger
    /// than the work they do. alloc_trees (malloc/free helpers) runs 7-10% faster; nothing measured got slower.</summary>
    private const int TinyBody = 100;

    internal static MethodImplAttributes ImplFlags(EngineConfig c) =>
        (c.OptimizeImmediately ? MethodImplAttributes.AggressiveOptimization : 0) |
        (c.PreciseBacktraces ? MethodImplAttributes.NoInlining : 0);

    private static string Sanitize(string? s) =>
        s is null ? "module" : new string(s.Take(40).Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}

/// <summary>What every function compiler of one module shares.</summary>
internal sealed class CompileEnv(Engine engine, ModuleInfo module, MethodBuilder[] methods, int[] typeIds, ModuleBuilder moduleBuilder, TypeBuilder code)
{
    private readonly List<FrameLayout> _frames = [];
    private int _regionCount;

    public Engine Engine { get; } = engine;
    public ModuleInfo Module { get; } = module;
    public MethodBuilder[] Methods { get; } = methods;
    public int[] TypeIds { get; } = typeIds;
    public bool HasMemory => Module.Memories.Count > 0;
    public CallEffects Calls { get; } = CallEffects.Analyze(module);

    /// <summary>Which constructs of a function to outline (none for the vast majority of functions).</summary>
    public RegionPlan PlanFor(FunctionBody body)
    {
        int budget = Engine.Config.FunctionSplitBudget;
        // Fewer bytes than the budget's worth of cheapest instructions cannot exceed it.
        if (budget <= 0 || (body.End - body.CodeOffset) * 3 <= budget) return RegionPlan.None;
        return RegionPlanner.Plan(Module, body, budget, Engine.Config.SplitPartially);
    }

    public FrameLayout NewFrame(uint funcIndex, ValType[] localTypes)
    {
        var f = new FrameLayout(moduleBuilder, $"Frame{funcIndex}", localTypes);
        _frames.Add(f);
        return f;
    }

    /// <summary>A method for an outlined region: int r(ref Frame frame, VmContext ctx), returning the exit code.</summary>
    public MethodBuilder DefineRegionMethod(uint funcIndex, FrameLayout frame)
    {
        var mb = code.DefineMethod($"r{funcIndex}_{_regionCount++}", MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig,
            typeof(int), [frame.ByRef, ClrTypes.Context]);
        mb.SetImplementationFlags(ModuleCompiler.ImplFlags(Engine.Config));
        return mb;
    }

    public void CreateFrames()
    {
        foreach (var f in _frames) f.Create();
    }
}
