// The .NET twin of interop/canonical.mjs: a JSON view of a batch in which fixed-width values are the
// little-endian hex of their stored bytes, so both sides compare exactly what is on the wire.
using System.Text.Json.Nodes;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Tests.Interop;

public static class Canonical
{
    public static JsonObject Of(IReadOnlyList<RecordBatch> batches)
    {
        var schema = batches[0].Schema;
        var columns = new JsonObject();
        for (int c = 0; c < schema.Fields.Count; c++)
        {
            var values = new JsonArray();
            foreach (var batch in batches)
                for (int i = 0; i < batch.Length; i++) values.Add(Value(batch.Column(c), i));
            columns[schema.Fields[c].Name] = values;
        }
        return new JsonObject
        {
            ["fields"] = new JsonArray(schema.Fields.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["type"] = JsTypeName(f.Type),
                ["nullable"] = f.Nullable,
                ["metadata"] = Metadata(f.Metadata),
            }).ToArray()),
            ["metadata"] = Metadata(schema.Metadata),
            ["numRows"] = batches.Sum(b => b.Length),
            ["batches"] = batches.Count,
            ["columns"] = columns,
        };
    }

    private static JsonObject Metadata(IReadOnlyDictionary<string, string> metadata) =>
        new(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));

    public static JsonNode? Value(ArrowArray array, int i)
    {
        if (array.IsNull(i)) return null;
        switch (array)
        {
            case BooleanArray b: return b.Value(i);
            case StringArray s: return s.GetString(i);
            case BinaryArray b: return Convert.ToHexStringLower(b.GetBytes(i));
            case FixedSizeBinaryArray f: return Convert.ToHexStringLower(f.GetBytes(i));
            case MapArray m:
            {
                var pairs = new JsonArray();
                int start = m.GetValueOffset(i);
                for (int k = start; k < start + m.GetValueLength(i); k++)
                    pairs.Add(new JsonArray(Value(m.Keys, k), Value(m.Items, k)));
                return pairs;
            }
            case ListArray l: return Items(l.GetList(i)!);
            case FixedSizeListArray l: return Items(l.GetList(i)!);
            case StructArray s:
            {
                var row = new JsonObject();
                for (int k = 0; k < s.Fields.Count; k++) row[s.StructType.Fields[k].Name] = Value(s.Fields[k], i);
                return row;
            }
            default:
            {
                int width = array.Type.BitWidth / 8;
                return Convert.ToHexStringLower(array.Data.Buffers[1].Span.Slice((array.Offset + i) * width, width));
            }
        }
    }

    private static JsonArray Items(ArrowArray list)
    {
        var items = new JsonArray();
        for (int k = 0; k < list.Length; k++) items.Add(Value(list, k));
        return items;
    }

    /// <summary>How apache-arrow JS prints a type (DataType.toString), for schema comparison.</summary>
    public static string JsTypeName(ArrowType type) => type switch
    {
        { Id: ArrowTypeId.Null } => "Null",
        { Id: ArrowTypeId.Boolean } => "Bool",
        { Id: ArrowTypeId.Int8 } => "Int8",
        { Id: ArrowTypeId.Int16 } => "Int16",
        { Id: ArrowTypeId.Int32 } => "Int32",
        { Id: ArrowTypeId.Int64 } => "Int64",
        { Id: ArrowTypeId.UInt8 } => "Uint8",
        { Id: ArrowTypeId.UInt16 } => "Uint16",
        { Id: ArrowTypeId.UInt32 } => "Uint32",
        { Id: ArrowTypeId.UInt64 } => "Uint64",
        { Id: ArrowTypeId.Float16 } => "Float16",
        { Id: ArrowTypeId.Float32 } => "Float32",
        { Id: ArrowTypeId.Float64 } => "Float64",
        { Id: ArrowTypeId.Utf8 } => "Utf8",
        { Id: ArrowTypeId.LargeUtf8 } => "LargeUtf8",
        { Id: ArrowTypeId.Binary } => "Binary",
        { Id: ArrowTypeId.LargeBinary } => "LargeBinary",
        FixedSizeBinaryType f => $"FixedSizeBinary[{f.ByteWidth}]",
        { Id: ArrowTypeId.Date32 } => "Date32<DAY>",
        { Id: ArrowTypeId.Date64 } => "Date64<MILLISECOND>",
        TimeType t => $"Time{t.BitWidth}<{Unit(t.Unit)}>",
        TimestampType t => t.Timezone is null ? $"Timestamp<{Unit(t.Unit)}>" : $"Timestamp<{Unit(t.Unit)}, {t.Timezone}>",
        DurationType d => $"Duration<{Unit(d.Unit)}>",
        IntervalType i => i.Unit switch
        {
            IntervalUnit.YearMonth => "Interval<YEAR_MONTH>",
            IntervalUnit.DayTime => "Interval<DAY_TIME>",
            _ => "Interval<MONTH_DAY_NANO>",
        },
        Decimal128Type d => $"Decimal[{d.Precision}e{(d.Scale > 0 ? "+" : "")}{d.Scale}]",
        ListType l => $"List<{JsTypeName(l.ValueType)}>",
        LargeListType l => $"LargeList<{JsTypeName(l.ValueType)}>",
        FixedSizeListType l => $"FixedSizeList[{l.ListSize}]<{JsTypeName(l.ValueType)}>",
        StructType s => $"Struct<{{{string.Join(", ", s.Fields.Select(f => $"{f.Name}:{JsTypeName(f.Type)}"))}}}>",
        MapType m => $"Map<{{{m.KeyField.Name}:{JsTypeName(m.KeyField.Type)}, {m.ValueField.Name}:{JsTypeName(m.ValueField.Type)}}}>",
        _ => type.ToString(),
    };

    private static string Unit(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "SECOND",
        TimeUnit.Millisecond => "MILLISECOND",
        TimeUnit.Microsecond => "MICROSECOND",
        _ => "NANOSECOND",
    };
}
