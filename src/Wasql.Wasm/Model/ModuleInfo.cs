// The decoded, immutable description of a module (like wasmtime-environ): no code generation here.
// Index spaces put imports first, then definitions, as the spec does.
namespace Wasql.Wasm.Model;

internal sealed class Import
{
    public required string Module { get; init; }
    public required string Name { get; init; }
    public required ExternKind Kind { get; init; }
    /// <summary>For functions: index into <see cref="ModuleInfo.Types"/>.</summary>
    public uint TypeIndex { get; init; }
    public TableType? Table { get; init; }
    public MemoryType? Memory { get; init; }
    public GlobalType Global { get; init; }
}

internal sealed record Export(string Name, ExternKind Kind, uint Index);

internal enum ConstKind : byte
{
    I32, I64, F32, F64, V128, RefNull, RefFunc, GlobalGet,
    /// <summary>The expression used an instruction that is not constant (a validation error).</summary>
    NotConstant,
    /// <summary>The expression left zero or several values (a validation error).</summary>
    WrongArity,
}

/// <summary>A constant expression (global initialisers, segment offsets and element items).</summary>
internal readonly record struct ConstExpr(ConstKind Kind, long Bits, ulong BitsHigh = 0, ValType RefType = ValType.FuncRef)
{
    public uint Index => (uint)Bits;
}

internal sealed record GlobalDef(GlobalType Type, ConstExpr Init);

internal enum SegmentMode : byte { Active, Passive, Declarative }

internal sealed class ElementSegment
{
    public SegmentMode Mode { get; init; }
    public uint TableIndex { get; init; }
    public ConstExpr Offset { get; init; }
    public ValType ElementType { get; init; } = ValType.FuncRef;
    public required ConstExpr[] Items { get; init; }
}

internal sealed class DataSegment
{
    public SegmentMode Mode { get; init; }
    public uint MemoryIndex { get; init; }
    public ConstExpr Offset { get; init; }
    public required ReadOnlyMemory<byte> Bytes { get; init; }
}

/// <summary>A run of locals of one type, as declared in the code section.</summary>
internal readonly record struct LocalRun(uint Count, ValType Type);

internal sealed class FunctionBody
{
    /// <summary>Absolute offset of the body (its locals) in the module bytes.</summary>
    public int Offset { get; init; }
    /// <summary>Absolute offset of the first instruction.</summary>
    public int CodeOffset { get; init; }
    /// <summary>Absolute offset one past the final <c>end</c>.</summary>
    public int End { get; init; }
    public required LocalRun[] Locals { get; init; }
    public long LocalCount { get; init; }
}

internal sealed class ModuleInfo
{
    public required byte[] Bytes { get; init; }
    public List<FuncType> Types { get; } = [];
    public List<Import> Imports { get; } = [];
    /// <summary>Type index of every function in the function index space (imports first).</summary>
    public List<uint> FunctionTypes { get; } = [];
    public List<TableType> Tables { get; } = [];
    public List<MemoryType> Memories { get; } = [];
    public List<GlobalType> Globals { get; } = [];
    /// <summary>Initialisers of the defined (non-imported) globals.</summary>
    public List<GlobalDef> GlobalDefs { get; } = [];
    public List<Export> Exports { get; } = [];
    public uint? StartFunction { get; set; }
    public List<ElementSegment> Elements { get; } = [];
    public List<DataSegment> Data { get; } = [];
    public uint? DataCount { get; set; }
    public List<FunctionBody> Bodies { get; } = [];
    public Dictionary<uint, string> FunctionNames { get; } = [];
    public string? ModuleName { get; set; }
    public List<(string Name, ReadOnlyMemory<byte> Bytes)> CustomSections { get; } = [];

    public int ImportedFunctionCount { get; set; }
    public int ImportedTableCount { get; set; }
    public int ImportedMemoryCount { get; set; }
    public int ImportedGlobalCount { get; set; }

    public int DefinedFunctionCount => FunctionTypes.Count - ImportedFunctionCount;

    public FuncType FunctionType(uint funcIndex) => Types[(int)FunctionTypes[(int)funcIndex]];

    /// <summary>The name section's name, else the first export name of the function, else "func[N]".</summary>
    public string FunctionDisplayName(uint funcIndex)
    {
        if (FunctionNames.TryGetValue(funcIndex, out var n)) return n;
        foreach (var export in Exports)
            if (export.Kind == ExternKind.Func && export.Index == funcIndex) return export.Name;
        return $"func[{funcIndex}]";
    }
}
