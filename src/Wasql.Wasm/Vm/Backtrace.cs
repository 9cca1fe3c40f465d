// Wasm-level backtraces: the CLR stack trace of a trap, reduced to the frames of compiled wasm
// functions and named from the module's name section.
using System.Diagnostics;
using System.Reflection;
using Wasql.Wasm.Compilation;

namespace Wasql.Wasm.Vm;

internal static class Backtrace
{
    /// <summary>Fills <see cref="TrapException.Backtrace"/> once, at the innermost host boundary the trap crosses.</summary>
    public static void Fill(TrapException e)
    {
        if (e.Backtrace.Count > 0) return;
        (e.Backtrace, e.OmittedFrames) = FramesOf(e);
    }

    /// <summary>Frames kept on a trap; the rest are only counted (a stack exhaustion passes ~100,000 frames).</summary>
    public const int MaxFrames = 1000;

    /// <summary>A host function's exception as the trap it becomes at the host boundary (like wasmtime's host errors):
    /// code HostError, the original as InnerException, and the wasm frames the exception passed through.</summary>
    public static TrapException HostError(Exception e)
    {
        var (frames, omitted) = FramesOf(e);
        return new(TrapCode.HostError, $"{e.GetType().Name}: {e.Message}", e) { Backtrace = frames, OmittedFrames = omitted };
    }

    private static (List<string> Frames, int Omitted) FramesOf(Exception e)
    {
        var frames = new List<string>();
        int omitted = 0;
        bool lastWasRegion = false;
        foreach (var frame in new StackTrace(e, false).GetFrames())
        {
            var method = frame.GetMethod();
            if (method is null || !CompiledModule.TryGetOwner(method.DeclaringType, out var module)) continue;
            // f{index} is a function (b{index} its baseline code in a tiered module); r{index}_{k} a region outlined
            // from it (reported once, as the function).
            var name = method.Name.AsSpan();
            int underscore = name.IndexOf('_');
            var digits = name[0] == 'r' && underscore > 0 ? name[1..underscore] : name[1..];
            if (name.Length < 2 || name[0] is not ('f' or 'b' or 'r') || !uint.TryParse(digits, out uint index)) continue;
            string display = (module!.ModuleName is { } mn ? mn + "!" : "") + module.FunctionDisplayName(index);
            bool isRegion = name[0] == 'r';
            if (!(lastWasRegion && frames.Count > 0 && frames[^1] == display))
            {
                if (frames.Count < MaxFrames) frames.Add(display);
                else omitted++;
            }
            lastWasRegion = isRegion;
        }
        return (frames, omitted);
    }

    public static readonly MethodInfo FillMethod = typeof(Backtrace).GetMethod(nameof(Fill))!;
    public static readonly MethodInfo HostErrorMethod = typeof(Backtrace).GetMethod(nameof(HostError))!;
}
