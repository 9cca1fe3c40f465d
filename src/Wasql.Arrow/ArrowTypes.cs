// Structural equality of Arrow types (the package's type classes compare by reference): used to match a function's
// declared argument types against a caller's, and a Flight client's input schema against a function's.
using Apache.Arrow.Types;

namespace Wasql.Arrow;

public static class ArrowTypes
{
    /// <summary>True when both types describe the same values: same id, parameters and (for nested types) child types.
    /// Field names of nested types are ignored; struct field names are not.</summary>
    public static bool Same(IArrowType a, IArrowType b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.TypeId != b.TypeId) return false;
        return (a, b) switch
        {
            (TimestampType x, TimestampType y) => x.Unit == y.Unit && x.Timezone == y.Timezone,
            (TimeBasedType x, TimeBasedType y) => x.Unit == y.Unit,
            (IntervalType x, IntervalType y) => x.Unit == y.Unit,
            (Decimal128Type x, Decimal128Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (FixedSizeBinaryType x, FixedSizeBinaryType y) => x.ByteWidth == y.ByteWidth,
            (FixedSizeListType x, FixedSizeListType y) => x.ListSize == y.ListSize && Same(x.ValueDataType, y.ValueDataType),
            (ListType x, ListType y) => Same(x.ValueDataType, y.ValueDataType),
            (LargeListType x, LargeListType y) => Same(x.ValueDataType, y.ValueDataType),
            (MapType x, MapType y) => Same(x.KeyField.DataType, y.KeyField.DataType) && Same(x.ValueField.DataType, y.ValueField.DataType),
            (StructType x, StructType y) => x.Fields.Count == y.Fields.Count
                && x.Fields.Zip(y.Fields).All(p => p.First.Name == p.Second.Name && Same(p.First.DataType, p.Second.DataType)),
            (DictionaryType x, DictionaryType y) => Same(x.IndexType, y.IndexType) && Same(x.ValueType, y.ValueType),
            _ => true,
        };
    }
}
