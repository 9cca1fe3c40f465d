// Variable-length binary values (Binary: 32-bit offsets, LargeBinary: 64-bit offsets): buffers are
// validity, offsets (Length + 1 entries from Offset) and data. Values are returned as spans, no copy.
// Invariant: offsets are non-decreasing and within the data buffer (checked on load and by builders).
using System.Runtime.InteropServices;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public class BinaryArray : ArrowArray
{
    private readonly bool _large;

    public BinaryArray(ArrayData data) : base(data)
    {
        _large = data.Type.Id is ArrowTypeId.LargeBinary or ArrowTypeId.LargeUtf8;
        if (!_large && data.Type.Id is not (ArrowTypeId.Binary or ArrowTypeId.Utf8))
            throw new ArgumentException($"type {data.Type} is not a variable-length binary type");
    }

    public bool IsLarge => _large;

    /// <summary>32-bit offsets (Length + 1 of them, slice applied); only for Binary/Utf8.</summary>
    public ReadOnlySpan<int> ValueOffsets =>
        _large ? throw new InvalidOperationException("64-bit offsets: use LargeValueOffsets")
               : MemoryMarshal.Cast<byte, int>(Data.Buffers[1].Span).Slice(Data.Offset, Data.Length + 1);

    /// <summary>64-bit offsets (Length + 1 of them, slice applied); only for LargeBinary/LargeUtf8.</summary>
    public ReadOnlySpan<long> LargeValueOffsets =>
        _large ? MemoryMarshal.Cast<byte, long>(Data.Buffers[1].Span).Slice(Data.Offset, Data.Length + 1)
               : throw new InvalidOperationException("32-bit offsets: use ValueOffsets");

    /// <summary>The whole data buffer; offsets index into it.</summary>
    public ReadOnlySpan<byte> ValueData => Data.Buffers[2].Span;

    public int GetValueOffset(int index)
    {
        CheckIndex(index);
        return _large ? (int)MemoryMarshal.Cast<byte, long>(Data.Buffers[1].Span)[Data.Offset + index]
                      : MemoryMarshal.Cast<byte, int>(Data.Buffers[1].Span)[Data.Offset + index];
    }

    public int GetValueLength(int index) => GetBytes(index).Length;

    /// <summary>The bytes of value <paramref name="index"/> (empty for NULL).</summary>
    public ReadOnlySpan<byte> GetBytes(int index)
    {
        CheckIndex(index);
        int i = Data.Offset + index;
        int start, end;
        if (_large)
        {
            var o = MemoryMarshal.Cast<byte, long>(Data.Buffers[1].Span);
            start = (int)o[i];
            end = (int)o[i + 1];
        }
        else
        {
            var o = MemoryMarshal.Cast<byte, int>(Data.Buffers[1].Span);
            start = o[i];
            end = o[i + 1];
        }
        return Data.Buffers[2].Span.Slice(start, end - start);
    }

    /// <summary>The bytes of value <paramref name="index"/>, or null for NULL.</summary>
    public byte[]? GetBytesOrNull(int index) => IsValid(index) ? GetBytes(index).ToArray() : null;

    public override object? GetObject(int index) => GetBytesOrNull(index);
}
