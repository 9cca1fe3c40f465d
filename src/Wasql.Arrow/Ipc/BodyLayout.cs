// Flattens a record batch into IPC field nodes and body buffers (pre-order, Arrow's buffer order).
// Unsliced buffers are referenced as they are (copied later in one block each); slices are
// normalised: fixed-width buffers are sub-ranged, bitmaps at odd bit offsets are shifted, offsets
// not starting at 0 are rebased, and children are cut to the range actually referenced.
using System.Runtime.InteropServices;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

internal sealed class BodyLayout
{
    public readonly List<(long Length, long NullCount)> Nodes = new();
    public readonly List<ReadOnlyMemory<byte>> Buffers = new();

    public long BodyLength { get; private set; }

    public void Clear()
    {
        Nodes.Clear();
        Buffers.Clear();
        BodyLength = 0;
    }

    public void AddBatch(RecordBatch batch)
    {
        Clear();
        foreach (var column in batch.Columns) AddArray(column.Data);
        long length = 0;
        foreach (var b in CollectionsMarshal.AsSpan(Buffers)) length += IpcFormat.Align8(b.Length);
        BodyLength = length;
    }

    /// <summary>Copies the body (each buffer padded to 8 bytes with zeros) into <paramref name="dest"/>.</summary>
    public void WriteBody(Span<byte> dest)
    {
        int pos = 0;
        foreach (var b in CollectionsMarshal.AsSpan(Buffers))
        {
            b.Span.CopyTo(dest[pos..]);
            int padded = (int)IpcFormat.Align8(b.Length);
            dest.Slice(pos + b.Length, padded - b.Length).Clear();
            pos += padded;
        }
    }

    public void WriteBody(Stream stream)
    {
        Span<byte> zeros = stackalloc byte[8];
        zeros.Clear();
        foreach (var b in Buffers)
        {
            stream.Write(b.Span);
            stream.Write(zeros[..(int)(IpcFormat.Align8(b.Length) - b.Length)]);
        }
    }

    private void AddArray(ArrayData a)
    {
        Nodes.Add((a.Length, a.NullCount));
        var type = a.Type;
        switch (type.Id)
        {
            case ArrowTypeId.Null:
                return;
            case ArrowTypeId.Boolean:
                Buffers.Add(Validity(a));
                Buffers.Add(Bits(a.Buffers[1], a.Offset, a.Length));
                return;
            case ArrowTypeId.Utf8 or ArrowTypeId.Binary or ArrowTypeId.LargeUtf8 or ArrowTypeId.LargeBinary:
            {
                Buffers.Add(Validity(a));
                var (offsets, first, last) = Offsets(a, type.Id is ArrowTypeId.LargeUtf8 or ArrowTypeId.LargeBinary);
                Buffers.Add(offsets);
                Buffers.Add(a.Buffers[2].Slice(first, last - first));
                return;
            }
            case ArrowTypeId.List or ArrowTypeId.LargeList or ArrowTypeId.Map:
            {
                Buffers.Add(Validity(a));
                var (offsets, first, last) = Offsets(a, type.Id == ArrowTypeId.LargeList);
                Buffers.Add(offsets);
                var child = a.Children[0];
                AddArray(first == 0 && last == child.Length ? child : child.Slice(first, last - first));
                return;
            }
            case ArrowTypeId.FixedSizeList:
            {
                Buffers.Add(Validity(a));
                int size = ((FixedSizeListType)type).ListSize;
                var child = a.Children[0];
                AddArray(a.Offset == 0 && child.Length == a.Length * size ? child : child.Slice(a.Offset * size, a.Length * size));
                return;
            }
            case ArrowTypeId.Struct:
                Buffers.Add(Validity(a));
                foreach (var child in a.Children)
                    AddArray(a.Offset == 0 && child.Length == a.Length ? child : child.Slice(a.Offset, a.Length));
                return;
            default:
            {
                Buffers.Add(Validity(a));
                int width = type.BitWidth / 8;
                Buffers.Add(a.Buffers[1].Slice(a.Offset * width, a.Length * width));
                return;
            }
        }
    }

    private static ReadOnlyMemory<byte> Validity(ArrayData a) =>
        a.NullCount == 0 ? default : Bits(a.Validity, a.Offset, a.Length);

    private static ReadOnlyMemory<byte> Bits(ReadOnlyMemory<byte> bits, int offset, int length)
    {
        int bytes = BitUtil.BytesForBits(length);
        if ((offset & 7) == 0) return bits.Slice(offset >> 3, bytes);
        var shifted = new byte[bytes];
        BitUtil.CopyBits(bits.Span, offset, shifted, length);
        return shifted;
    }

    /// <summary>Offsets for [Offset, Offset+Length] rebased to start at 0, and the referenced range.</summary>
    private static (ReadOnlyMemory<byte> Offsets, int First, int Last) Offsets(ArrayData a, bool large)
    {
        int width = large ? 8 : 4;
        var raw = a.Buffers[1].Slice(a.Offset * width, (a.Length + 1) * width);
        if (large)
        {
            var o = MemoryMarshal.Cast<byte, long>(raw.Span);
            long first = o[0];
            if (first == 0) return (raw, 0, (int)o[^1]);
            var rebased = new long[o.Length];
            for (int i = 0; i < o.Length; i++) rebased[i] = o[i] - first;
            return (MemoryMarshal.AsBytes(rebased.AsSpan()).ToArray(), (int)first, (int)o[^1]);
        }
        else
        {
            var o = MemoryMarshal.Cast<byte, int>(raw.Span);
            int first = o[0];
            if (first == 0) return (raw, 0, o[^1]);
            var rebased = new int[o.Length];
            for (int i = 0; i < o.Length; i++) rebased[i] = o[i] - first;
            return (MemoryMarshal.AsBytes(rebased.AsSpan()).ToArray(), first, o[^1]);
        }
    }
}
