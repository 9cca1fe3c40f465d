// Builds a validity bitmap lazily: nothing is allocated until the first NULL, so columns without
// NULLs get an empty validity buffer (Arrow's "all valid").
using Wasql.Arrow.Memory;

namespace Wasql.Arrow.Builders;

internal sealed class ValidityBuilder
{
    private byte[]? _bits;
    private int _length;
    private int _nullCount;

    public int Length => _length;
    public int NullCount => _nullCount;

    public void AppendValid()
    {
        if (_bits is not null)
        {
            Ensure(_length + 1);
            BitUtil.SetBit(_bits, _length);
        }
        _length++;
    }

    public void AppendValid(int count)
    {
        if (_bits is not null)
        {
            Ensure(_length + count);
            SetRange(_bits, _length, count);
        }
        _length += count;
    }

    public void AppendNull()
    {
        if (_bits is null)
        {
            _bits = new byte[Math.Max(BitUtil.BytesForBits(_length + 1) * 2, 8)];
            SetRange(_bits, 0, _length);
        }
        Ensure(_length + 1);
        _length++;
        _nullCount++;
    }

    public void Append(bool valid)
    {
        if (valid) AppendValid();
        else AppendNull();
    }

    public (ReadOnlyMemory<byte> Bits, int NullCount) Build()
    {
        var result = _bits is null ? (default(ReadOnlyMemory<byte>), 0) : (_bits.AsMemory(0, BitUtil.BytesForBits(_length)), _nullCount);
        _bits = null;
        _length = 0;
        _nullCount = 0;
        return result;
    }

    private void Ensure(int bits)
    {
        int bytes = BitUtil.BytesForBits(bits);
        if (bytes > _bits!.Length) Array.Resize(ref _bits, Math.Max(bytes, _bits.Length * 2));
    }

    private static void SetRange(byte[] bits, int start, int count)
    {
        int i = start, end = start + count;
        while (i < end && (i & 7) != 0) BitUtil.SetBit(bits, i++);
        int whole = (end - i) >> 3;
        bits.AsSpan(i >> 3, whole).Fill(0xFF);
        i += whole << 3;
        while (i < end) BitUtil.SetBit(bits, i++);
    }
}
