// Utf8 / LargeUtf8: a BinaryArray whose values are UTF-8 text. GetBytes gives the raw UTF-8 span
// without allocating; GetString decodes (invalid sequences only possible if validation was turned off).
using System.Text;

namespace Wasql.Arrow.Arrays;

public sealed class StringArray : BinaryArray
{
    public StringArray(ArrayData data) : base(data)
    {
        if (data.Type.Id is not (Types.ArrowTypeId.Utf8 or Types.ArrowTypeId.LargeUtf8))
            throw new ArgumentException($"type {data.Type} is not a string type");
    }

    public string? GetString(int index) => IsValid(index) ? Encoding.UTF8.GetString(GetBytes(index)) : null;

    /// <summary>Whether value <paramref name="index"/> is non-NULL and equals <paramref name="text"/>, without allocating.</summary>
    public bool ValueEquals(int index, ReadOnlySpan<byte> utf8) => IsValid(index) && GetBytes(index).SequenceEqual(utf8);

    public override object? GetObject(int index) => GetString(index);

    public static StringArray From(IEnumerable<string?> values)
    {
        var b = new Builders.StringArrayBuilder();
        foreach (var v in values) b.Append(v);
        return b.Build();
    }
}
