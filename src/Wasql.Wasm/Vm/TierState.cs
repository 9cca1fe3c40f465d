// The code of a tiered module as generated code sees it (see Compilation/TierUpCompiler.cs): one entry pointer per
// defined function that calls go through, switched from the baseline to the optimized code when a function gets hot.
using System.ComponentModel;
using System.Runtime.CompilerServices;
using Wasql.Wasm.Compilation;

namespace Wasql.Wasm.Vm;

[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TierState
{
    /// <summary>Where calls to each defined function go: its baseline code, later its optimized code. Pinned:
    /// generated code indexes it through <see cref="CodeTable"/> without a bounds check.</summary>
    public readonly nint[] Code;
    /// <summary>The address of <see cref="Code"/>[0].</summary>
    public readonly nint CodeTable;
    /// <summary>Each defined function's optimized code, 0 until it is ready. A baseline body whose optimized code is
    /// ready forwards to it, so calls through tables and exports (which hold the baseline pointer) are promoted too.</summary>
    public readonly nint[] Optimized;
    /// <summary>Calls left before a defined function is recompiled optimized (hits 0 once).</summary>
    public readonly int[] Counts;

    internal TierUpCompiler? Compiler;

    // The function index spaces of live instances, whose Function objects (exports, table entries) are switched to
    // optimized code too, so calls through them skip the baseline's forwarding.
    private readonly List<WeakReference<Function[]>> _instances = [];
    private int _importedCount;

    /// <summary>The count every function starts from.</summary>
    internal readonly int InitialCount;

    internal TierState(int definedCount, int tierUpAfter)
    {
        InitialCount = Math.Max(1, tierUpAfter);
        Code = GC.AllocateArray<nint>(Math.Max(1, definedCount), pinned: true);
        unsafe { CodeTable = (nint)Unsafe.AsPointer(ref Code[0]); }
        Optimized = new nint[definedCount];
        Counts = new int[definedCount];
        Array.Fill(Counts, InitialCount);
    }

    /// <summary>
    /// Called on entry to a function's baseline code: the address of its optimized code once that is ready (the
    /// baseline then forwards the call), else 0 after counting the call. On the first call, the callees' baseline code
    /// is queued for compilation ahead of their first calls (they are likely next); when the count runs out, the
    /// function is queued for optimization. Also the baseline's stack guard.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe nint EnterBaseline(VmContext ctx, int defined)
    {
        // The stack guard of the caller, checked here a frame deeper (so a little early), to keep baseline code short.
        int probe;
        if ((nuint)(&probe) < ctx.Exec.StackLimit) VmHelpers.StackExhausted();
        var t = ctx.Tiers!;
        nint code = Volatile.Read(ref t.Optimized[defined]);
        if (code != 0) return code;
        int left = --t.Counts[defined];
        if (left == 0) t.Compiler?.Request(defined);
        else if (left == t.InitialCount - 1) t.Compiler?.Warm(defined);
        return 0;
    }

    /// <summary>Called by baseline code whose loops ran TierUpCalls iterations within one call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LoopHot(VmContext ctx, int defined) => ctx.Tiers!.Compiler?.Request(defined);

    internal void Register(Function[] functions, int importedCount)
    {
        lock (_instances)
        {
            _importedCount = importedCount;
            if (_instances.Count >= 64 && (_instances.Count & (_instances.Count - 1)) == 0)
                _instances.RemoveAll(w => !w.TryGetTarget(out _));
            _instances.Add(new WeakReference<Function[]>(functions));
            // A function promoted before this instance existed starts optimized.
            for (int i = 0; i < Optimized.Length; i++)
                if (Volatile.Read(ref Optimized[i]) is var code && code != 0) functions[importedCount + i].Code = code;
        }
    }

    internal void Publish(int defined, nint code)
    {
        Code[defined] = code;
        Volatile.Write(ref Optimized[defined], code);
        lock (_instances)
        {
            foreach (var w in _instances)
                if (w.TryGetTarget(out var functions)) functions[_importedCount + defined].Code = code;
        }
    }

    /// <summary>How many functions run optimized code (tests, diagnostics).</summary>
    internal int OptimizedCount => Optimized.Count(p => p != 0);
}
