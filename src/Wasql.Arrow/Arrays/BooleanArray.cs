// Booleans stored one bit per value (LSB first) in buffer 1, like the validity bitmap.
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public sealed class BooleanArray : ArrowArray
{
    public BooleanArray(ArrayData data) : base(data) { }

    /// <summary>The packed value bits as stored (element i is bit Offset + i).</summary>
    public ReadOnlySpan<byte> ValueBits => Data.Buffers[1].Span;

    public bool Value(int index)
    {
        CheckIndex(index);
        return BitUtil.GetBit(Data.Buffers[1].Span, Data.Offset + index);
    }

    public bool? GetValue(int index) => IsValid(index) ? Value(index) : null;

    public override object? GetObject(int index) => IsValid(index) ? Value(index) : null;

    public static BooleanArray From(ReadOnlySpan<bool> values)
    {
        var bits = new byte[BitUtil.BytesForBits(values.Length)];
        for (int i = 0; i < values.Length; i++)
            if (values[i]) BitUtil.SetBit(bits, i);
        return new BooleanArray(new ArrayData(ArrowType.Boolean, values.Length, 0, 0, [default, bits]));
    }
}
