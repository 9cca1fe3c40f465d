// Compiles every defined function of a validated module into static methods of one type in a
// collectible dynamic assembly, so the code is unloaded when the Module is no longer referenced.
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Wasql.Wasm.Model;
using Wasql.Wasm.Runtime;

namespace Wasql.Wasm.Compilation;

internal sealed class CompiledModule
{
    public required Type Type { get; init; }
    /// <summary>Compiled methods of the defined functions (index = function index - imported count).</summary>
    public required MethodInfo[] Methods { get; init; }
    /// <summary>Canonical (engine-wide) id of every type in the module's type section.</summary>
    public required int[] TypeIds { get; init; }
    /// <summary>Entry pointers and call counts of a module the engine tiers; null when every function is optimized.</summary>
    public TierState? Tiers { get; init; }

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
        long codeBytes = m.Bodies.Sum(b => (long)(b.End - b.CodeOffset));
        // Collectible code is never tiered by .NET, so a big module is tiered by the engine (TierUpCompiler) unless
        // told otherwise. Non-collectible code is tiered by .NET, unless the module is small enough that compiling it
        // all fully optimized costs less than tiering's warm-up (EngineConfig.TieredCodeThreshold).
        bool big = codeBytes >= config.TieredCodeThreshold;
        bool engineTiered = config.CollectibleCode && config.BaselineTier && !config.OptimizeImmediately && big;
        bool dotnetTiered = !config.CollectibleCode && big;
        var mod = asm.DefineDynamicModule(name);
        var tb = mod.DefineType("WasmCode", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract | TypeAttributes.Class);

        var typeIds = m.Types.Select(engine.Types.IdOf).ToArray();
        int imported = m.ImportedFunctionCount;
        var tiny = new bool[m.DefinedFunctionCount];
        var baseline = new bool[m.DefinedFunctionCount];
        var builders = new MethodBuilder[m.DefinedFunctionCount];
        for (int i = 0; i < builders.Length; i++)
        {
            var ft = m.FunctionType((uint)(imported + i));
            var body = m.Bodies[i];
            tiny[i] = !config.PreciseBacktraces && body.End - body.CodeOffset <= config.InlineFunctionBytes;
            // Tiny functions skip the baseline: their optimized code is cheap to make, and callers inline it.
            baseline[i] = engineTiered && !tiny[i];
            var mb = tb.DefineMethod($"{(baseline[i] ? 'b' : 'f')}{imported + i}", MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig,
                ClrTypes.ReturnOf(ft), ClrTypes.ParamsOf(ft, ClrTypes.Context));
            mb.SetImplementationFlags(baseline[i] ? BaselineFlags : ImplFlags(config)
                | (config.CollectibleCode || dotnetTiered ? 0 : MethodImplAttributes.AggressiveOptimization)
                | (tiny[i] ? MethodImplAttributes.AggressiveInlining : 0));
            builders[i] = mb;
        }

        var calls = CallEffects.Analyze(m);
        var env = new CompileEnv(engine, m, builders, typeIds, mod, tb, calls, engineTiered ? tiny : null);
        for (int i = 0; i < builders.Length; i++)
            CompileFunction(env, (uint)(imported + i), builders[i].GetILGenerator(), baseline[i]);

        env.CreateFrames();
        var type = tb.CreateType();
        CompiledModule.RegisterOwner(type, m);
        // One listing: looking each method up by name costs ~20 µs on a type with thousands of methods.
        var byName = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).ToDictionary(mi => mi.Name);
        var methods = new MethodInfo[builders.Length];
        for (int i = 0; i < methods.Length; i++)
            methods[i] = byName[builders[i].Name];

        TierState? tiers = null;
        if (engineTiered)
        {
            tiers = new TierState(methods.Length, config.TierUpCalls);
            for (int i = 0; i < methods.Length; i++)
            {
                tiers.Code[i] = methods[i].MethodHandle.GetFunctionPointer();
                if (!baseline[i]) tiers.Optimized[i] = tiers.Code[i];
            }
            tiers.Compiler = new TierUpCompiler(engine, m, mod, methods, typeIds, calls, tiny, tiers);
        }
        return new CompiledModule { Type = type, Methods = methods, TypeIds = typeIds, Tiers = tiers };
    }

    internal static void CompileFunction(CompileEnv env, uint funcIndex, ILGenerator il, bool baseline)
    {
        try
        {
            new FunctionCompiler(env, funcIndex, il, baseline: baseline).Compile();
        }
        catch (WasmException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new WasmException($"internal compiler error in {env.Module.FunctionDisplayName(funcIndex)}: {e.Message}", e);
        }
    }

    /// <summary>Baseline code: RyuJIT's MinOpts, about four times cheaper to compile than full optimization.</summary>
    private const MethodImplAttributes BaselineFlags = MethodImplAttributes.NoOptimization | MethodImplAttributes.NoInlining;

    internal static MethodImplAttributes ImplFlags(EngineConfig c) =>
        (c.OptimizeImmediately ? MethodImplAttributes.AggressiveOptimization : 0) |
        (c.PreciseBacktraces ? MethodImplAttributes.NoInlining : 0);

    private static string Sanitize(string? s) =>
        s is null ? "module" : new string(s.Take(40).Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}

/// <summary>What every function compiler of one module shares.</summary>
internal sealed class CompileEnv(Engine engine, ModuleInfo module, MethodInfo[] methods, int[] typeIds, ModuleBuilder moduleBuilder,
    TypeBuilder code, CallEffects calls, bool[]? tieredTiny)
{
    private readonly List<FrameLayout> _frames = [];
    private int _regionCount;

    public Engine Engine { get; } = engine;
    public ModuleInfo Module { get; } = module;
    /// <summary>Each defined function's method in the module's main type (what direct calls target).</summary>
    public MethodInfo[] Methods { get; } = methods;
    public int[] TypeIds { get; } = typeIds;
    public bool HasMemory => Module.Memories.Count > 0;
    public CallEffects Calls { get; } = calls;

    /// <summary>The module is tiered (TierUpCompiler): calls go through <see cref="TierState.Code"/>.</summary>
    public bool Tiered => tieredTiny is not null;

    /// <summary>In a tiered module, calls to a tiny function stay direct (it has optimized code only, and inlines).</summary>
    public bool CallsDirectly(int definedIndex) => tieredTiny is null || tieredTiny[definedIndex];

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
