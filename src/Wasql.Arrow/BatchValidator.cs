// Apache.Arrow's IPC reader checks that buffers lie inside the message body but not that they fit the arrays that use
// them (offsets, lengths, null bitmaps, dictionary indices, UTF-8), so a hostile producer's batch could fail later, at
// element access, far from the read. Validate runs every structural check once, right after the read.
using System.Runtime.InteropServices;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Wasql.Arrow;

public static class BatchValidator
{
    /// <summary>
    /// Invariant: when this returns, every array of <paramref name="batch"/> (children and dictionaries included) has
    /// exactly the batch's length, buffers long enough for its offset + length, offsets that are non-decreasing and
    /// inside the value data or child array, dictionary indices inside the dictionary and valid UTF-8 strings, so
    /// element access cannot fail. Types outside the supported set are refused. Throws ArrowFormatException.
    /// </summary>
    public static void Validate(RecordBatch batch)
    {
        if (batch.Length < 0) throw new ArrowFormatException($"negative batch length {batch.Length}");
        if (batch.ColumnCount != batch.Schema.FieldsList.Count)
            throw new ArrowFormatException($"the batch has {batch.ColumnCount} columns for {batch.Schema.FieldsList.Count} fields");
        for (int c = 0; c < batch.ColumnCount; c++)
        {
            var data = batch.Column(c).Data;
            if (data.Length != batch.Length)
                throw new ArrowFormatException($"column {c} has {data.Length} values in a batch of {batch.Length} rows");
            Check(data, $"column {c}");
        }
    }

    private static void Check(ArrayData d, string where)
    {
        if (d.Length < 0 || d.Offset < 0 || (long)d.Offset + d.Length > int.MaxValue)
            throw Bad(where, $"bad length {d.Length} or offset {d.Offset}");
        long end = (long)d.Offset + d.Length;
        var type = d.DataType;
        if (type.TypeId == ArrowTypeId.Null) return;
        var buffers = d.Buffers;
        if (buffers.Length < 1) throw Bad(where, "no validity buffer");
        if (!buffers[0].IsEmpty && buffers[0].Length < Bytes(end)) throw Bad(where, $"validity bitmap of {buffers[0].Length} bytes for {end} values");
        if (d.NullCount < 0 || d.NullCount > d.Length) throw Bad(where, $"null count {d.NullCount} for {d.Length} values");
        if (d.NullCount > 0 && buffers[0].IsEmpty) throw Bad(where, $"{d.NullCount} nulls without a validity bitmap");
        switch (type)
        {
            case BooleanType:
                Need(d, 1, Bytes(end), where);
                break;
            case DictionaryType dict:
                CheckDictionary(d, dict, end, where);
                break;
            case FixedSizeBinaryType fsb:   // Decimal128/256 too
                Need(d, 1, end * fsb.ByteWidth, where);
                break;
            case FixedWidthType fw when fw.BitWidth % 8 == 0:
                Need(d, 1, end * (fw.BitWidth / 8), where);
                break;
            case StringType or BinaryType:
                CheckVariable(d, end, large: false, utf8: type is StringType, where);
                break;
            case LargeStringType or LargeBinaryType:
                CheckVariable(d, end, large: true, utf8: type is LargeStringType, where);
                break;
            case ListType or MapType:
                CheckList(d, end, large: false, where);
                break;
            case LargeListType:
                CheckList(d, end, large: true, where);
                break;
            case FixedSizeListType fsl:
                if (d.Children.Length != 1) throw Bad(where, "a fixed-size list needs one child");
                if (d.Children[0].Length < end * fsl.ListSize) throw Bad(where, $"child of {d.Children[0].Length} values for {end} lists of {fsl.ListSize}");
                Check(d.Children[0], where + " values");
                break;
            case StructType st:
                if (d.Children.Length != st.Fields.Count) throw Bad(where, $"{d.Children.Length} children for {st.Fields.Count} struct fields");
                for (int k = 0; k < d.Children.Length; k++)
                {
                    if (d.Children[k].Length < end) throw Bad(where, $"struct field {k} has {d.Children[k].Length} values for {end}");
                    Check(d.Children[k], $"{where} field {k}");
                }
                break;
            default:
                throw Bad(where, $"unsupported type {type.Name}");
        }
    }

    private static void CheckVariable(ArrayData d, long end, bool large, bool utf8, string where)
    {
        if (d.Length == 0) return;   // nothing indexes the offsets (the package writes empty slices with stale ones)
        var offsets = Offsets(d, end, large, where);
        if (d.Buffers.Length < 3) throw Bad(where, "no value data buffer");
        var data = d.Buffers[2].Span;
        CheckOffsets(offsets, data.Length, where);
        if (!utf8) return;
        for (int i = 0; i + 1 < offsets.Length; i++)
        {
            var value = data[(int)offsets[i]..(int)offsets[i + 1]];
            if (!System.Text.Unicode.Utf8.IsValid(value)) throw Bad(where, $"value {i} is not valid UTF-8");
        }
    }

    private static void CheckList(ArrayData d, long end, bool large, string where)
    {
        if (d.Children.Length != 1) throw Bad(where, "a list needs one child");
        if (d.Length > 0) CheckOffsets(Offsets(d, end, large, where), d.Children[0].Length, where);
        Check(d.Children[0], where + " values");
    }

    private static void CheckDictionary(ArrayData d, DictionaryType dict, long end, string where)
    {
        if (d.Dictionary is null) throw Bad(where, "dictionary-encoded column without its dictionary");
        if (dict.IndexType is not FixedWidthType { BitWidth: 8 or 16 or 32 or 64 } it || !IsSignedOrUnsignedInt(it.TypeId))
            throw Bad(where, $"dictionary index type {dict.IndexType.Name}");
        int width = it.BitWidth / 8;
        Need(d, 1, end * width, where);
        Check(d.Dictionary, where + " dictionary");
        long size = d.Dictionary.Length;
        var values = d.Buffers[1].Span;
        var validity = d.Buffers[0].Span;
        for (long i = d.Offset; i < end; i++)
        {
            if (!validity.IsEmpty && (validity[(int)(i >> 3)] & (1 << (int)(i & 7))) == 0) continue;
            var at = values.Slice((int)(i * width), width);
            long index = width switch
            {
                1 => it.TypeId == ArrowTypeId.Int8 ? (sbyte)at[0] : at[0],
                2 => it.TypeId == ArrowTypeId.Int16 ? MemoryMarshal.Read<short>(at) : MemoryMarshal.Read<ushort>(at),
                4 => it.TypeId == ArrowTypeId.Int32 ? MemoryMarshal.Read<int>(at) : MemoryMarshal.Read<uint>(at),
                _ => MemoryMarshal.Read<long>(at),
            };
            if (index < 0 || index >= size) throw Bad(where, $"dictionary index {index} outside a dictionary of {size}");
        }
    }

    private static bool IsSignedOrUnsignedInt(ArrowTypeId id) => id is ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32
        or ArrowTypeId.Int64 or ArrowTypeId.UInt8 or ArrowTypeId.UInt16 or ArrowTypeId.UInt32;

    /// <summary>The offsets of entries offset..end (inclusive of the closing one), widened to long.</summary>
    private static long[] Offsets(ArrayData d, long end, bool large, string where)
    {
        int width = large ? 8 : 4;
        Need(d, 1, (end + 1) * width, where);
        var span = d.Buffers[1].Span;
        var result = new long[d.Length + 1];
        for (int i = 0; i < result.Length; i++)
        {
            var at = span.Slice((d.Offset + i) * width, width);
            result[i] = large ? MemoryMarshal.Read<long>(at) : MemoryMarshal.Read<int>(at);
        }
        return result;
    }

    private static void CheckOffsets(long[] offsets, long limit, string where)
    {
        long previous = offsets[0];
        if (previous < 0) throw Bad(where, $"negative offset {previous}");
        foreach (long o in offsets)
        {
            if (o < previous) throw Bad(where, $"offsets decrease ({previous} then {o})");
            previous = o;
        }
        if (previous > limit || previous > int.MaxValue) throw Bad(where, $"offset {previous} past the {limit} values it indexes");
    }

    private static void Need(ArrayData d, int buffer, long bytes, string where)
    {
        if (d.Buffers.Length <= buffer || d.Buffers[buffer].Length < bytes)
            throw Bad(where, $"buffer {buffer} has {(d.Buffers.Length <= buffer ? 0 : d.Buffers[buffer].Length)} bytes, {bytes} needed");
    }

    private static long Bytes(long bits) => (bits + 7) / 8;

    private static ArrowFormatException Bad(string where, string what) => new($"{where}: {what}");
}
