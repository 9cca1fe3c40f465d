// Compiles every defined function of a validated module into static methods of one type in a
// collectible dynamic assembly, so the code is unloaded when the Module is no longer referenced.
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Wasql.Wasm.Model;
using Wasql.Wasm.Vm;

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
    /// <summary>The load context of code that came from persisted images (module cache), else null.</summary>
    public CodeLoadContext? LoadContext { get; init; }

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

    /// <summary>Compiles into dynamic assemblies that run in this process only.</summary>
    public static CompiledModule Compile(Engine engine, ModuleInfo m) => Compile(engine, m, images: null);

    /// <summary>
    /// Compiles; with <paramref name="images"/>, into persisted assemblies (<see cref="PersistedAssemblyBuilder"/>)
    /// whose PE images are added to the list (for the module cache) and then loaded, instead of dynamic ones.
    /// </summary>
    public static CompiledModule Compile(Engine engine, ModuleInfo m, List<byte[]>? images)
    {
        int id = Interlocked.Increment(ref s_counter);
        string name = $"wasm{id}_{Sanitize(m.ModuleName)}";
        var config = engine.Config;
        var plan = CompilePlan.For(config, m);
        bool persisted = images is not null;

        var typeIds = m.Types.Select(engine.Types.IdOf).ToArray();
        int imported = m.ImportedFunctionCount, n = m.DefinedFunctionCount;
        var units = new CodeUnit[plan.Parts];
        for (int p = 0; p < plan.Parts; p++)
        {
            string partName = plan.Parts == 1 ? name : $"{name}_{p}";
            AssemblyBuilder asm = persisted
                ? new PersistedAssemblyBuilder(new AssemblyName(partName), typeof(object).Assembly)
                : AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(partName),
                    config.CollectibleCode ? AssemblyBuilderAccess.RunAndCollect : AssemblyBuilderAccess.Run);
            var mod = asm.DefineDynamicModule(partName);
            units[p] = new CodeUnit(asm, mod, mod.DefineType(CodeTypeName, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract | TypeAttributes.Class));
        }

        var builders = new MethodBuilder[n];
        for (int i = 0; i < n; i++)
        {
            var ft = m.FunctionType((uint)(imported + i));
            var mb = units[plan.Part[i]].Type.DefineMethod(plan.MethodName(i, imported), MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig,
                ClrTypes.ReturnOf(ft), ClrTypes.ParamsOf(ft, ClrTypes.Context));
            mb.SetImplementationFlags(plan.Baseline[i] ? BaselineFlags : ImplFlags(config)
                | (config.CollectibleCode || plan.DotnetTiered ? 0 : MethodImplAttributes.AggressiveOptimization)
                | (plan.Tiny[i] ? MethodImplAttributes.AggressiveInlining : 0));
            builders[i] = mb;
        }

        var calls = CallEffects.Analyze(m);
        Type EmitPart(int p)
        {
            var env = new CompileEnv(engine, m, builders, typeIds, units[p].Module, units[p].Type, calls, plan.EngineTiered ? plan.Tiny : null,
                relocatable: persisted);
            for (int i = 0; i < n; i++)
                if (plan.Part[i] == p) CompileFunction(env, (uint)(imported + i), builders[i].GetILGenerator(), plan.Baseline[i]);
            env.CreateFrames();
            var created = units[p].Type.CreateType();
            if (!persisted) CompiledModule.RegisterOwner(created, m);
            return created;
        }
        var types = new Type[plan.Parts];
        if (plan.Parts == 1) types[0] = EmitPart(0);
        else
        {
            // A thread of its own: a host that compiles on thread-pool threads must not wait on the pool for it.
            var second = Task.Factory.StartNew(() => EmitPart(1), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try { types[0] = EmitPart(0); }
            finally { second.Wait(); }   // observe its failure too; rethrown below without the AggregateException wrapper
            types[1] = second.GetAwaiter().GetResult();
        }
        if (!persisted) return Finish(engine, m, plan, types, typeIds, calls, units[0].Module, loadContext: null);

        foreach (var u in units)
        {
            var image = new MemoryStream();
            ((PersistedAssemblyBuilder)u.Assembly).Save(image);
            images!.Add(image.ToArray());
        }
        return Load(engine, m, images!, plan, typeIds, calls);
    }

    /// <summary>Loads the images <see cref="Compile(Engine, ModuleInfo, List{byte[]})"/> produced (in this or an earlier
    /// process, by an engine with the same configuration and build). Null if they do not hold the module's methods.</summary>
    public static CompiledModule? LoadImages(Engine engine, ModuleInfo m, IReadOnlyList<byte[]> images)
    {
        var plan = CompilePlan.For(engine.Config, m);
        if (images.Count != plan.Parts) return null;
        try
        {
            return Load(engine, m, images, plan, m.Types.Select(engine.Types.IdOf).ToArray(), CallEffects.Analyze(m));
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or TypeLoadException or MissingMethodException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static CompiledModule Load(Engine engine, ModuleInfo m, IReadOnlyList<byte[]> images, CompilePlan plan, int[] typeIds, CallEffects calls)
    {
        var context = new CodeLoadContext(engine.Config.CollectibleCode);
        var types = new Type[images.Count];
        for (int p = 0; p < images.Count; p++)
        {
            var asm = context.LoadFromStream(new MemoryStream(images[p], writable: false));
            types[p] = asm.GetType(CodeTypeName) ?? throw new TypeLoadException($"no {CodeTypeName} in a cached image");
            CompiledModule.RegisterOwner(types[p], m);
        }
        return Finish(engine, m, plan, types, typeIds, calls, tierModule: null, context);
    }

    private static CompiledModule Finish(Engine engine, ModuleInfo m, CompilePlan plan, Type[] types, int[] typeIds, CallEffects calls,
        ModuleBuilder? tierModule, CodeLoadContext? loadContext)
    {
        int imported = m.ImportedFunctionCount, n = m.DefinedFunctionCount;
        // One listing per type: looking each method up by name costs ~20 µs on a type with thousands of methods.
        var byName = types.Select(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).ToDictionary(mi => mi.Name)).ToArray();
        var methods = new MethodInfo[n];
        for (int i = 0; i < n; i++)
            methods[i] = byName[plan.Part[i]][plan.MethodName(i, imported)];

        TierState? tiers = null;
        if (plan.EngineTiered)
        {
            tiers = new TierState(n, engine.Config.TierUpCalls);
            for (int i = 0; i < n; i++)
            {
                tiers.Code[i] = methods[i].MethodHandle.GetFunctionPointer();
                if (!plan.Baseline[i]) tiers.Optimized[i] = tiers.Code[i];
            }
            tiers.Compiler = new TierUpCompiler(engine, m, tierModule, methods, typeIds, calls, plan.Tiny, tiers);
        }
        return new CompiledModule { Type = types[0], Methods = methods, TypeIds = typeIds, Tiers = tiers, LoadContext = loadContext };
    }

    /// <summary>The type that holds a module's functions in each of its assemblies.</summary>
    private const string CodeTypeName = "WasmCode";

    private readonly record struct CodeUnit(AssemblyBuilder Assembly, ModuleBuilder Module, TypeBuilder Type);

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
    TypeBuilder code, CallEffects calls, bool[]? tieredTiny, bool relocatable = false)
{
    /// <summary>The code is saved for other processes (the module cache): it may not embed anything that is only
    /// valid in this one, such as the engine's canonical type ids.</summary>
    public bool Relocatable { get; } = relocatable;

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
