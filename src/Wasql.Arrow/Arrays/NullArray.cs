// The Null type: every element is NULL and there are no buffers.
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public sealed class NullArray : ArrowArray
{
    public NullArray(ArrayData data) : base(data) { }
    public NullArray(int length) : base(new ArrayData(ArrowType.Null, length, length, 0, [])) { }

    public override object? GetObject(int index)
    {
        CheckIndex(index);
        return null;
    }
}
