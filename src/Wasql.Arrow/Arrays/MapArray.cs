// Map: a list (32-bit offsets) of "entries" structs {key, value}; keys are never NULL.
namespace Wasql.Arrow.Arrays;

public sealed class MapArray : ListArray
{
    public MapArray(ArrayData data) : base(data) { }

    /// <summary>All keys (not sliced: offsets index into them).</summary>
    public ArrowArray Keys => ((StructArray)Values).Fields[0];

    /// <summary>All values (not sliced: offsets index into them).</summary>
    public ArrowArray Items => ((StructArray)Values).Fields[1];

    /// <summary>Entry <paramref name="index"/> as key/value pairs in stored order, or null for NULL.</summary>
    public override object? GetObject(int index)
    {
        if (!IsValid(index)) return null;
        int start = GetValueOffset(index), n = GetValueLength(index);
        var pairs = new List<KeyValuePair<object?, object?>>(n);
        for (int i = start; i < start + n; i++) pairs.Add(new(Keys.GetObject(i), Items.GetObject(i)));
        return pairs;
    }
}
