// Creates the right builder (tree) for any supported Arrow type; the entry point for generic code
// that builds columns from boxed values.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public static class ArrayBuilder
{
    public static IArrayBuilder For(ArrowType type, int capacity = 0) => type switch
    {
        { Id: ArrowTypeId.Null } => new NullArrayBuilder(),
        { Id: ArrowTypeId.Boolean } => new BooleanArrayBuilder(),
        { Id: ArrowTypeId.Int8 } => new PrimitiveArrayBuilder<sbyte>(type, capacity),
        { Id: ArrowTypeId.Int16 } => new PrimitiveArrayBuilder<short>(type, capacity),
        { Id: ArrowTypeId.Int32 or ArrowTypeId.Date32 or ArrowTypeId.Time32 } => new PrimitiveArrayBuilder<int>(type, capacity),
        { Id: ArrowTypeId.Int64 or ArrowTypeId.Date64 or ArrowTypeId.Time64 or ArrowTypeId.Timestamp or ArrowTypeId.Duration }
            => new PrimitiveArrayBuilder<long>(type, capacity),
        { Id: ArrowTypeId.UInt8 } => new PrimitiveArrayBuilder<byte>(type, capacity),
        { Id: ArrowTypeId.UInt16 } => new PrimitiveArrayBuilder<ushort>(type, capacity),
        { Id: ArrowTypeId.UInt32 } => new PrimitiveArrayBuilder<uint>(type, capacity),
        { Id: ArrowTypeId.UInt64 } => new PrimitiveArrayBuilder<ulong>(type, capacity),
        { Id: ArrowTypeId.Float16 } => new PrimitiveArrayBuilder<Half>(type, capacity),
        { Id: ArrowTypeId.Float32 } => new PrimitiveArrayBuilder<float>(type, capacity),
        { Id: ArrowTypeId.Float64 } => new PrimitiveArrayBuilder<double>(type, capacity),
        IntervalType { Unit: IntervalUnit.YearMonth } => new PrimitiveArrayBuilder<int>(type, capacity),
        IntervalType { Unit: IntervalUnit.DayTime } => new PrimitiveArrayBuilder<DayTimeInterval>(type, capacity),
        IntervalType => new PrimitiveArrayBuilder<MonthDayNanoInterval>(type, capacity),
        { Id: ArrowTypeId.Decimal128 } => new PrimitiveArrayBuilder<Int128>(type, capacity),
        { Id: ArrowTypeId.Utf8 } => new StringArrayBuilder(false, capacity),
        { Id: ArrowTypeId.LargeUtf8 } => new StringArrayBuilder(true, capacity),
        { Id: ArrowTypeId.Binary } => new BinaryArrayBuilder(false, capacity),
        { Id: ArrowTypeId.LargeBinary } => new BinaryArrayBuilder(true, capacity),
        FixedSizeBinaryType f => new FixedSizeBinaryArrayBuilder(f.ByteWidth, capacity),
        ListType l => new ListArrayBuilder(For(l.ValueType), l.ValueField),
        LargeListType l => new ListArrayBuilder(For(l.ValueType), l.ValueField, large: true),
        FixedSizeListType l => new FixedSizeListArrayBuilder(For(l.ValueType), l.ListSize, l.ValueField),
        StructType s => new StructArrayBuilder(s),
        MapType m => new MapArrayBuilder(m),
        _ => throw new NotSupportedException($"no builder for type {type}"),
    };

    /// <summary>Builds one array of <paramref name="type"/> from boxed values (null = NULL).</summary>
    public static ArrowArray Build(ArrowType type, IEnumerable<object?> values)
    {
        var b = For(type);
        foreach (var v in values) b.AppendObject(v);
        return b.Build();
    }
}
