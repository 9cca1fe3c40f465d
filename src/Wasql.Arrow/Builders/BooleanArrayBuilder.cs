// Builds Boolean arrays into a bit-packed values buffer plus a lazy validity bitmap.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class BooleanArrayBuilder : IArrayBuilder
{
    private byte[] _bits = new byte[8];
    private readonly ValidityBuilder _validity = new();

    public ArrowType Type => ArrowType.Boolean;
    public int Length => _validity.Length;

    public void Append(bool value)
    {
        Ensure(Length + 1);
        if (value) BitUtil.SetBit(_bits, Length);
        _validity.AppendValid();
    }

    public void Append(bool? value)
    {
        if (value.HasValue) Append(value.GetValueOrDefault());
        else AppendNull();
    }

    public void AppendRange(ReadOnlySpan<bool> values)
    {
        foreach (bool v in values) Append(v);
    }

    public void AppendNull()
    {
        Ensure(Length + 1);
        _validity.AppendNull();
    }

    public void AppendObject(object? value)
    {
        if (value is null) AppendNull();
        else Append(Convert.ToBoolean(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public BooleanArray Build()
    {
        int length = Length;
        var values = _bits.AsMemory(0, BitUtil.BytesForBits(length));
        var (bits, nulls) = _validity.Build();
        _bits = new byte[8];
        return new BooleanArray(new ArrayData(ArrowType.Boolean, length, nulls, 0, [bits, values]));
    }

    ArrowArray IArrayBuilder.Build() => Build();

    private void Ensure(int bitCount)
    {
        int bytes = BitUtil.BytesForBits(bitCount);
        if (bytes > _bits.Length) Array.Resize(ref _bits, Math.Max(bytes, _bits.Length * 2));
    }
}
