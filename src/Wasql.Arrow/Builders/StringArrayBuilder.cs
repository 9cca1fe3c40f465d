// Builds Utf8 / LargeUtf8 arrays. Strings are encoded straight into the data buffer (no temporary
// byte[] per value); pre-encoded UTF-8 can be appended as bytes.
using System.Text;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class StringArrayBuilder : BinaryArrayBuilder
{
    public StringArrayBuilder(bool large = false, int capacity = 0, int dataCapacity = 0)
        : base(large ? ArrowType.LargeUtf8 : ArrowType.Utf8, capacity, dataCapacity) { }

    public void Append(string? value)
    {
        if (value is null) AppendNull();
        else Append(value.AsSpan());
    }

    public void Append(ReadOnlySpan<char> value)
    {
        int start = DataBuffer.Length;
        var dest = DataBuffer.Reserve(Encoding.UTF8.GetMaxByteCount(value.Length));
        int written = Encoding.UTF8.GetBytes(value, dest);
        DataBuffer.Truncate(start + written);
        EndValue();
        MarkValid();
    }

    /// <summary>Appends already-encoded UTF-8 (not re-validated).</summary>
    public void AppendUtf8(ReadOnlySpan<byte> utf8) => base.Append(utf8);

    public override void AppendObject(object? value)
    {
        switch (value)
        {
            case null: AppendNull(); break;
            case string s: Append(s); break;
            case char[] chars: Append(chars.AsSpan()); break;
            default: Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    public override StringArray Build() => new(BuildData());
}
