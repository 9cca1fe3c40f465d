// Boxed access to Arrow values for row-at-a-time callers (SQLite's per-row functions, plugins' result columns), which
// the package leaves to typed arrays. The CLR value of each type: integers and floats as themselves, booleans as bool,
// temporal types as their stored number (days, units since the epoch), decimals as decimal (text when System.Decimal
// cannot hold them), strings as string, binaries as byte[], lists as List<object?>, structs as
// Dictionary<string, object?>, maps as a list of KeyValuePair, dictionary-encoded values as the value they point to.
using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Wasql.Arrow;

public static class BoxedValues
{
    /// <summary>Value <paramref name="index"/> of <paramref name="array"/> boxed (null for NULL).</summary>
    public static object? Get(IArrowArray array, int index)
    {
        if ((uint)index >= (uint)array.Length) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} of an array of {array.Length}");
        if (array is NullArray || array.IsNull(index)) return null;
        return array switch
        {
            BooleanArray a => a.GetValue(index),
            Int8Array a => a.GetValue(index),
            Int16Array a => a.GetValue(index),
            UInt8Array a => a.GetValue(index),
            UInt16Array a => a.GetValue(index),
            UInt32Array a => a.GetValue(index),
            UInt64Array a => a.GetValue(index),
            HalfFloatArray a => a.GetValue(index),
            FloatArray a => a.GetValue(index),
            DoubleArray a => a.GetValue(index),
            PrimitiveArray<int> a => a.GetValue(index),      // int32, date32, time32
            PrimitiveArray<long> a => a.GetValue(index),     // int64, date64, time64, timestamp, duration
            Decimal128Array a => Decimal(a, index),
            StringArray a => a.GetString(index),
            LargeStringArray a => a.GetString(index),
            BinaryArray a => a.GetBytes(index).ToArray(),
            LargeBinaryArray a => a.GetBytes(index).ToArray(),
            Apache.Arrow.Arrays.FixedSizeBinaryArray a => a.GetBytes(index).ToArray(),
            MapArray a => MapEntries(a, index),
            ListArray a => Items(a.Values, a.ValueOffsets[index], a.ValueOffsets[index + 1]),
            LargeListArray a => Items(a.Values, a.ValueOffsets[index], a.ValueOffsets[index + 1]),
            FixedSizeListArray a => FixedItems(a, index),
            StructArray a => StructRow(a, index),
            DictionaryArray a => Get(a.Dictionary, Convert.ToInt32(Get(a.Indices, index), CultureInfo.InvariantCulture)),
            MonthDayNanosecondIntervalArray a => a.GetValue(index),
            DayTimeIntervalArray a => a.GetValue(index),
            YearMonthIntervalArray a => a.GetValue(index),
            _ => throw new NotSupportedException($"no boxed values for Arrow type {array.Data.DataType.Name}"),
        };
    }

    private static List<object?> Items(IArrowArray values, long start, long end)
    {
        var items = new List<object?>((int)(end - start));
        for (long i = start; i < end; i++) items.Add(Get(values, (int)i));
        return items;
    }

    private static List<object?> FixedItems(FixedSizeListArray a, int index)
    {
        int size = ((FixedSizeListType)a.Data.DataType).ListSize;
        long start = (long)(a.Offset + index) * size;
        return Items(a.Values, start, start + size);
    }

    private static List<KeyValuePair<object?, object?>> MapEntries(MapArray a, int index)
    {
        var entries = a.KeyValues;
        var keys = Child(entries, 0);
        var items = Child(entries, 1);
        int start = a.ValueOffsets[index], end = a.ValueOffsets[index + 1];
        var pairs = new List<KeyValuePair<object?, object?>>(end - start);
        for (int i = start; i < end; i++) pairs.Add(new(Get(keys, entries.Offset + i), Get(items, entries.Offset + i)));
        return pairs;
    }

    private static Dictionary<string, object?> StructRow(StructArray a, int index)
    {
        var fields = ((StructType)a.Data.DataType).Fields;
        var row = new Dictionary<string, object?>(fields.Count);
        for (int k = 0; k < fields.Count; k++) row[fields[k].Name] = Get(Child(a, k), a.Offset + index);
        return row;
    }

    /// <summary>Child <paramref name="k"/> of a struct as stored, without the parent's offset applied (callers add it).</summary>
    private static IArrowArray Child(StructArray a, int k) => ArrowArrayFactory.BuildArray(a.Data.Children[k]);

    private static object Decimal(Decimal128Array a, int index)
    {
        var type = (Decimal128Type)a.Data.DataType;
        var unscaled = System.Runtime.InteropServices.MemoryMarshal.Read<Int128>(a.GetBytes(index));
        return DecimalText.Fits(unscaled, type.Scale) ? DecimalText.ToDecimal(unscaled, type.Scale) : DecimalText.Format(unscaled, type.Scale);
    }
}
