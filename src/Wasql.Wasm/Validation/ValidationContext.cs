// The module-level facts function bodies are checked against (the spec's context C): resolved function
// types, tables, memories, globals, segment counts and the set of declared function references (C.refs).
// Built by ModuleValidator after the module-level index checks, so every lookup here is in range.
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Validation;

internal sealed class ValidationContext
{
    public ModuleInfo Info { get; }
    /// <summary>The signature of every function in the function index space (imports first).</summary>
    public FuncType[] FunctionTypes { get; }
    /// <summary>Functions that may be named by <c>ref.func</c> in a body: those in segments, exports and global initialisers.</summary>
    public bool[] DeclaredRefs { get; }

    public int TypeCount => Info.Types.Count;
    public int TableCount => Info.Tables.Count;
    public int MemoryCount => Info.Memories.Count;
    public int GlobalCount => Info.Globals.Count;
    public int ElementCount => Info.Elements.Count;

    public ValidationContext(ModuleInfo info, FuncType[] functionTypes, bool[] declaredRefs)
    {
        Info = info;
        FunctionTypes = functionTypes;
        DeclaredRefs = declaredRefs;
    }

    /// <summary>"func[3] "fib"": how errors name a function.</summary>
    public string DescribeFunction(int funcIndex) =>
        Info.FunctionNames.TryGetValue((uint)funcIndex, out var name) ? $"func[{funcIndex}] \"{name}\"" : $"func[{funcIndex}]";
}
