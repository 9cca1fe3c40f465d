// The physical description of an array: type, length, offset into its buffers, the buffers in Arrow's
// order (validity first; then values, or offsets + data) and child arrays. Immutable; slicing shares buffers.
// Invariant (checked by builders and the IPC loader): buffers are large enough for offset + length.
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public sealed class ArrayData
{
    private static readonly ArrayData[] NoChildren = [];
    private int _nullCount;

    public ArrayData(ArrowType type, int length, int nullCount, int offset,
        ReadOnlyMemory<byte>[] buffers, ArrayData[]? children = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Type = type;
        Length = length;
        Offset = offset;
        Buffers = buffers;
        Children = children ?? NoChildren;
        _nullCount = type.Id == ArrowTypeId.Null ? length : nullCount;
    }

    public ArrowType Type { get; }
    public int Length { get; }
    /// <summary>Logical start, in elements, within the buffers (and, for structs, within the children).</summary>
    public int Offset { get; }
    public ReadOnlyMemory<byte>[] Buffers { get; }
    public ArrayData[] Children { get; }

    /// <summary>Validity bitmap (bit Offset is element 0); empty means "no nulls".</summary>
    public ReadOnlyMemory<byte> Validity => Buffers.Length > 0 ? Buffers[0] : default;

    public int NullCount
    {
        get
        {
            if (_nullCount < 0)
            {
                var v = Validity;
                _nullCount = v.IsEmpty ? 0 : Length - BitUtil.CountSetBits(v.Span, Offset, Length);
            }
            return _nullCount;
        }
    }

    public ArrayData Slice(int offset, int length)
    {
        if ((uint)offset > (uint)Length || (uint)length > (uint)(Length - offset))
            throw new ArgumentOutOfRangeException(nameof(offset), $"slice [{offset}, +{length}) is outside an array of length {Length}");
        int nulls = NullCount == 0 ? 0 : -1;
        return new ArrayData(Type, length, nulls, Offset + offset, Buffers, Children);
    }
}
