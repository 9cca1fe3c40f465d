// One entry of the compiler's control stack: a block, loop, if or the function body itself.
using System.Reflection.Emit;

namespace Wasql.Wasm.Compilation;

internal enum FrameKind : byte
{
    Function,
    Block,
    Loop,
    If,
    /// <summary>In an outlined region: a label outside the region, left by returning an exit code.</summary>
    Exit,
}

internal sealed class ControlFrame
{
    public FrameKind Kind;
    public ValType[] Params = [];
    public ValType[] Results = [];
    /// <summary>Operand stack height below this frame's parameters.</summary>
    public int Height;
    public Label End;
    public Label LoopStart;
    public Label Else;
    public bool HasElse;
    /// <summary>The rest of the frame is dead code (after br, return, unreachable...).</summary>
    public bool Unreachable;
    /// <summary>Some branch jumps to <see cref="End"/>, so code after the frame is reachable.</summary>
    public bool EndTargeted;
    /// <summary>For <see cref="FrameKind.Exit"/>: the code the region method returns to take this label.</summary>
    public int ExitCode;

    /// <summary>Types a branch to this frame carries: a loop's parameters, otherwise its results.</summary>
    public ValType[] LabelTypes => Kind == FrameKind.Loop ? Params : Results;
}
