// How an outlined region method (see RegionPlanner) leaves: every exit stores its code (0: fall through, e+1: branch
// to the e-th label outside the region, -1: return) and jumps to one shared epilogue, which copies the written locals
// back to the frame and returns the code. Branches past the region's outermost construct target exit frames.
using System.Reflection.Emit;

namespace Wasql.Wasm.Compilation;

internal sealed class RegionExits(ILGenerator il, ValType[][] outerLabels)
{
    public const int FallThrough = 0, Return = -1;

    private readonly Dictionary<int, ControlFrame> _frames = [];
    private LocalBuilder? _code;
    private Label _epilogue;

    /// <summary>Whether any exit was emitted (a region that always traps has none, and no epilogue).</summary>
    public bool Used => _code is not null;

    /// <summary>The frame standing for label <paramref name="e"/> outside the region (a branch to it exits with e+1).</summary>
    public ControlFrame Frame(int e)
    {
        if (!_frames.TryGetValue(e, out var exit))
            _frames[e] = exit = new ControlFrame { Kind = FrameKind.Exit, Results = outerLabels[e], Height = 0, ExitCode = e + 1 };
        return exit;
    }

    /// <summary>Stores <paramref name="code"/> and jumps to the epilogue (label values are already in the frame).</summary>
    public void EmitExit(int code)
    {
        if (_code is null)
        {
            _code = il.DeclareLocal(typeof(int));
            _epilogue = il.DefineLabel();
        }
        il.EmitI4(code);
        il.Emit(OpCodes.Stloc, _code);
        il.Emit(OpCodes.Br, _epilogue);
    }

    /// <summary>Starts the epilogue; the caller writes the locals back, then <see cref="EmitReturnCode"/>.</summary>
    public void MarkEpilogue() => il.MarkLabel(_epilogue);

    public void EmitReturnCode()
    {
        il.Emit(OpCodes.Ldloc, _code!);
        il.Emit(OpCodes.Ret);
    }
}
