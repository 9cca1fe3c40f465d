// Makes an input batch safe to send: value slots under NULL entries are zeroed (some guests compute on NULL slots
// and mask afterwards, e.g. the Databend fixture divides by them), recursively through list and struct children.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Udf.ArrowUdf;

internal static class InputPreparer
{
    public static RecordBatch ZeroNullSlots(RecordBatch batch)
    {
        ArrowArray[]? replaced = null;
        for (int c = 0; c < batch.ColumnCount; c++)
        {
            var data = batch.Column(c).Data;
            var fixedData = Fix(data);
            if (!ReferenceEquals(fixedData, data))
            {
                replaced ??= [.. batch.Columns];
                replaced[c] = ArrowArray.Create(fixedData);
            }
        }
        return replaced is null ? batch : new RecordBatch(batch.Schema, replaced, batch.Length);
    }

    private static bool IsFixedWidthValues(ArrowType t) => t.Id switch
    {
        ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32 or ArrowTypeId.Int64 or ArrowTypeId.UInt8 or ArrowTypeId.UInt16
            or ArrowTypeId.UInt32 or ArrowTypeId.UInt64 or ArrowTypeId.Float16 or ArrowTypeId.Float32 or ArrowTypeId.Float64
            or ArrowTypeId.Date32 or ArrowTypeId.Date64 or ArrowTypeId.Time32 or ArrowTypeId.Time64 or ArrowTypeId.Timestamp
            or ArrowTypeId.Duration or ArrowTypeId.Interval or ArrowTypeId.Decimal128 => true,
        _ => false,
    };

    private static ArrayData Fix(ArrayData data)
    {
        var children = data.Children;
        ArrayData[]? newChildren = null;
        for (int i = 0; i < children.Length; i++)
        {
            var fixedChild = Fix(children[i]);
            if (!ReferenceEquals(fixedChild, children[i]))
            {
                newChildren ??= [.. children];
                newChildren[i] = fixedChild;
            }
        }
        var buffers = data.Buffers;
        ReadOnlyMemory<byte>[]? newBuffers = null;
        if (data.NullCount > 0 && IsFixedWidthValues(data.Type) && buffers.Length > 1 && data.Type.BitWidth % 8 == 0)
        {
            int width = data.Type.BitWidth / 8;
            var values = buffers[1].Span;
            byte[]? copy = null;
            for (int i = 0; i < data.Length; i++)
            {
                if (!IsNull(data, i)) continue;
                int at = (data.Offset + i) * width;
                if (at + width > values.Length) break;
                var slot = (copy is null ? values : copy).Slice(at, width);
                if (slot.IndexOfAnyExcept((byte)0) < 0) continue;
                copy ??= values.ToArray();
                copy.AsSpan(at, width).Clear();
            }
            if (copy is not null)
            {
                newBuffers = [.. buffers];
                newBuffers[1] = copy;
            }
        }
        if (newChildren is null && newBuffers is null) return data;
        return new ArrayData(data.Type, data.Length, data.NullCount, data.Offset, newBuffers ?? buffers, newChildren ?? children);
    }

    private static bool IsNull(ArrayData d, int i)
    {
        var v = d.Validity.Span;
        if (v.IsEmpty) return false;
        int bit = d.Offset + i;
        return (v[bit >> 3] & (1 << (bit & 7))) == 0;
    }
}
