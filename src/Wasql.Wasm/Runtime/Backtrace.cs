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
        foreach (var frame in new StackTrace(e, false).GetFrames())
        {
            var method = frame.GetMethod();
            if (method is null || !CompiledModule.TryGetOwner(method.DeclaringType, out var module)) continue;
            if (method.Name.Length > 1 && method.Name[0] == 'f' && uint.TryParse(method.Name.AsSpan(1), out uint index))
                frames.Add((module!.ModuleName is { } mn ? mn + "!" : "") + module.FunctionDisplayName(index));
        }
        e.Backtrace = frames;
    }

    public static readonly MethodInfo FillMethod = typeof(Backtrace).GetMethod(nameof(Fill))!;
}
