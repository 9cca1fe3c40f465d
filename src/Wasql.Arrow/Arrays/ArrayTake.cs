// Gathers elements of an array by index into a new array of the same type (any supported layout,
// nested included); index -1 yields NULL. Used to decode dictionary-encoded IPC columns.
// Callers guarantee indices are within [0, source.Length) or -1. The output size is charged to a
// budget (elements plus bytes) so a small input cannot decode into an unbounded allocation.
using System.Runtime.InteropServices;
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

internal static class ArrayTake
{
    public static ArrayData Take(ArrayData source, ReadOnlySpan<int> indices, ref long budget)
    {
        int n = indices.Length;
        Charge(ref budget, n);
        var srcValidity = source.Validity.Span;
        bool srcHasNulls = source.Type.Id != ArrowTypeId.Null && source.NullCount > 0;
        byte[]? validity = null;
        int nulls = 0;
        for (int i = 0; i < n; i++)
        {
            int k = indices[i];
            if (k < 0 || (srcHasNulls && !BitUtil.GetBit(srcValidity, source.Offset + k)))
            {
                if (validity is null)
                {
                    validity = new byte[BitUtil.BytesForBits(n)];
                    for (int j = 0; j < i; j++) BitUtil.SetBit(validity, j);
                }
                nulls++;
            }
            else if (validity is not null) BitUtil.SetBit(validity, i);
        }
        ReadOnlyMemory<byte> bits = validity;
        var type = source.Type;

        switch (type.Id)
        {
            case ArrowTypeId.Null:
                return new ArrayData(type, n, n, 0, []);
            case ArrowTypeId.Boolean:
            {
                var src = source.Buffers[1].Span;
                var dst = new byte[BitUtil.BytesForBits(n)];
                for (int i = 0; i < n; i++)
                    if (indices[i] >= 0 && BitUtil.GetBit(src, source.Offset + indices[i])) BitUtil.SetBit(dst, i);
                return new ArrayData(type, n, nulls, 0, [bits, dst]);
            }
            case ArrowTypeId.Utf8 or ArrowTypeId.Binary or ArrowTypeId.LargeUtf8 or ArrowTypeId.LargeBinary:
                return TakeBinary(source, indices, bits, nulls, ref budget);
            case ArrowTypeId.List or ArrowTypeId.LargeList or ArrowTypeId.Map:
                return TakeList(source, indices, bits, nulls, ref budget);
            case ArrowTypeId.FixedSizeList:
            {
                int size = ((FixedSizeListType)type).ListSize;
                Charge(ref budget, (long)n * size);
                var childIdx = new int[n * size];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < size; j++)
                        childIdx[i * size + j] = indices[i] < 0 ? -1 : (source.Offset + indices[i]) * size + j;
                return new ArrayData(type, n, nulls, 0, [bits], [Take(source.Children[0], childIdx, ref budget)]);
            }
            case ArrowTypeId.Struct:
            {
                var childIdx = new int[n];
                for (int i = 0; i < n; i++) childIdx[i] = indices[i] < 0 ? -1 : source.Offset + indices[i];
                var children = new ArrayData[source.Children.Length];
                for (int k = 0; k < children.Length; k++) children[k] = Take(source.Children[k], childIdx, ref budget);
                return new ArrayData(type, n, nulls, 0, [bits], children);
            }
            default:
            {
                int width = type.BitWidth / 8;
                Charge(ref budget, (long)n * width);
                var src = source.Buffers[1].Span;
                var dst = new byte[n * width];
                for (int i = 0; i < n; i++)
                    if (indices[i] >= 0)
                        src.Slice((source.Offset + indices[i]) * width, width).CopyTo(dst.AsSpan(i * width));
                return new ArrayData(type, n, nulls, 0, [bits, dst]);
            }
        }
    }

    private static long OffsetAt(ArrayData a, int i, bool large) => large
        ? MemoryMarshal.Cast<byte, long>(a.Buffers[1].Span)[i]
        : MemoryMarshal.Cast<byte, int>(a.Buffers[1].Span)[i];

    private static bool IsLarge(ArrowType t) => t.Id is ArrowTypeId.LargeBinary or ArrowTypeId.LargeUtf8 or ArrowTypeId.LargeList;

    private static ReadOnlyMemory<byte> NewOffsets(ReadOnlySpan<long> ends, bool large)
    {
        if (large) return MemoryMarshal.AsBytes(ends).ToArray();
        var o = new int[ends.Length];
        for (int i = 0; i < o.Length; i++) o[i] = checked((int)ends[i]);
        return MemoryMarshal.AsBytes(o.AsSpan()).ToArray();
    }

    private static void Charge(ref long budget, long amount)
    {
        budget -= amount;
        if (budget < 0)
            throw new ArrowFormatException("a dictionary-encoded column decodes to more than ArrowReadOptions.MaxDictionaryDecodedSize values and bytes");
    }

    private static ArrayData TakeBinary(ArrayData source, ReadOnlySpan<int> indices, ReadOnlyMemory<byte> bits, int nulls, ref long budget)
    {
        bool large = IsLarge(source.Type);
        var ends = new long[indices.Length + 1];
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            long len = k < 0 ? 0 : OffsetAt(source, source.Offset + k + 1, large) - OffsetAt(source, source.Offset + k, large);
            ends[i + 1] = ends[i] + len;
        }
        Charge(ref budget, ends[^1]);
        var data = new byte[ends[^1]];
        var src = source.Buffers[2].Span;
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            if (k < 0) continue;
            int start = (int)OffsetAt(source, source.Offset + k, large);
            src.Slice(start, (int)(ends[i + 1] - ends[i])).CopyTo(data.AsSpan((int)ends[i]));
        }
        return new ArrayData(source.Type, indices.Length, nulls, 0, [bits, NewOffsets(ends, large), data]);
    }

    private static ArrayData TakeList(ArrayData source, ReadOnlySpan<int> indices, ReadOnlyMemory<byte> bits, int nulls, ref long budget)
    {
        bool large = IsLarge(source.Type);
        var ends = new long[indices.Length + 1];
        var childIdx = new List<int>();
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            if (k >= 0)
            {
                long start = OffsetAt(source, source.Offset + k, large), end = OffsetAt(source, source.Offset + k + 1, large);
                Charge(ref budget, end - start);
                for (long c = start; c < end; c++) childIdx.Add((int)c);
                ends[i + 1] = ends[i] + (end - start);
            }
            else ends[i + 1] = ends[i];
        }
        var child = Take(source.Children[0], CollectionsMarshal.AsSpan(childIdx), ref budget);
        return new ArrayData(source.Type, indices.Length, nulls, 0, [bits, NewOffsets(ends, large)], [child]);
    }
}
