// Bit-level helpers for validity bitmaps and boolean data: LSB-first bit order, as Arrow defines it.
// Counting and copying work on arbitrary bit offsets so slices never need materialising to be read.
using System.Numerics;
using System.Runtime.InteropServices;

namespace Wasql.Arrow.Memory;

public static class BitUtil
{
    public static int BytesForBits(long bits) => checked((int)((bits + 7) >> 3));

    public static bool GetBit(ReadOnlySpan<byte> bits, int index) => (bits[index >> 3] & (1 << (index & 7))) != 0;

    public static void SetBit(Span<byte> bits, int index) => bits[index >> 3] |= (byte)(1 << (index & 7));

    public static void ClearBit(Span<byte> bits, int index) => bits[index >> 3] &= (byte)~(1 << (index & 7));

    /// <summary>Number of set bits in [offset, offset + length).</summary>
    public static int CountSetBits(ReadOnlySpan<byte> bits, int offset, int length)
    {
        int count = 0, i = offset, end = offset + length;
        while (i < end && (i & 7) != 0) { if (GetBit(bits, i)) count++; i++; }
        int wholeBytes = (end - i) >> 3;
        var bytes = bits.Slice(i >> 3, wholeBytes);
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong w in words) count += BitOperations.PopCount(w);
        for (int b = words.Length * 8; b < bytes.Length; b++) count += BitOperations.PopCount((uint)bytes[b]);
        i += wholeBytes << 3;
        while (i < end) { if (GetBit(bits, i)) count++; i++; }
        return count;
    }

    /// <summary>Copies <paramref name="length"/> bits starting at bit <paramref name="srcOffset"/> to the
    /// start of <paramref name="dst"/> (bit 0), which must hold BytesForBits(length) bytes.</summary>
    public static void CopyBits(ReadOnlySpan<byte> src, int srcOffset, Span<byte> dst, int length)
    {
        int nBytes = BytesForBits(length);
        int shift = srcOffset & 7, first = srcOffset >> 3;
        if (shift == 0)
        {
            src.Slice(first, nBytes).CopyTo(dst);
        }
        else
        {
            int srcBytes = BytesForBits(srcOffset + length) - first;
            for (int k = 0; k < nBytes; k++)
            {
                int lo = src[first + k] >> shift;
                int hi = first + k + 1 < first + srcBytes ? src[first + k + 1] << (8 - shift) : 0;
                dst[k] = (byte)(lo | hi);
            }
        }
        int tail = length & 7;
        if (tail != 0) dst[nBytes - 1] &= (byte)((1 << tail) - 1);
    }
}
