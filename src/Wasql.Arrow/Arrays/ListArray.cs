// List (32-bit offsets) and LargeList (64-bit offsets): buffers are validity and offsets; the single
// child holds all elements and entry i is child[offsets[Offset+i] .. offsets[Offset+i+1]).
using System.Runtime.InteropServices;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public class ListArray : ArrowArray
{
    private readonly bool _large;

    public ListArray(ArrayData data) : base(data)
    {
        _large = data.Type.Id == ArrowTypeId.LargeList;
        Values = Create(data.Children[0]);
    }

    /// <summary>The child array of all elements (not sliced: offsets index into it).</summary>
    public ArrowArray Values { get; }

    public Field ValueField => Type is BaseListType l ? l.ValueField : ((MapType)Type).EntriesField;

    public int GetValueOffset(int index)
    {
        CheckIndex(index);
        return OffsetAt(Data.Offset + index);
    }

    public int GetValueLength(int index)
    {
        CheckIndex(index);
        return OffsetAt(Data.Offset + index + 1) - OffsetAt(Data.Offset + index);
    }

    /// <summary>The elements of entry <paramref name="index"/> as a slice of <see cref="Values"/>, or null for NULL.</summary>
    public ArrowArray? GetList(int index)
    {
        if (!IsValid(index)) return null;
        int start = OffsetAt(Data.Offset + index);
        return Values.Slice(start, OffsetAt(Data.Offset + index + 1) - start);
    }

    public override object? GetObject(int index)
    {
        var list = GetList(index);
        if (list is null) return null;
        var items = new List<object?>(list.Length);
        for (int i = 0; i < list.Length; i++) items.Add(list.GetObject(i));
        return items;
    }

    private int OffsetAt(int i) => _large
        ? (int)MemoryMarshal.Cast<byte, long>(Data.Buffers[1].Span)[i]
        : MemoryMarshal.Cast<byte, int>(Data.Buffers[1].Span)[i];
}
