// Sample columns of every supported type (with NULLs), built from boxed values, shared by the
// round-trip, interop and fuzz tests. Values are chosen to exercise edges (min/max, empty, unicode).
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Builders;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Tests;

public static class SampleBatches
{
    public sealed record Column(string Name, ArrowType Type, object?[] Values, IReadOnlyDictionary<string, string>? Metadata = null);

    private static readonly StructType PointType = new(new Field("x", ArrowType.Int32), new Field("label", ArrowType.Utf8));

    public static IReadOnlyList<Column> AllTypes() =>
    [
        new("null", ArrowType.Null, [null, null, null, null]),
        new("bool", ArrowType.Boolean, [true, false, null, true]),
        new("i8", ArrowType.Int8, [(sbyte)-128, (sbyte)127, null, (sbyte)0]),
        new("i16", ArrowType.Int16, [short.MinValue, short.MaxValue, null, (short)-1]),
        new("i32", ArrowType.Int32, [int.MinValue, int.MaxValue, null, 42]),
        new("i64", ArrowType.Int64, [long.MinValue, long.MaxValue, null, -7L]),
        new("u8", ArrowType.UInt8, [(byte)0, (byte)255, null, (byte)7]),
        new("u16", ArrowType.UInt16, [(ushort)0, ushort.MaxValue, null, (ushort)7]),
        new("u32", ArrowType.UInt32, [0u, uint.MaxValue, null, 7u]),
        new("u64", ArrowType.UInt64, [0ul, ulong.MaxValue, null, 7ul]),
        new("f16", ArrowType.Float16, [(Half)1.5, (Half)(-2), null, Half.MaxValue]),
        new("f32", ArrowType.Float32, [1.5f, -0.25f, null, float.MaxValue]),
        new("f64", ArrowType.Float64, [Math.PI, -1e300, null, 0.0]),
        new("utf8", ArrowType.Utf8, ["rising", "", null, "wave ∑ 日本 🎉"]),
        new("large_utf8", ArrowType.LargeUtf8, ["a", null, "bcd", ""]),
        new("binary", ArrowType.Binary, [new byte[] { 1, 2, 3 }, Array.Empty<byte>(), null, new byte[] { 0, 255 }]),
        new("large_binary", ArrowType.LargeBinary, [null, new byte[] { 9 }, new byte[] { 8, 7 }, Array.Empty<byte>()]),
        new("fsb", new FixedSizeBinaryType(3), [new byte[] { 1, 2, 3 }, null, new byte[] { 4, 5, 6 }, new byte[] { 0, 0, 0 }]),
        new("date32", ArrowType.Date32, [0, 19000, null, -365]),
        new("date64", ArrowType.Date64, [0L, 1_641_600_000_000L, null, -86_400_000L]),
        new("time32s", new TimeType(TimeUnit.Second), [0, 86399, null, 3600]),
        new("time32ms", new TimeType(TimeUnit.Millisecond), [0, 86_399_999, null, 1]),
        new("time64us", new TimeType(TimeUnit.Microsecond), [0L, 86_399_999_999L, null, 1L]),
        new("time64ns", new TimeType(TimeUnit.Nanosecond), [0L, 86_399_999_999_999L, null, 1L]),
        new("ts_us", new TimestampType(TimeUnit.Microsecond), [0L, 1_700_000_000_000_000L, null, -1L]),
        new("ts_ms_utc", new TimestampType(TimeUnit.Millisecond, "UTC"), [0L, 1_700_000_000_000L, null, 1L]),
        new("ts_s_zone", new TimestampType(TimeUnit.Second, "Europe/Paris"), [0L, 1_700_000_000L, null, 1L]),
        new("ts_ns", new TimestampType(TimeUnit.Nanosecond), [0L, 1_700_000_000_000_000_000L, null, 1L]),
        new("dur_s", new DurationType(TimeUnit.Second), [0L, -5L, null, long.MaxValue]),
        new("dur_ns", new DurationType(TimeUnit.Nanosecond), [1L, 2L, null, 3L]),
        new("interval_mdn", IntervalType.MonthDayNano,
            [new MonthDayNanoInterval(1, 2, 3), new MonthDayNanoInterval(-1, 0, long.MaxValue), null, new MonthDayNanoInterval(0, 0, 0)]),
        new("interval_ym", new IntervalType(IntervalUnit.YearMonth), [12, -1, null, 0]),
        new("interval_dt", new IntervalType(IntervalUnit.DayTime), [new DayTimeInterval(1, 500), new DayTimeInterval(-2, 0), null, new DayTimeInterval(0, 1)]),
        new("decimal", new Decimal128Type(20, 2), [1.11m, -3.33m, null, 123456789012345678.90m]),
        new("list_i32", new ListType(ArrowType.Int32), [new object?[] { 0, 1, 2 }, null, new object?[] { 3, null, 5 }, Array.Empty<object?>()]),
        new("large_list_utf8", new LargeListType(ArrowType.Utf8), [new object?[] { "a", null }, Array.Empty<object?>(), null, new object?[] { "b" }]),
        new("fsl_f64", new FixedSizeListType(ArrowType.Float64, 2), [new object?[] { 1.0, 2.0 }, null, new object?[] { null, 4.0 }, new object?[] { 5.0, 6.0 }]),
        new("struct", PointType, [Row(1, "a"), null, Row(null, "c"), Row(4, null)]),
        new("list_struct", new ListType(PointType), [new object?[] { Row(1, "x"), null }, null, Array.Empty<object?>(), new object?[] { Row(2, "y"), Row(3, "z") }]),
        new("map", new MapType(ArrowType.Utf8, ArrowType.Int32),
            [Pairs(("a", 1), ("b", null)), null, Pairs(), Pairs(("c", 3))]),
        new("json", ArrowType.Utf8, ["{\"a\":1}", "[]", null, "null"],
            new Dictionary<string, string> { ["ARROW:extension:name"] = "arrowudf.json" }),
    ];

    public static Dictionary<string, object?> Row(int? x, string? label) => new() { ["x"] = x, ["label"] = label };

    public static List<KeyValuePair<object?, object?>> Pairs(params (string Key, int? Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<object?, object?>(p.Key, p.Value)).ToList();

    public static RecordBatch Build(IReadOnlyList<Column> columns)
    {
        var fields = columns.Select(c => new Field(c.Name, c.Type, true, c.Metadata)).ToArray();
        var arrays = columns.Select(c => ArrayBuilder.Build(c.Type, c.Values)).ToArray();
        int length = columns.Count == 0 ? 0 : columns[0].Values.Length;
        return new RecordBatch(new Schema(fields, new Dictionary<string, string> { ["origin"] = "wasql" }), arrays, length);
    }

    public static RecordBatch AllTypesBatch() => Build(AllTypes());
}
