// FixedSizeList(n): entry i is child[(Offset+i)*n .. +n); the only buffer is validity.
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public sealed class FixedSizeListArray : ArrowArray
{
    public FixedSizeListArray(ArrayData data) : base(data)
    {
        ListSize = ((FixedSizeListType)data.Type).ListSize;
        Values = Create(data.Children[0]);
    }

    public int ListSize { get; }

    /// <summary>The child array of all elements (not sliced).</summary>
    public ArrowArray Values { get; }

    public ArrowArray? GetList(int index) => IsValid(index) ? Values.Slice((Data.Offset + index) * ListSize, ListSize) : null;

    public override object? GetObject(int index)
    {
        var list = GetList(index);
        if (list is null) return null;
        var items = new List<object?>(list.Length);
        for (int i = 0; i < list.Length; i++) items.Add(list.GetObject(i));
        return items;
    }
}
