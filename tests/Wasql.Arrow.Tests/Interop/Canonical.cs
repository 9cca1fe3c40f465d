// The .NET twin of interop/canonical.mjs: a JSON view of a batch in which fixed-width values are the
// little-endian hex of their stored bytes, so both sides compare exactly what is on the wire.
using System.Text.Json.Nodes;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Wasql.Arrow.Tests.Interop;

public static class Canonical
{
    public static JsonObject Of(IReadOnlyList<RecordBatch> batches)
    {
        var schema = batches[0].Schema;
        var columns = new JsonObject();
        for (int c = 0; c < schema.FieldsList.Count; c++)
        {
            var values = new JsonArray();
            foreach (var batch in batches)
                for (int i = 0; i < batch.Length; i++) values.Add(Value(batch.Column(c), i));
            columns[schema.FieldsList[c].Name] = values;
        }
        return new JsonObject
        {
            ["fields"] = new JsonArray(schema.FieldsList.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["type"] = JsTypeName(f.DataType),
                ["nullable"] = f.IsNullable,
                ["metadata"] = Metadata(f.HasMetadata ? f.Metadata : new Dictionary<string, string>()),
            }).ToArray()),
            ["metadata"] = Metadata(schema.HasMetadata ? schema.Metadata : new Dictionary<string, string>()),
            ["numRows"] = batches.Sum(b => b.Length),
            ["batches"] = batches.Count,
            ["columns"] = columns,
        };
    }

    private static JsonObject Metadata(IReadOnlyDictionary<string, string> metadata) =>
        new(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));

    /// <summary>Value <paramref name="i"/> of an array (indexes are the array's own: its offset is applied by the package).</summary>
    public static JsonNode? Value(IArrowArray array, int i)
    {
        if (array.IsNull(i)) return null;
        switch (array)
        {
            case BooleanArray b: return b.GetValue(i);
            case StringArray s: return s.GetString(i);
            case LargeStringArray s: return s.GetString(i);
            case BinaryArray b: return Convert.ToHexStringLower(b.GetBytes(i));
            case LargeBinaryArray b: return Convert.ToHexStringLower(b.GetBytes(i));
            case Apache.Arrow.Arrays.FixedSizeBinaryArray f when f is not Decimal128Array: return Convert.ToHexStringLower(f.GetBytes(i));
            case DictionaryArray d: return Value(d.Dictionary, Convert.ToInt32(BoxedValues.Get(d.Indices, i)));
            case MapArray m:
            {
                var pairs = new JsonArray();
                var entries = m.KeyValues;
                var keys = ArrowArrayFactory.BuildArray(entries.Data.Children[0]);
                var items = ArrowArrayFactory.BuildArray(entries.Data.Children[1]);
                for (int k = m.ValueOffsets[i]; k < m.ValueOffsets[i + 1]; k++)
                    pairs.Add(new JsonArray(Value(keys, entries.Offset + k), Value(items, entries.Offset + k)));
                return pairs;
            }
            case ListArray l: return Items(l.Values, l.ValueOffsets[i], l.ValueOffsets[i + 1]);
            case LargeListArray l: return Items(l.Values, l.ValueOffsets[i], l.ValueOffsets[i + 1]);
            case FixedSizeListArray l:
            {
                int size = ((FixedSizeListType)l.Data.DataType).ListSize;
                return Items(l.Values, (long)(l.Offset + i) * size, (long)(l.Offset + i + 1) * size);
            }
            case StructArray s:
            {
                var row = new JsonObject();
                var fields = ((StructType)s.Data.DataType).Fields;
                for (int k = 0; k < fields.Count; k++) row[fields[k].Name] = Value(ArrowArrayFactory.BuildArray(s.Data.Children[k]), s.Offset + i);
                return row;
            }
            default:
            {
                int width = ((FixedWidthType)array.Data.DataType).BitWidth / 8;
                return Convert.ToHexStringLower(array.Data.Buffers[1].Span.Slice((array.Offset + i) * width, width));
            }
        }
    }

    private static JsonArray Items(IArrowArray values, long start, long end)
    {
        var items = new JsonArray();
        for (long k = start; k < end; k++) items.Add(Value(values, (int)k));
        return items;
    }

    /// <summary>How apache-arrow JS prints a type (DataType.toString), for schema comparison.</summary>
    public static string JsTypeName(IArrowType type) => type switch
    {
        NullType => "Null",
        BooleanType => "Bool",
        Int8Type => "Int8",
        Int16Type => "Int16",
        Int32Type => "Int32",
        Int64Type => "Int64",
        UInt8Type => "Uint8",
        UInt16Type => "Uint16",
        UInt32Type => "Uint32",
        UInt64Type => "Uint64",
        HalfFloatType => "Float16",
        FloatType => "Float32",
        DoubleType => "Float64",
        StringType => "Utf8",
        LargeStringType => "LargeUtf8",
        BinaryType => "Binary",
        LargeBinaryType => "LargeBinary",
        Decimal128Type d => $"Decimal[{d.Precision}e{(d.Scale > 0 ? "+" : "")}{d.Scale}]",
        FixedSizeBinaryType f => $"FixedSizeBinary[{f.ByteWidth}]",
        Date32Type => "Date32<DAY>",
        Date64Type => "Date64<MILLISECOND>",
        Time32Type t => $"Time32<{Unit(t.Unit)}>",
        Time64Type t => $"Time64<{Unit(t.Unit)}>",
        TimestampType t => t.Timezone is null ? $"Timestamp<{Unit(t.Unit)}>" : $"Timestamp<{Unit(t.Unit)}, {t.Timezone}>",
        DurationType d => $"Duration<{Unit(d.Unit)}>",
        IntervalType i => i.Unit switch
        {
            IntervalUnit.YearMonth => "Interval<YEAR_MONTH>",
            IntervalUnit.DayTime => "Interval<DAY_TIME>",
            _ => "Interval<MONTH_DAY_NANO>",
        },
        DictionaryType d => JsTypeName(d.ValueType),   // compared decoded
        MapType m => $"Map<{{{m.KeyField.Name}:{JsTypeName(m.KeyField.DataType)}, {m.ValueField.Name}:{JsTypeName(m.ValueField.DataType)}}}>",
        ListType l => $"List<{JsTypeName(l.ValueDataType)}>",
        LargeListType l => $"LargeList<{JsTypeName(l.ValueDataType)}>",
        FixedSizeListType l => $"FixedSizeList[{l.ListSize}]<{JsTypeName(l.ValueDataType)}>",
        StructType s => $"Struct<{{{string.Join(", ", s.Fields.Select(f => $"{f.Name}:{JsTypeName(f.DataType)}"))}}}>",
        _ => type.Name,
    };

    private static string Unit(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "SECOND",
        TimeUnit.Millisecond => "MILLISECOND",
        TimeUnit.Microsecond => "MICROSECOND",
        _ => "NANOSECOND",
    };
}
