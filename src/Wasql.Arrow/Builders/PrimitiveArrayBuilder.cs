// Builds fixed-width arrays (integers, floats, temporal, decimal, intervals). Spans are appended with
// one memcpy; NULL slots are written as zero (the arrow-udf ABI expects that).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class PrimitiveArrayBuilder<T> : IArrayBuilder where T : unmanaged
{
    private readonly ByteBuffer _values;
    private readonly ValidityBuilder _validity = new();

    public PrimitiveArrayBuilder(ArrowType type, int capacity = 0)
    {
        if (type.BitWidth != Unsafe.SizeOf<T>() * 8 || type.Id == ArrowTypeId.Boolean)
            throw new ArgumentException($"type {type} is not stored as {typeof(T).Name}");
        Type = type;
        _values = new ByteBuffer(capacity * Unsafe.SizeOf<T>());
    }

    public ArrowType Type { get; }
    public int Length => _validity.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(T value)
    {
        _values.Append(value);
        _validity.AppendValid();
    }

    public void Append(T? value)
    {
        if (value.HasValue) Append(value.GetValueOrDefault());
        else AppendNull();
    }

    public void AppendNull()
    {
        _values.Append(default(T));
        _validity.AppendNull();
    }

    /// <summary>Appends non-NULL values with one copy.</summary>
    public void AppendRange(ReadOnlySpan<T> values)
    {
        _values.AppendValues(values);
        _validity.AppendValid(values.Length);
    }

    /// <summary>Appends values where <paramref name="isValid"/>[i] is false marks a NULL (stored as zero).</summary>
    public void AppendRange(ReadOnlySpan<T> values, ReadOnlySpan<bool> isValid)
    {
        if (values.Length != isValid.Length) throw new ArgumentException("values and validity must have the same length");
        int start = _values.Length;
        _values.AppendValues(values);
        var stored = MemoryMarshal.Cast<byte, T>(_values.Written[start..]);
        for (int i = 0; i < isValid.Length; i++)
        {
            if (isValid[i]) _validity.AppendValid();
            else
            {
                stored[i] = default;
                _validity.AppendNull();
            }
        }
    }

    public void AppendObject(object? value)
    {
        if (value is null) AppendNull();
        else Append(ValueConverter.To<T>(value, Type));
    }

    public PrimitiveArray<T> Build()
    {
        var (bits, nulls) = _validity.Build();
        var data = new ArrayData(Type, _values.Length / Unsafe.SizeOf<T>(), nulls, 0, [bits, _values.Detach()]);
        return (PrimitiveArray<T>)ArrowArray.Create(data);
    }

    ArrowArray IArrayBuilder.Build() => Build();
}
