// Builds Binary / LargeBinary arrays: values are copied into one data buffer and an offsets buffer
// (32- or 64-bit) is extended per value, so appending never allocates per value.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public class BinaryArrayBuilder : IArrayBuilder
{
    private readonly bool _large;
    private protected readonly ByteBuffer DataBuffer;
    private ByteBuffer _offsets;
    private readonly ValidityBuilder _validity = new();

    public BinaryArrayBuilder(bool large = false, int capacity = 0, int dataCapacity = 0)
        : this(large ? ArrowType.LargeBinary : ArrowType.Binary, capacity, dataCapacity) { }

    private protected BinaryArrayBuilder(ArrowType type, int capacity, int dataCapacity)
    {
        Type = type;
        _large = type.Id is ArrowTypeId.LargeBinary or ArrowTypeId.LargeUtf8;
        DataBuffer = new ByteBuffer(dataCapacity);
        _offsets = NewOffsets(capacity);
    }

    public ArrowType Type { get; }
    public int Length => _validity.Length;

    /// <summary>Bytes of value data appended so far.</summary>
    public int DataLength => DataBuffer.Length;

    public void Append(ReadOnlySpan<byte> value)
    {
        DataBuffer.Append(value);
        EndValue();
        _validity.AppendValid();
    }

    public void AppendNull()
    {
        EndValue();
        _validity.AppendNull();
    }

    public virtual void AppendObject(object? value)
    {
        switch (value)
        {
            case null: AppendNull(); break;
            case byte[] bytes: Append(bytes); break;
            case ReadOnlyMemory<byte> mem: Append(mem.Span); break;
            case string s: Append(System.Text.Encoding.UTF8.GetBytes(s)); break;
            default: throw new ArgumentException($"cannot store a {value.GetType().Name} in a {Type} array");
        }
    }

    /// <summary>Records the end of the value just written to DataBuffer.</summary>
    private protected void EndValue()
    {
        if (_large) _offsets.Append((long)DataBuffer.Length);
        else _offsets.Append(DataBuffer.Length);
    }

    private protected ArrayData BuildData()
    {
        var (bits, nulls) = _validity.Build();
        int length = _offsets.Length / (_large ? 8 : 4) - 1;
        var data = new ArrayData(Type, length, nulls, 0, [bits, _offsets.Detach(), DataBuffer.Detach()]);
        _offsets = NewOffsets(0);
        return data;
    }

    private protected void MarkValid() => _validity.AppendValid();

    public virtual BinaryArray Build() => new(BuildData());

    ArrowArray IArrayBuilder.Build() => Build();

    private ByteBuffer NewOffsets(int capacity)
    {
        int width = _large ? 8 : 4;
        var b = new ByteBuffer((capacity + 1) * width);
        if (_large) b.Append(0L);
        else b.Append(0);
        return b;
    }
}
