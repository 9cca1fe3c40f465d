// Makes an input batch safe to send: value slots under NULL entries are zeroed (some guests compute on NULL slots
// and mask afterwards, e.g. the Databend fixture divides by them), recursively through list and struct children.
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Wasql.Udf.ArrowUdf;

internal static class InputPreparer
{
    private const int ValidityBuffer = 0, ValuesBuffer = 1;

    public static RecordBatch ZeroNullSlots(RecordBatch batch)
    {
        IArrowArray[]? replaced = null;
        for (int c = 0; c < batch.ColumnCount; c++)
        {
            var data = batch.Column(c).Data;
            var fixedData = Fix(data);
            if (!ReferenceEquals(fixedData, data))
            {
                replaced ??= [.. batch.Arrays];
                replaced[c] = ArrowArrayFactory.BuildArray(fixedData);
            }
        }
        return replaced is null ? batch : new RecordBatch(batch.Schema, replaced, batch.Length);
    }

    /// <summary>Fixed-width values stored in whole bytes (booleans are bits: nothing to divide by).</summary>
    private static int ValueWidth(IArrowType t) => t is FixedWidthType fw and not BooleanType and not DictionaryType && fw.BitWidth % 8 == 0
        ? fw.BitWidth / 8 : 0;

    private static ArrayData Fix(ArrayData data)
    {
        var children = data.Children ?? [];
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
        ArrowBuffer[]? newBuffers = null;
        int width = ValueWidth(data.DataType);
        if (data.NullCount > 0 && width > 0 && buffers.Length > ValuesBuffer)
        {
            var values = buffers[ValuesBuffer].Span;
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
                newBuffers[ValuesBuffer] = new ArrowBuffer(copy);
            }
        }
        if (newChildren is null && newBuffers is null) return data;
        return new ArrayData(data.DataType, data.Length, data.NullCount, data.Offset, newBuffers ?? buffers, newChildren ?? children, data.Dictionary);
    }

    private static bool IsNull(ArrayData d, int i)
    {
        var v = d.Buffers[ValidityBuffer].Span;
        if (v.IsEmpty) return false;
        int bit = d.Offset + i;
        return (v[bit >> 3] & (1 << (bit & 7))) == 0;
    }
}
