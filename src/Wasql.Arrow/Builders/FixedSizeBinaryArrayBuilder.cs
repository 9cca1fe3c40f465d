// Builds FixedSizeBinary(n) arrays; every value must be exactly n bytes, NULL slots are zero-filled.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class FixedSizeBinaryArrayBuilder : IArrayBuilder
{
    private readonly ByteBuffer _values;
    private readonly ValidityBuilder _validity = new();
    private readonly int _width;

    public FixedSizeBinaryArrayBuilder(int byteWidth, int capacity = 0)
    {
        Type = new FixedSizeBinaryType(byteWidth);
        _width = byteWidth;
        _values = new ByteBuffer(capacity * byteWidth);
    }

    public ArrowType Type { get; }
    public int Length => _validity.Length;

    public void Append(ReadOnlySpan<byte> value)
    {
        if (value.Length != _width) throw new ArgumentException($"value has {value.Length} bytes, the type needs {_width}");
        _values.Append(value);
        _validity.AppendValid();
    }

    public void AppendNull()
    {
        _values.Reserve(_width);
        _validity.AppendNull();
    }

    public void AppendObject(object? value)
    {
        if (value is null) AppendNull();
        else if (value is byte[] b) Append(b);
        else throw new ArgumentException($"cannot store a {value.GetType().Name} in a {Type} array");
    }

    public FixedSizeBinaryArray Build()
    {
        int length = Length;
        var (bits, nulls) = _validity.Build();
        return new FixedSizeBinaryArray(new ArrayData(Type, length, nulls, 0, [bits, _values.Detach()]));
    }

    ArrowArray IArrayBuilder.Build() => Build();
}
