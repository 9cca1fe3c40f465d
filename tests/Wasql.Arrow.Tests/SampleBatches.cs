// Sample columns of every supported type (with NULLs), built from boxed values by BoxedArrays, shared by the
// round-trip, interop and fuzz tests. Values are chosen to exercise edges (min/max, empty, unicode).
using Apache.Arrow;
using Apache.Arrow.Scalars;
using Apache.Arrow.Types;

namespace Wasql.Arrow.Tests;

public static class SampleBatches
{
    public sealed record Column(string Name, IArrowType Type, object?[] Values, IReadOnlyDictionary<string, string>? Metadata = null);

    private static readonly StructType PointType = new([new Field("x", Int32Type.Default, true), new Field("label", StringType.Default, true)]);

    public static IReadOnlyList<Column> AllTypes() =>
    [
        new("null", NullType.Default, [null, null, null, null]),
        new("bool", BooleanType.Default, [true, false, null, true]),
        new("i8", Int8Type.Default, [(sbyte)-128, (sbyte)127, null, (sbyte)0]),
        new("i16", Int16Type.Default, [short.MinValue, short.MaxValue, null, (short)-1]),
        new("i32", Int32Type.Default, [int.MinValue, int.MaxValue, null, 42]),
        new("i64", Int64Type.Default, [long.MinValue, long.MaxValue, null, -7L]),
        new("u8", UInt8Type.Default, [(byte)0, (byte)255, null, (byte)7]),
        new("u16", UInt16Type.Default, [(ushort)0, ushort.MaxValue, null, (ushort)7]),
        new("u32", UInt32Type.Default, [0u, uint.MaxValue, null, 7u]),
        new("u64", UInt64Type.Default, [0ul, ulong.MaxValue, null, 7ul]),
        new("f16", HalfFloatType.Default, [(Half)1.5, (Half)(-2), null, Half.MaxValue]),
        new("f32", FloatType.Default, [1.5f, -0.25f, null, float.MaxValue]),
        new("f64", DoubleType.Default, [Math.PI, -1e300, null, 0.0]),
        new("utf8", StringType.Default, ["rising", "", null, "wave ∑ 日本 🎉"]),
        new("large_utf8", LargeStringType.Default, ["a", null, "bcd", ""]),
        new("binary", BinaryType.Default, [new byte[] { 1, 2, 3 }, System.Array.Empty<byte>(), null, new byte[] { 0, 255 }]),
        new("large_binary", LargeBinaryType.Default, [null, new byte[] { 9 }, new byte[] { 8, 7 }, System.Array.Empty<byte>()]),
        new("fsb", new FixedSizeBinaryType(3), [new byte[] { 1, 2, 3 }, null, new byte[] { 4, 5, 6 }, new byte[] { 0, 0, 0 }]),
        new("date32", Date32Type.Default, [0, 19000, null, -365]),
        new("date64", Date64Type.Default, [0L, 1_641_600_000_000L, null, -86_400_000L]),
        new("time32s", new Time32Type(TimeUnit.Second), [0, 86399, null, 3600]),
        new("time32ms", new Time32Type(TimeUnit.Millisecond), [0, 86_399_999, null, 1]),
        new("time64us", new Time64Type(TimeUnit.Microsecond), [0L, 86_399_999_999L, null, 1L]),
        new("time64ns", new Time64Type(TimeUnit.Nanosecond), [0L, 86_399_999_999_999L, null, 1L]),
        new("ts_us", new TimestampType(TimeUnit.Microsecond, (string?)null), [0L, 1_700_000_000_000_000L, null, -1L]),
        new("ts_ms_utc", new TimestampType(TimeUnit.Millisecond, "UTC"), [0L, 1_700_000_000_000L, null, 1L]),
        new("ts_s_zone", new TimestampType(TimeUnit.Second, "Europe/Paris"), [0L, 1_700_000_000L, null, 1L]),
        new("ts_ns", new TimestampType(TimeUnit.Nanosecond, (string?)null), [0L, 1_700_000_000_000_000_000L, null, 1L]),
        new("dur_s", DurationType.Second, [0L, -5L, null, long.MaxValue]),
        new("dur_ns", DurationType.Nanosecond, [1L, 2L, null, 3L]),
        new("interval_mdn", IntervalType.MonthDayNanosecond,
            [new MonthDayNanosecondInterval(1, 2, 3), new MonthDayNanosecondInterval(-1, 0, long.MaxValue), null, new MonthDayNanosecondInterval(0, 0, 0)]),
        new("interval_ym", IntervalType.YearMonth, [new YearMonthInterval(12), new YearMonthInterval(-1), null, new YearMonthInterval(0)]),
        new("interval_dt", IntervalType.DayTime, [new DayTimeInterval(1, 500), new DayTimeInterval(-2, 0), null, new DayTimeInterval(0, 1)]),
        new("decimal", new Decimal128Type(20, 2), [1.11m, -3.33m, null, 123456789012345678.90m]),
        new("list_i32", new ListType(Int32Type.Default), [new object?[] { 0, 1, 2 }, null, new object?[] { 3, null, 5 }, System.Array.Empty<object?>()]),
        new("large_list_utf8", new LargeListType(StringType.Default), [new object?[] { "a", null }, System.Array.Empty<object?>(), null, new object?[] { "b" }]),
        new("fsl_f64", new FixedSizeListType(DoubleType.Default, 2), [new object?[] { 1.0, 2.0 }, null, new object?[] { null, 4.0 }, new object?[] { 5.0, 6.0 }]),
        new("struct", PointType, [Row(1, "a"), null, Row(null, "c"), Row(4, null)]),
        new("list_struct", new ListType(PointType), [new object?[] { Row(1, "x"), null }, null, System.Array.Empty<object?>(), new object?[] { Row(2, "y"), Row(3, "z") }]),
        new("map", new MapType(StringType.Default, Int32Type.Default),
            [Pairs(("a", 1), ("b", null)), null, Pairs(), Pairs(("c", 3))]),
        new("json", StringType.Default, ["{\"a\":1}", "[]", null, "null"],
            new Dictionary<string, string> { ["ARROW:extension:name"] = "arrowudf.json" }),
    ];

    public static Dictionary<string, object?> Row(int? x, string? label) => new() { ["x"] = x, ["label"] = label };

    public static List<KeyValuePair<object?, object?>> Pairs(params (string Key, int? Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<object?, object?>(p.Key, p.Value)).ToList();

    public static RecordBatch Build(IReadOnlyList<Column> columns)
    {
        var fields = columns.Select(c => new Field(c.Name, c.Type, true, c.Metadata)).ToArray();
        var arrays = columns.Select(c => BoxedArrays.Build(c.Type, c.Values)).ToArray();
        int length = columns.Count == 0 ? 0 : columns[0].Values.Length;
        return new RecordBatch(new Schema(fields, new Dictionary<string, string> { ["origin"] = "wasql" }), arrays, length);
    }

    public static RecordBatch AllTypesBatch() => Build(AllTypes());
}
