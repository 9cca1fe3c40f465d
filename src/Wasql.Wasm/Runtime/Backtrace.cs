// Wasm-level backtraces: the CLR stack trace of a trap, reduced to the frames of compiled wasm
// functions and named from the module's name section.
using System.Diagnostics;
using System.Reflection;
using Wasql.Wasm.Compilation;

namespace Wasql.Wasm.Runtime;

internal static class Backtrace
{
    /// <summary>Fills <see cref="TrapException.Backtrace"/> once, at the innermost host boundary the trap crosses.</summary>
    public static void Fill(TrapException e)
    {
        if (e.Backtrace.Count > 0) return;
        var frames = new List<string>();
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
            if (!(lastWasRegion && frames.Count > 0 && frames[^1] == display)) frames.Add(display);
            lastWasRegion = isRegion;
        }
        e.Backtrace = frames;
    }

    public static readonly MethodInfo FillMethod = typeof(Backtrace).GetMethod(nameof(Fill))!;
}
