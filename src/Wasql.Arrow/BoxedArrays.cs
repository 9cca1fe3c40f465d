// Builds an Arrow array of any supported (nested) type from boxed values, which the package's typed builders cannot
// do generically. Accepted values per type: numbers by Convert (so out-of-range throws OverflowException); DateOnly,
// DateTime, DateTimeOffset, TimeOnly and TimeSpan by the type's unit; decimal (or an integer) for decimal128; string
// (or char[]; anything else as invariant text) for strings; byte[], ReadOnlyMemory<byte> or string (UTF-8) for
// binaries; a sequence for lists; a name->value dictionary or a list of field values for structs; null for NULL.
using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Scalars;
using Apache.Arrow.Types;

namespace Wasql.Arrow;

public static class BoxedArrays
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly int UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>One array of <paramref name="type"/> holding <paramref name="values"/> (null = NULL).</summary>
    public static IArrowArray Build(IArrowType type, IReadOnlyList<object?> values) => ArrowArrayFactory.BuildArray(BuildData(type, values));

    /// <summary>A record batch of <paramref name="schema"/> from rows of boxed values, one per field.</summary>
    public static RecordBatch BuildBatch(Schema schema, IReadOnlyList<IReadOnlyList<object?>> rows)
    {
        var columns = new IArrowArray[schema.FieldsList.Count];
        for (int c = 0; c < columns.Length; c++)
        {
            var values = new object?[rows.Count];
            for (int r = 0; r < rows.Count; r++)
            {
                if (rows[r].Count != columns.Length) throw new ArgumentException($"row {r} has {rows[r].Count} values for {columns.Length} columns");
                values[r] = rows[r][c];
            }
            columns[c] = Build(schema.FieldsList[c].DataType, values);
        }
        return new RecordBatch(schema, columns, rows.Count);
    }

    private static ArrayData BuildData(IArrowType type, IReadOnlyList<object?> values)
    {
        int n = values.Count;
        if (type is NullType) return new ArrayData(type, n, n, 0, [], []);
        int nulls = 0;
        var validity = new ArrowBuffer.BitmapBuilder(n);
        foreach (var v in values)
        {
            bool valid = v is not null and not DBNull;
            validity.Append(valid);
            if (!valid) nulls++;
        }
        ArrowBuffer bitmap = nulls == 0 ? ArrowBuffer.Empty : validity.Build();
        return type switch
        {
            BooleanType => Data(type, n, nulls, [bitmap, Bits(values)]),
            Int8Type => Fixed<sbyte>(type, values, nulls, bitmap),
            Int16Type => Fixed<short>(type, values, nulls, bitmap),
            Int32Type or Date32Type or Time32Type => Fixed<int>(type, values, nulls, bitmap),
            Int64Type or Date64Type or Time64Type or TimestampType or DurationType => Fixed<long>(type, values, nulls, bitmap),
            UInt8Type => Fixed<byte>(type, values, nulls, bitmap),
            UInt16Type => Fixed<ushort>(type, values, nulls, bitmap),
            UInt32Type => Fixed<uint>(type, values, nulls, bitmap),
            UInt64Type => Fixed<ulong>(type, values, nulls, bitmap),
            HalfFloatType => Fixed<Half>(type, values, nulls, bitmap),
            FloatType => Fixed<float>(type, values, nulls, bitmap),
            DoubleType => Fixed<double>(type, values, nulls, bitmap),
            Decimal128Type => Fixed<Int128>(type, values, nulls, bitmap),
            IntervalType { Unit: IntervalUnit.MonthDayNanosecond } => Fixed<MonthDayNanosecondInterval>(type, values, nulls, bitmap),
            IntervalType { Unit: IntervalUnit.DayTime } => Fixed<DayTimeInterval>(type, values, nulls, bitmap),
            IntervalType => Fixed<YearMonthInterval>(type, values, nulls, bitmap),
            StringType or BinaryType => Variable(type, values, nulls, bitmap, large: false),
            LargeStringType or LargeBinaryType => Variable(type, values, nulls, bitmap, large: true),
            FixedSizeBinaryType f => FixedBinary(f, values, nulls, bitmap),
            ListType l => List(type, l.ValueDataType, values, nulls, bitmap, large: false),
            LargeListType l => List(type, l.ValueDataType, values, nulls, bitmap, large: true),
            FixedSizeListType l => FixedList(l, values, nulls, bitmap),
            StructType s => Struct(s, values, nulls, bitmap),
            MapType m => Map(m, values, nulls, bitmap),
            _ => throw new NotSupportedException($"no boxed builder for Arrow type {type.Name}"),
        };
    }

    private static ArrayData Data(IArrowType type, int n, int nulls, ArrowBuffer[] buffers, ArrayData[]? children = null) =>
        new(type, n, nulls, 0, buffers, children ?? []);

    private static ArrowBuffer Bits(IReadOnlyList<object?> values)
    {
        var bits = new ArrowBuffer.BitmapBuilder(values.Count);
        foreach (var v in values) bits.Append(v is not null and not DBNull && Convert.ToBoolean(v, Inv));
        return bits.Build();
    }

    private static ArrayData Fixed<T>(IArrowType type, IReadOnlyList<object?> values, int nulls, ArrowBuffer bitmap) where T : unmanaged
    {
        var stored = new T[values.Count];
        for (int i = 0; i < stored.Length; i++)
            if (values[i] is { } v and not DBNull) stored[i] = To<T>(v, type);
        return Data(type, stored.Length, nulls, [bitmap, new ArrowBuffer(MemoryMarshal.AsBytes(stored.AsSpan()).ToArray())]);
    }

    private static ArrayData Variable(IArrowType type, IReadOnlyList<object?> values, int nulls, ArrowBuffer bitmap, bool large)
    {
        bool text = type is StringType or LargeStringType;
        var data = new MemoryStream();
        var offsets = new ArrowBuffer.Builder<long>(values.Count + 1);
        var offsets32 = new ArrowBuffer.Builder<int>(values.Count + 1);
        void End() { if (large) offsets.Append(data.Length); else offsets32.Append(checked((int)data.Length)); }
        End();
        foreach (var v in values)
        {
            if (v is not null and not DBNull)
                data.Write(text ? Encoding.UTF8.GetBytes(Text(v)) : Bytes(v, type));
            End();
        }
        return Data(type, values.Count, nulls, [bitmap, large ? offsets.Build() : offsets32.Build(), new ArrowBuffer(data.ToArray())]);
    }

    private static string Text(object v) => v switch
    {
        string s => s,
        char[] chars => new string(chars),
        _ => Convert.ToString(v, Inv) ?? "",
    };

    private static byte[] Bytes(object v, IArrowType type) => v switch
    {
        byte[] b => b,
        ReadOnlyMemory<byte> m => m.ToArray(),
        string s => Encoding.UTF8.GetBytes(s),
        _ => throw new ArgumentException($"cannot store a {v.GetType().Name} in a {type.Name} array"),
    };

    private static ArrayData FixedBinary(FixedSizeBinaryType type, IReadOnlyList<object?> values, int nulls, ArrowBuffer bitmap)
    {
        var data = new byte[values.Count * type.ByteWidth];
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } v || v is DBNull) continue;
            var bytes = Bytes(v, type);
            if (bytes.Length != type.ByteWidth) throw new ArgumentException($"a {type.Name} value needs {type.ByteWidth} bytes, got {bytes.Length}");
            bytes.CopyTo(data, i * type.ByteWidth);
        }
        return Data(type, values.Count, nulls, [bitmap, new ArrowBuffer(data)]);
    }

    private static IEnumerable Sequence(object v) => v is IEnumerable items and not string
        ? items : throw new ArgumentException($"a list value must be a sequence, not {v.GetType().Name}");

    private static ArrayData List(IArrowType type, IArrowType element, IReadOnlyList<object?> values, int nulls, ArrowBuffer bitmap, bool large)
    {
        var items = new List<object?>();
        var offsets = new ArrowBuffer.Builder<long>(values.Count + 1);
        var offsets32 = new ArrowBuffer.Builder<int>(values.Count + 1);
        void End() { if (large) offsets.Append(items.Count); else offsets32.Append(items.Count); }
        End();
        foreach (var v in values)
        {
            if (v is not null and not DBNull) foreach (var item in Sequence(v)) items.Add(item);
            End();
        }
        return Data(type, values.Count, nulls, [bitmap, large ? offsets.Build() : offsets32.Build()], [BuildData(element, items)]);
    }

    private static ArrayData FixedList(FixedSizeListType type, IReadOnlyList<object?> values, int nulls, ArrowBuffer bitmap)
    {
        var items = new List<object?>(values.Count * type.ListSize);
        foreach (var v in values)
        {
            int before = items.Count;
            if (v is not null and not DBNull) foreach (var item in Sequence(v)) items.Add(item);
            else for (int k = 0; k < type.ListSize; k++) items.Add(null);
            if (items.Count - before != type.ListSize) throw new ArgumentException($"a {type.Name} value needs {type.ListSize} items, got {items.Count - before}");
        }
        return Data(type, values.Count, nulls, [bitmap], [BuildData(type.ValueDataType, items)]);
    }

    private static ArrayData Struct(StructType type, IReadOnlyList<object?> values, int nulls, ArrowBuffer bitmap)
    {
        var fields = type.Fields;
        var columns = new object?[fields.Count][];
        for (int k = 0; k < columns.Length; k++) columns[k] = new object?[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            switch (values[i])
            {
                case null or DBNull: break;
                case IReadOnlyDictionary<string, object?> row:
                    for (int k = 0; k < fields.Count; k++) columns[k][i] = row.TryGetValue(fields[k].Name, out var fv) ? fv : null;
                    break;
                case IList list when list.Count == fields.Count:
                    for (int k = 0; k < fields.Count; k++) columns[k][i] = list[k];
                    break;
                default: throw new ArgumentException($"a struct value must be a name->value dictionary or a list of {fields.Count} values");
            }
        }
        var children = new ArrayData[fields.Count];
        for (int k = 0; k < children.Length; k++) children[k] = BuildData(fields[k].DataType, columns[k]);
        return Data(type, values.Count, nulls, [bitmap], children);
    }

    /// <summary>A map is a list of key/value structs: each value is a dictionary or a sequence of KeyValuePair.</summary>
    private static ArrayData Map(MapType type, IReadOnlyList<object?> values, int nulls, ArrowBuffer bitmap)
    {
        var entries = new List<object?>();
        var offsets = new ArrowBuffer.Builder<int>(values.Count + 1);
        offsets.Append(0);
        foreach (var v in values)
        {
            switch (v)
            {
                case null or DBNull: break;
                case IDictionary dict:
                    foreach (DictionaryEntry e in dict) entries.Add(new object?[] { e.Key, e.Value });
                    break;
                default:
                    foreach (var item in Sequence(v))
                        entries.Add(item is KeyValuePair<object?, object?> kv ? new object?[] { kv.Key, kv.Value }
                            : throw new ArgumentException($"a map value must hold key/value pairs, not {item?.GetType().Name}"));
                    break;
            }
            offsets.Append(entries.Count);
        }
        return Data(type, values.Count, nulls, [bitmap, offsets.Build()], [BuildData(type.KeyValueType, entries)]);
    }

    /// <summary>Converts one boxed value to the storage of a fixed-width type.</summary>
    private static T To<T>(object value, IArrowType type) where T : unmanaged
    {
        if (value is T t) return t;
        object converted = type switch
        {
            Date32Type when value is DateOnly d => d.DayNumber - UnixEpochDay,
            Date32Type when value is DateTime dt => DateOnly.FromDateTime(dt).DayNumber - UnixEpochDay,
            Date64Type when value is DateOnly d => (long)(d.DayNumber - UnixEpochDay) * 86_400_000L,
            Date64Type when value is DateTime dt => (dt - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond,
            TimestampType ts when value is DateTime dt => FromTicks((dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt).Ticks - DateTime.UnixEpoch.Ticks, ts.Unit),
            TimestampType ts when value is DateTimeOffset dto => FromTicks(dto.UtcTicks - DateTime.UnixEpoch.Ticks, ts.Unit),
            TimeBasedType tt when value is TimeOnly to => FromTicks(to.Ticks, tt.Unit),
            TimeBasedType tt when value is TimeSpan span => FromTicks(span.Ticks, tt.Unit),
            Decimal128Type dec when value is decimal m => DecimalText.FromDecimal(m, dec.Scale),
            Decimal128Type dec when value is sbyte or byte or short or ushort or int or uint or long =>
                DecimalText.FromDecimal(Convert.ToDecimal(value, Inv), dec.Scale),
            _ when typeof(T) == typeof(Half) => (Half)Convert.ToDouble(value, Inv),
            _ when value is IConvertible && typeof(T).IsPrimitive => Convert.ChangeType(value, typeof(T), Inv),
            _ => throw new ArgumentException($"cannot store a {value.GetType().Name} in a {type.Name} array"),
        };
        if (converted is T r) return r;
        if (converted is IConvertible && typeof(T).IsPrimitive) return (T)Convert.ChangeType(converted, typeof(T), Inv);
        throw new ArgumentException($"cannot store a {value.GetType().Name} in a {type.Name} array");
    }

    private static long FromTicks(long ticks, TimeUnit unit) => unit switch
    {
        TimeUnit.Second => ticks / TimeSpan.TicksPerSecond,
        TimeUnit.Millisecond => ticks / TimeSpan.TicksPerMillisecond,
        TimeUnit.Microsecond => ticks / 10,
        _ => ticks * 100,
    };
}
