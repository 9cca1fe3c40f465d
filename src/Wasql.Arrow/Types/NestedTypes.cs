// Nested types: List/LargeList (32/64-bit offsets), FixedSizeList, Struct and Map. Each holds child
// Fields; Map's single child is a non-nullable struct "entries" of a non-nullable key and a value.
namespace Wasql.Arrow.Types;

public abstract class BaseListType : ArrowType
{
    protected BaseListType(Field valueField) => ValueField = valueField ?? throw new ArgumentNullException(nameof(valueField));

    public Field ValueField { get; }
    public ArrowType ValueType => ValueField.Type;
    public override bool Equals(ArrowType? other) =>
        other is BaseListType t && t.Id == Id && t.ValueField.Equals(ValueField);
    public override int GetHashCode() => HashCode.Combine(Id, ValueField);
}

public sealed class ListType : BaseListType
{
    public ListType(Field valueField) : base(valueField) { }
    public ListType(ArrowType valueType, bool nullable = true) : base(new Field("item", valueType, nullable)) { }

    public override ArrowTypeId Id => ArrowTypeId.List;
    public override string ToString() => $"list<{ValueField.Name}: {ValueType}>";
}

public sealed class LargeListType : BaseListType
{
    public LargeListType(Field valueField) : base(valueField) { }
    public LargeListType(ArrowType valueType, bool nullable = true) : base(new Field("item", valueType, nullable)) { }

    public override ArrowTypeId Id => ArrowTypeId.LargeList;
    public override string ToString() => $"large_list<{ValueField.Name}: {ValueType}>";
}

public sealed class FixedSizeListType : BaseListType
{
    public FixedSizeListType(Field valueField, int listSize) : base(valueField)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(listSize);
        ListSize = listSize;
    }

    public FixedSizeListType(ArrowType valueType, int listSize, bool nullable = true)
        : this(new Field("item", valueType, nullable), listSize) { }

    public int ListSize { get; }
    public override ArrowTypeId Id => ArrowTypeId.FixedSizeList;
    public override bool Equals(ArrowType? other) =>
        other is FixedSizeListType t && t.ListSize == ListSize && t.ValueField.Equals(ValueField);
    public override int GetHashCode() => HashCode.Combine(Id, ListSize, ValueField);
    public override string ToString() => $"fixed_size_list<{ValueField.Name}: {ValueType}>[{ListSize}]";
}

public sealed class StructType : ArrowType
{
    public StructType(IReadOnlyList<Field> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = [.. fields];
    }
    public StructType(params Field[] fields) : this((IReadOnlyList<Field>)fields) { }

    public IReadOnlyList<Field> Fields { get; }
    public override ArrowTypeId Id => ArrowTypeId.Struct;
    public override bool Equals(ArrowType? other) => other is StructType t && Field.SequenceEqual(t.Fields, Fields);
    public override int GetHashCode() => HashCode.Combine(Id, Fields.Count);
    public override string ToString() => $"struct<{string.Join(", ", Fields.Select(f => $"{f.Name}: {f.Type}"))}>";
}

public sealed class MapType : ArrowType
{
    /// <summary>A map from its "entries" field, which must be a struct of exactly two fields (key, value).</summary>
    public MapType(Field entriesField, bool keysSorted = false)
    {
        if (entriesField.Type is not StructType { Fields.Count: 2 })
            throw new ArgumentException("map entries must be a struct of two fields (key, value)", nameof(entriesField));
        EntriesField = entriesField;
        KeysSorted = keysSorted;
    }

    public MapType(ArrowType keyType, ArrowType valueType, bool valueNullable = true, bool keysSorted = false)
        : this(new Field("entries", new StructType(new Field("key", keyType, false),
            new Field("value", valueType, valueNullable)), false), keysSorted) { }

    public Field EntriesField { get; }
    public bool KeysSorted { get; }
    public Field KeyField => ((StructType)EntriesField.Type).Fields[0];
    public Field ValueField => ((StructType)EntriesField.Type).Fields[1];
    public override ArrowTypeId Id => ArrowTypeId.Map;
    public override bool Equals(ArrowType? other) =>
        other is MapType t && t.KeysSorted == KeysSorted && t.EntriesField.Equals(EntriesField);
    public override int GetHashCode() => HashCode.Combine(Id, EntriesField);
    public override string ToString() => $"map<{KeyField.Type}, {ValueField.Type}>";
}
