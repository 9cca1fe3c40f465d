// How a module's functions are laid out into methods and assemblies: decided from the engine configuration and the
// module alone, so a module cache entry needs only the assemblies' images and this plan is recomputed when it loads.
using Wasql.Wasm.Model;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed class CompilePlan
{
    /// <summary>The engine tiers the module (TierUpCompiler): baseline code first.</summary>
    public required bool EngineTiered { get; init; }
    /// <summary>.NET's tiered compilation handles the module (non-collectible code of a big module).</summary>
    public required bool DotnetTiered { get; init; }
    /// <summary>Per defined function: small enough to inline (AggressiveInlining, no baseline).</summary>
    public required bool[] Tiny { get; init; }
    /// <summary>Per defined function: emitted as baseline code first.</summary>
    public required bool[] Baseline { get; init; }
    /// <summary>Per defined function: which assembly holds it.</summary>
    public required int[] Part { get; init; }
    public required int Parts { get; init; }

    /// <summary>The method name of defined function <paramref name="defined"/>: b{index} for baseline code, else f{index}.</summary>
    public string MethodName(int defined, int imported) => $"{(Baseline[defined] ? 'b' : 'f')}{imported + defined}";

    public static CompilePlan For(EngineConfig config, ModuleInfo m)
    {
        long codeBytes = m.Bodies.Sum(b => (long)(b.End - b.CodeOffset));
        // Collectible code is never tiered by .NET, so a big module is tiered by the engine (TierUpCompiler) unless
        // told otherwise. Non-collectible code is tiered by .NET, unless the module is small enough that compiling it
        // all fully optimized costs less than tiering's warm-up (EngineConfig.TieredCodeThreshold).
        bool big = codeBytes >= config.TieredCodeThreshold;
        bool engineTiered = config.CollectibleCode && config.BaselineTier && !config.OptimizeImmediately && big;
        int n = m.DefinedFunctionCount;
        var tiny = new bool[n];
        var baseline = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var body = m.Bodies[i];
            tiny[i] = !config.PreciseBacktraces && body.End - body.CodeOffset <= config.InlineFunctionBytes;
            // Tiny functions skip the baseline: their optimized code is cheap to make, and callers inline it.
            baseline[i] = engineTiered && !tiny[i];
        }

        // A tiered module is emitted into two assemblies on two threads: its baseline code calls every function
        // through TierState.Code, so the halves never reference each other. Part 0 holds the tiny functions
        // (optimized code that calls other tiny functions directly) and, for dynamic code, the later tier-ups.
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
        return new CompilePlan
        {
            EngineTiered = engineTiered, DotnetTiered = !config.CollectibleCode && big,
            Tiny = tiny, Baseline = baseline, Part = part, Parts = parts,
        };
    }
}
