// Base of the type model: an id plus parameters; value equality (nested types compare their fields).
// Parameterless types are shared singletons on this class (ArrowType.Int32, ArrowType.Utf8, ...).
namespace Wasql.Arrow.Types;

public abstract class ArrowType : IEquatable<ArrowType>
{
    public abstract ArrowTypeId Id { get; }

    /// <summary>Bits per value of the data buffer for fixed-width types (1 for Boolean); 0 otherwise.</summary>
    public virtual int BitWidth => 0;

    public bool IsNested => Id is ArrowTypeId.List or ArrowTypeId.LargeList or ArrowTypeId.FixedSizeList
        or ArrowTypeId.Struct or ArrowTypeId.Map;

    public virtual bool Equals(ArrowType? other) => other is not null && other.Id == Id;
    public sealed override bool Equals(object? obj) => obj is ArrowType t && Equals(t);
    public override int GetHashCode() => (int)Id;
    public abstract override string ToString();

    public static readonly ArrowType Null = new SimpleType(ArrowTypeId.Null, "null", 0);
    public static readonly ArrowType Boolean = new SimpleType(ArrowTypeId.Boolean, "bool", 1);
    public static readonly ArrowType Int8 = new SimpleType(ArrowTypeId.Int8, "int8", 8);
    public static readonly ArrowType Int16 = new SimpleType(ArrowTypeId.Int16, "int16", 16);
    public static readonly ArrowType Int32 = new SimpleType(ArrowTypeId.Int32, "int32", 32);
    public static readonly ArrowType Int64 = new SimpleType(ArrowTypeId.Int64, "int64", 64);
    public static readonly ArrowType UInt8 = new SimpleType(ArrowTypeId.UInt8, "uint8", 8);
    public static readonly ArrowType UInt16 = new SimpleType(ArrowTypeId.UInt16, "uint16", 16);
    public static readonly ArrowType UInt32 = new SimpleType(ArrowTypeId.UInt32, "uint32", 32);
    public static readonly ArrowType UInt64 = new SimpleType(ArrowTypeId.UInt64, "uint64", 64);
    public static readonly ArrowType Float16 = new SimpleType(ArrowTypeId.Float16, "float16", 16);
    public static readonly ArrowType Float32 = new SimpleType(ArrowTypeId.Float32, "float32", 32);
    public static readonly ArrowType Float64 = new SimpleType(ArrowTypeId.Float64, "float64", 64);
    public static readonly ArrowType Utf8 = new SimpleType(ArrowTypeId.Utf8, "utf8", 0);
    public static readonly ArrowType LargeUtf8 = new SimpleType(ArrowTypeId.LargeUtf8, "large_utf8", 0);
    public static readonly ArrowType Binary = new SimpleType(ArrowTypeId.Binary, "binary", 0);
    public static readonly ArrowType LargeBinary = new SimpleType(ArrowTypeId.LargeBinary, "large_binary", 0);
    public static readonly ArrowType Date32 = new SimpleType(ArrowTypeId.Date32, "date32[day]", 32);
    public static readonly ArrowType Date64 = new SimpleType(ArrowTypeId.Date64, "date64[ms]", 64);
}

/// <summary>A type without parameters; use the singletons on <see cref="ArrowType"/>.</summary>
public sealed class SimpleType : ArrowType
{
    private readonly ArrowTypeId _id;
    private readonly string _name;
    private readonly int _bitWidth;

    internal SimpleType(ArrowTypeId id, string name, int bitWidth)
    {
        _id = id;
        _name = name;
        _bitWidth = bitWidth;
    }

    public override ArrowTypeId Id => _id;
    public override int BitWidth => _bitWidth;
    public override string ToString() => _name;
}
