// Maps ArrowType to and from the flatbuffers Type union of Schema.fbs (tag + type table).
// Field ids inside each type table follow Schema.fbs; unsupported tags are refused by name.
using Wasql.Arrow.FlatBuffers;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

internal static class TypeCodec
{
    public static ArrowType Read(FbTypeTag tag, FbTable t, IReadOnlyList<Field> children, long position)
    {
        switch (tag)
        {
            case FbTypeTag.Null: return ArrowType.Null;
            case FbTypeTag.Bool: return ArrowType.Boolean;
            case FbTypeTag.Utf8: return ArrowType.Utf8;
            case FbTypeTag.LargeUtf8: return ArrowType.LargeUtf8;
            case FbTypeTag.Binary: return ArrowType.Binary;
            case FbTypeTag.LargeBinary: return ArrowType.LargeBinary;
            case FbTypeTag.Int:
                return ReadInt(Need(t, "Int", position), position);
            case FbTypeTag.FloatingPoint:
                return Need(t, "FloatingPoint", position).GetShort(0) switch
                {
                    0 => ArrowType.Float16,
                    1 => ArrowType.Float32,
                    2 => ArrowType.Float64,
                    var p => throw new ArrowFormatException($"FloatingPoint precision {p} is unknown", position),
                };
            case FbTypeTag.Decimal:
            {
                var d = Need(t, "Decimal", position);
                int precision = d.GetInt(0), scale = d.GetInt(1), bits = d.GetInt(2, 128);
                if (bits != 128) throw new ArrowFormatException($"Decimal{bits} is not supported (only Decimal128)", position);
                if (precision is < 1 or > 38) throw new ArrowFormatException($"Decimal128 precision {precision} is outside 1..38", position);
                if (scale is < -38 or > 38) throw new ArrowFormatException($"Decimal128 scale {scale} is outside -38..38", position);
                return new Decimal128Type(precision, scale);
            }
            case FbTypeTag.Date:
                return Need(t, "Date", position).GetShort(0, 1) switch
                {
                    0 => ArrowType.Date32,
                    1 => ArrowType.Date64,
                    var u => throw new ArrowFormatException($"Date unit {u} is unknown", position),
                };
            case FbTypeTag.Time:
            {
                var tt = Need(t, "Time", position);
                var unit = ReadUnit(tt.GetShort(0, 1), position);
                int bits = tt.GetInt(1, 32);
                int expected = unit <= TimeUnit.Millisecond ? 32 : 64;
                if (bits != expected) throw new ArrowFormatException($"Time with unit {unit} must be {expected}-bit, not {bits}-bit", position);
                return new TimeType(unit);
            }
            case FbTypeTag.Timestamp:
            {
                var ts = Need(t, "Timestamp", position);
                return new TimestampType(ReadUnit(ts.GetShort(0, 0), position), ts.GetString(1, "Timestamp.timezone"));
            }
            case FbTypeTag.Duration:
                return new DurationType(ReadUnit(Need(t, "Duration", position).GetShort(0, 1), position));
            case FbTypeTag.Interval:
                return Need(t, "Interval", position).GetShort(0) switch
                {
                    0 => new IntervalType(IntervalUnit.YearMonth),
                    1 => new IntervalType(IntervalUnit.DayTime),
                    2 => IntervalType.MonthDayNano,
                    var u => throw new ArrowFormatException($"Interval unit {u} is unknown", position),
                };
            case FbTypeTag.FixedSizeBinary:
            {
                int width = Need(t, "FixedSizeBinary", position).GetInt(0);
                if (width is < 0 or > int.MaxValue / 8) throw new ArrowFormatException($"FixedSizeBinary width {width} is out of range", position);
                return new FixedSizeBinaryType(width);
            }
            case FbTypeTag.List:
                return new ListType(OneChild(children, "List", position));
            case FbTypeTag.LargeList:
                return new LargeListType(OneChild(children, "LargeList", position));
            case FbTypeTag.FixedSizeList:
            {
                int size = Need(t, "FixedSizeList", position).GetInt(0);
                if (size < 0) throw new ArrowFormatException($"FixedSizeList size {size} is negative", position);
                return new FixedSizeListType(OneChild(children, "FixedSizeList", position), size);
            }
            case FbTypeTag.Struct:
                return new StructType(children);
            case FbTypeTag.Map:
            {
                var entries = OneChild(children, "Map", position);
                if (entries.Type is not StructType { Fields.Count: 2 })
                    throw new ArrowFormatException($"Map entries must be a struct of two fields, not {entries.Type}", position);
                return new MapType(entries, Need(t, "Map", position).GetBool(0));
            }
            case FbTypeTag.Union or FbTypeTag.RunEndEncoded or FbTypeTag.BinaryView or FbTypeTag.Utf8View
                or FbTypeTag.ListView or FbTypeTag.LargeListView:
                throw new ArrowFormatException($"Arrow type {tag} is not supported", position);
            default:
                throw new ArrowFormatException($"Arrow type tag {(byte)tag} is unknown", position);
        }
    }

    public static ArrowType ReadInt(FbTable t, long position)
    {
        int bits = t.GetInt(0);
        bool signed = t.GetBool(1);
        return (bits, signed) switch
        {
            (8, true) => ArrowType.Int8,
            (16, true) => ArrowType.Int16,
            (32, true) => ArrowType.Int32,
            (64, true) => ArrowType.Int64,
            (8, false) => ArrowType.UInt8,
            (16, false) => ArrowType.UInt16,
            (32, false) => ArrowType.UInt32,
            (64, false) => ArrowType.UInt64,
            _ => throw new ArrowFormatException($"Int bit width {bits} is invalid", position),
        };
    }

    private static FbTable Need(FbTable t, string name, long position) =>
        t.Exists ? t : throw new ArrowFormatException($"Field type {name} has no type table", position);

    private static TimeUnit ReadUnit(short unit, long position) =>
        unit is >= 0 and <= 3 ? (TimeUnit)unit : throw new ArrowFormatException($"time unit {unit} is unknown", position);

    private static Field OneChild(IReadOnlyList<Field> children, string name, long position) =>
        children.Count == 1 ? children[0] : throw new ArrowFormatException($"{name} needs exactly one child field, found {children.Count}", position);

    /// <summary>Writes the type table (if any) and returns its tag and offset (0 for none).</summary>
    public static (FbTypeTag Tag, int Offset) Write(FlatBufferBuilder b, ArrowType type)
    {
        switch (type.Id)
        {
            case ArrowTypeId.Null: return (FbTypeTag.Null, Empty(b));
            case ArrowTypeId.Boolean: return (FbTypeTag.Bool, Empty(b));
            case ArrowTypeId.Utf8: return (FbTypeTag.Utf8, Empty(b));
            case ArrowTypeId.LargeUtf8: return (FbTypeTag.LargeUtf8, Empty(b));
            case ArrowTypeId.Binary: return (FbTypeTag.Binary, Empty(b));
            case ArrowTypeId.LargeBinary: return (FbTypeTag.LargeBinary, Empty(b));
            case ArrowTypeId.Struct: return (FbTypeTag.Struct, Empty(b));
            case ArrowTypeId.List: return (FbTypeTag.List, Empty(b));
            case ArrowTypeId.LargeList: return (FbTypeTag.LargeList, Empty(b));
            case ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32 or ArrowTypeId.Int64:
                return (FbTypeTag.Int, WriteInt(b, type.BitWidth, true));
            case ArrowTypeId.UInt8 or ArrowTypeId.UInt16 or ArrowTypeId.UInt32 or ArrowTypeId.UInt64:
                return (FbTypeTag.Int, WriteInt(b, type.BitWidth, false));
            case ArrowTypeId.Float16 or ArrowTypeId.Float32 or ArrowTypeId.Float64:
                b.StartTable(1);
                b.AddShort(0, (short)(type.Id - ArrowTypeId.Float16), -1);
                return (FbTypeTag.FloatingPoint, b.EndTable());
            case ArrowTypeId.Decimal128:
                var dec = (Decimal128Type)type;
                b.StartTable(3);
                b.AddInt(0, dec.Precision, -1);
                b.AddInt(1, dec.Scale, -1);
                b.AddInt(2, 128, -1);
                return (FbTypeTag.Decimal, b.EndTable());
            case ArrowTypeId.Date32 or ArrowTypeId.Date64:
                b.StartTable(1);
                b.AddShort(0, type.Id == ArrowTypeId.Date32 ? (short)0 : (short)1, -1);
                return (FbTypeTag.Date, b.EndTable());
            case ArrowTypeId.Time32 or ArrowTypeId.Time64:
                b.StartTable(2);
                b.AddShort(0, (short)((TimeType)type).Unit, -1);
                b.AddInt(1, type.BitWidth, -1);
                return (FbTypeTag.Time, b.EndTable());
            case ArrowTypeId.Timestamp:
                var ts = (TimestampType)type;
                int zone = ts.Timezone is null ? 0 : b.CreateString(ts.Timezone);
                b.StartTable(2);
                b.AddOffset(1, zone);
                b.AddShort(0, (short)ts.Unit, -1);
                return (FbTypeTag.Timestamp, b.EndTable());
            case ArrowTypeId.Duration:
                b.StartTable(1);
                b.AddShort(0, (short)((DurationType)type).Unit, -1);
                return (FbTypeTag.Duration, b.EndTable());
            case ArrowTypeId.Interval:
                b.StartTable(1);
                b.AddShort(0, (short)((IntervalType)type).Unit, -1);
                return (FbTypeTag.Interval, b.EndTable());
            case ArrowTypeId.FixedSizeBinary:
                b.StartTable(1);
                b.AddInt(0, ((FixedSizeBinaryType)type).ByteWidth, -1);
                return (FbTypeTag.FixedSizeBinary, b.EndTable());
            case ArrowTypeId.FixedSizeList:
                b.StartTable(1);
                b.AddInt(0, ((FixedSizeListType)type).ListSize, -1);
                return (FbTypeTag.FixedSizeList, b.EndTable());
            case ArrowTypeId.Map:
                b.StartTable(1);
                b.AddBool(0, ((MapType)type).KeysSorted, false);
                return (FbTypeTag.Map, b.EndTable());
            default:
                throw new NotSupportedException($"cannot write type {type}");
        }
    }

    private static int Empty(FlatBufferBuilder b)
    {
        b.StartTable(0);
        return b.EndTable();
    }

    private static int WriteInt(FlatBufferBuilder b, int bits, bool signed)
    {
        b.StartTable(2);
        b.AddInt(0, bits, -1);
        b.AddBool(1, signed, !signed);
        return b.EndTable();
    }

    /// <summary>The child fields a type is written with (Field.children in Schema.fbs).</summary>
    public static IReadOnlyList<Field> ChildrenOf(ArrowType type) => type switch
    {
        BaseListType l => [l.ValueField],
        StructType s => s.Fields,
        MapType m => [m.EntriesField],
        _ => [],
    };
}
