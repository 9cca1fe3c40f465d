// Fixed-width arrays viewed as ReadOnlySpan<T> over the values buffer (zero-copy, unaligned-safe).
// Values(...) includes NULL slots (their content is unspecified, 0 when written by Wasql).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public class PrimitiveArray<T> : ArrowArray where T : unmanaged
{
    public PrimitiveArray(ArrayData data) : base(data)
    {
        if (data.Type.BitWidth != Unsafe.SizeOf<T>() * 8)
            throw new ArgumentException($"type {data.Type} does not hold {typeof(T).Name} values");
    }

    /// <summary>The Length values of this array (slice offset applied).</summary>
    public ReadOnlySpan<T> Values => MemoryMarshal.Cast<byte, T>(Data.Buffers[1].Span).Slice(Data.Offset, Data.Length);

    /// <summary>The raw value at index (whatever is stored in a NULL slot).</summary>
    public T Value(int index)
    {
        CheckIndex(index);
        return MemoryMarshal.Cast<byte, T>(Data.Buffers[1].Span)[Data.Offset + index];
    }

    public T? GetValue(int index) => IsValid(index) ? Value(index) : null;

    public override object? GetObject(int index) => IsValid(index) ? Value(index) : null;

    /// <summary>Builds array data of <paramref name="type"/> from values with one copy; no validity.</summary>
    protected static ArrayData FromValues(ArrowType type, ReadOnlySpan<T> values)
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        return new ArrayData(type, values.Length, 0, 0, [default, bytes]);
    }

    /// <summary>Wraps an existing little-endian values buffer without copying; no validity.</summary>
    protected static ArrayData WrapValues(ArrowType type, ReadOnlyMemory<byte> values, int length)
    {
        if ((long)length * Unsafe.SizeOf<T>() > values.Length)
            throw new ArgumentException($"buffer of {values.Length} bytes is too small for {length} values of {type}");
        return new ArrayData(type, length, 0, 0, [default, values]);
    }
}
