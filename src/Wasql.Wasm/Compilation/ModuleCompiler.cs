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
        long codeBytes = m.Bodies.Sum(b => (long)(b.End - b.CodeOffset));
        // Collectible code is never tiered by .NET, so a big module is tiered by the engine (TierUpCompiler) unless
        // told otherwise. Non-collectible code is tiered by .NET, unless the module is small enough that compiling it
        // all fully optimized costs less than tiering's warm-up (EngineConfig.TieredCodeThreshold).
        bool big = codeBytes >= config.TieredCodeThreshold;
        bool engineTiered = config.CollectibleCode && config.BaselineTier && !config.OptimizeImmediately && big;
        bool dotnetTiered = !config.CollectibleCode && big;

        var typeIds = m.Types.Select(engine.Types.IdOf).ToArray();
        int imported = m.ImportedFunctionCount, n = m.DefinedFunctionCount;
        var tiny = new bool[n];
        var baseline = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var body = m.Bodies[i];
            tiny[i] = !config.PreciseBacktraces && body.End - body.CodeOffset <= config.InlineFunctionBytes;
            // Tiny functions skip the baseline: their optimized code is cheap to make, and callers inline it.
            baseline[i] = engineTiered && !tiny[i];
        }

        // A tiered module is emitted into two dynamic assemblies on two threads: its baseline code calls every
        // function through TierState.Code, so the halves never reference each other. Part 0 holds the tiny
        // functions (optimized code that calls other tiny functions directly) and the later tier-ups.
        int parts = engineTiered && baseline.Any(b => b) ? 2 : 1;
        var part = new int[n];
        if (parts == 2)
        {
            long size0 = 0, size1 = 0;
            for (int i = 0; i < n; i++)
            {
                long size = m.Bodies[i].End - m.Bodies[i].CodeOffset;
                if (baseline[i] && size1 < size0) { part[i] = 1; size1 += size; }
                else size0 += size;
            }
        }
        var units = new CodeUnit[parts];
        for (int p = 0; p < parts; p++)
        {
            string partName = parts == 1 ? name : $"{name}_{p}";
            var asm = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(partName),
                config.CollectibleCode ? AssemblyBuilderAccess.RunAndCollect : AssemblyBuilderAccess.Run);
            var mod = asm.DefineDynamicModule(partName);
            units[p] = new CodeUnit(mod, mod.DefineType("WasmCode", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract | TypeAttributes.Class));
        }

        var builders = new MethodBuilder[n];
        for (int i = 0; i < n; i++)
        {
            var ft = m.FunctionType((uint)(imported + i));
            var mb = units[part[i]].Type.DefineMethod($"{(baseline[i] ? 'b' : 'f')}{imported + i}", MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig,
                ClrTypes.ReturnOf(ft), ClrTypes.ParamsOf(ft, ClrTypes.Context));
            mb.SetImplementationFlags(baseline[i] ? BaselineFlags : ImplFlags(config)
                | (config.CollectibleCode || dotnetTiered ? 0 : MethodImplAttributes.AggressiveOptimization)
                | (tiny[i] ? MethodImplAttributes.AggressiveInlining : 0));
            builders[i] = mb;
        }

        var calls = CallEffects.Analyze(m);
        Type EmitPart(int p)
        {
            var env = new CompileEnv(engine, m, builders, typeIds, units[p].Module, units[p].Type, calls, engineTiered ? tiny : null);
            for (int i = 0; i < n; i++)
                if (part[i] == p) CompileFunction(env, (uint)(imported + i), builders[i].GetILGenerator(), baseline[i]);
            env.CreateFrames();
            var created = units[p].Type.CreateType();
            CompiledModule.RegisterOwner(created, m);
            return created;
        }
        var types = new Type[parts];
        if (parts == 1) types[0] = EmitPart(0);
        else
        {
            // A thread of its own: a host that compiles on thread-pool threads must not wait on the pool for it.
            var second = Task.Factory.StartNew(() => EmitPart(1), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try { types[0] = EmitPart(0); }
            finally { second.Wait(); }   // observe its failure too; rethrown below without the AggregateException wrapper
            types[1] = second.GetAwaiter().GetResult();
        }

        // One listing per type: looking each method up by name costs ~20 µs on a type with thousands of methods.
        var byName = types.Select(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).ToDictionary(mi => mi.Name)).ToArray();
        var methods = new MethodInfo[n];
        for (int i = 0; i < n; i++)
            methods[i] = byName[part[i]][builders[i].Name];

        TierState? tiers = null;
        if (engineTiered)
        {
            tiers = new TierState(n, config.TierUpCalls);
            for (int i = 0; i < n; i++)
            {
                tiers.Code[i] = methods[i].MethodHandle.GetFunctionPointer();
                if (!baseline[i]) tiers.Optimized[i] = tiers.Code[i];
            }
            tiers.Compiler = new TierUpCompiler(engine, m, units[0].Module, methods, typeIds, calls, tiny, tiers);
        }
        return new CompiledModule { Type = types[0], Methods = methods, TypeIds = typeIds, Tiers = tiers };
    }

    private readonly record struct CodeUnit(ModuleBuilder Module, TypeBuilder Type);

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
