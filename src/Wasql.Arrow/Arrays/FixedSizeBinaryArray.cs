// FixedSizeBinary(n): n bytes per value in buffer 1; values are returned as spans without copying.
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public sealed class FixedSizeBinaryArray : ArrowArray
{
    public FixedSizeBinaryArray(ArrayData data) : base(data) => ByteWidth = ((FixedSizeBinaryType)data.Type).ByteWidth;

    public int ByteWidth { get; }

    public ReadOnlySpan<byte> GetBytes(int index)
    {
        CheckIndex(index);
        return Data.Buffers[1].Span.Slice((Data.Offset + index) * ByteWidth, ByteWidth);
    }

    public override object? GetObject(int index) => IsValid(index) ? GetBytes(index).ToArray() : null;
}
