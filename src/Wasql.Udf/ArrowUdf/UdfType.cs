// A parsed arrow-udf type: its name in the module's vocabulary (ABI 1-2 or ABI 3), the Arrow field it travels
// as (type + extension metadata), and its structure (list element, struct fields).
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Wasql.Udf;

/// <summary>A type of an arrow-udf function argument or result.</summary>
public sealed class UdfType
{
    internal UdfType(string name, Field field, UdfType? element = null, string? structName = null,
        IReadOnlyList<(string Name, UdfType Type)>? structFields = null)
    {
        Name = name;
        Field = field;
        ElementType = element;
        StructName = structName;
        StructFields = structFields ?? [];
    }

    /// <summary>The type's name in the module's vocabulary, as written in the decoded symbol
    /// (e.g. <c>int4</c>, <c>varchar</c>, <c>int32[]</c>, <c>struct KeyValue</c>).</summary>
    public string Name { get; }

    /// <summary>The Arrow field the values travel as (nullable; carries <c>ARROW:extension:name</c> for json/decimal in ABI 3).</summary>
    public Field Field { get; }

    /// <summary>The Arrow type of the values.</summary>
    public IArrowType ArrowType => Field.DataType;

    /// <summary>For <c>T[]</c>: the element type; otherwise null.</summary>
    public UdfType? ElementType { get; }

    /// <summary>For <c>struct Name</c> (ABI 2-3): the struct's name; null for inline ABI-1 structs and non-structs.</summary>
    public string? StructName { get; }

    /// <summary>For structs: the fields in order; empty otherwise.</summary>
    public IReadOnlyList<(string Name, UdfType Type)> StructFields { get; }

    /// <summary>True for list types.</summary>
    public bool IsList => ElementType is not null;

    /// <summary>True for struct types.</summary>
    public bool IsStruct => ArrowType is StructType;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Scalar (one output per input row) or table (set-returning, any number of rows per input row).</summary>
public enum UdfFunctionKind
{
    /// <summary>Encoded as <c>name(args)->ret</c>.</summary>
    Scalar,
    /// <summary>Encoded as <c>name(args)->>ret</c>.</summary>
    Table,
}
