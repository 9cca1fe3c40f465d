// A growable byte buffer that builders append to; Detach hands the bytes over (no copy) to the array
// being built and starts a fresh buffer, so built arrays never share memory with a later build.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Wasql.Arrow.Builders;

internal sealed class ByteBuffer
{
    private byte[] _buf;
    private int _length;

    public ByteBuffer(int capacity = 0) => _buf = capacity > 0 ? new byte[capacity] : [];

    public int Length => _length;
    public Span<byte> Written => _buf.AsSpan(0, _length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append<T>(T value) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if (_length + size > _buf.Length) Grow(size);
        Unsafe.WriteUnaligned(ref _buf[_length], value);
        _length += size;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buf.Length - _length) Grow(bytes.Length);
        bytes.CopyTo(_buf.AsSpan(_length));
        _length += bytes.Length;
    }

    public void AppendValues<T>(ReadOnlySpan<T> values) where T : unmanaged => Append(MemoryMarshal.AsBytes(values));

    /// <summary>Appends <paramref name="count"/> zero bytes and returns them for writing.</summary>
    public Span<byte> Reserve(int count)
    {
        if (count > _buf.Length - _length) Grow(count);
        var span = _buf.AsSpan(_length, count);
        span.Clear();
        _length += count;
        return span;
    }

    /// <summary>Gives back the unused tail of the last Reserve.</summary>
    public void Truncate(int length)
    {
        if ((uint)length > (uint)_length) throw new ArgumentOutOfRangeException(nameof(length));
        _length = length;
    }

    public ReadOnlyMemory<byte> Detach()
    {
        var result = _buf.AsMemory(0, _length);
        _buf = [];
        _length = 0;
        return result;
    }

    private void Grow(int extra)
    {
        long needed = (long)_length + extra;
        if (needed > Array.MaxLength) throw new InvalidOperationException($"an Arrow buffer cannot exceed {Array.MaxLength} bytes");
        long size = Math.Max(Math.Max(needed, (long)_buf.Length * 2), 64);
        Array.Resize(ref _buf, (int)Math.Min(size, Array.MaxLength));
    }
}
