// A minimal flatbuffers builder (back to front, as the format is designed): scalars, strings,
// vectors of offsets or structs, tables with vtables, and a finished root. Reusable via Clear().
// Invariant: offsets are counted from the end of the buffer, so growing never invalidates them.
using System.Buffers.Binary;
using System.Text;

namespace Wasql.Arrow.FlatBuffers;

internal sealed class FlatBufferBuilder
{
    private byte[] _buf;
    private int _space;
    private int _minAlign = 1;
    private int[] _vtable = new int[16];
    private int _numFields;
    private int _objectStart;

    public FlatBufferBuilder(int initialSize = 512)
    {
        _buf = new byte[initialSize];
        _space = initialSize;
    }

    public int Offset => _buf.Length - _space;

    public void Clear()
    {
        _space = _buf.Length;
        _minAlign = 1;
    }

    /// <summary>The bytes written so far (and alignment), to resume from later with <see cref="Restore"/>;
    /// offsets taken before the snapshot stay valid after a restore because they count from the end.</summary>
    public (byte[] Tail, int MinAlign) Snapshot() => (_buf.AsSpan(_space).ToArray(), _minAlign);

    public void Restore((byte[] Tail, int MinAlign) snapshot)
    {
        Clear();
        Ensure(snapshot.Tail.Length);
        _space = _buf.Length - snapshot.Tail.Length;
        snapshot.Tail.CopyTo(_buf.AsSpan(_space));
        _minAlign = snapshot.MinAlign;
    }

    public void Prep(int size, int additionalBytes)
    {
        if (size > _minAlign) _minAlign = size;
        int alignSize = (~(_buf.Length - _space + additionalBytes) + 1) & (size - 1);
        Ensure(alignSize + size + additionalBytes);
        for (int i = 0; i < alignSize; i++) _buf[--_space] = 0;
    }

    public void PutByte(byte v)
    {
        Ensure(1);
        _buf[--_space] = v;
    }

    public void PutShort(short v)
    {
        Ensure(2);
        _space -= 2;
        BinaryPrimitives.WriteInt16LittleEndian(_buf.AsSpan(_space), v);
    }

    public void PutInt(int v)
    {
        Ensure(4);
        _space -= 4;
        BinaryPrimitives.WriteInt32LittleEndian(_buf.AsSpan(_space), v);
    }

    public void PutLong(long v)
    {
        Ensure(8);
        _space -= 8;
        BinaryPrimitives.WriteInt64LittleEndian(_buf.AsSpan(_space), v);
    }

    public int CreateString(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        Prep(4, n + 1);
        PutByte(0);
        Ensure(n);
        _space -= n;
        Encoding.UTF8.GetBytes(s, _buf.AsSpan(_space, n));
        PutInt(n);
        return Offset;
    }

    public void StartVector(int elementSize, int count, int alignment)
    {
        Prep(4, elementSize * count);
        Prep(alignment, elementSize * count);
    }

    public int EndVector(int count)
    {
        PutInt(count);
        return Offset;
    }

    /// <summary>A vector of offsets (to tables or strings), in the given order.</summary>
    public int CreateOffsetVector(ReadOnlySpan<int> offsets)
    {
        StartVector(4, offsets.Length, 4);
        for (int i = offsets.Length - 1; i >= 0; i--) PutOffset(offsets[i]);
        return EndVector(offsets.Length);
    }

    public void StartTable(int numFields)
    {
        if (_vtable.Length < numFields) _vtable = new int[numFields];
        Array.Clear(_vtable, 0, numFields);
        _numFields = numFields;
        _objectStart = Offset;
    }

    public void AddBool(int slot, bool value, bool defaultValue)
    {
        if (value == defaultValue) return;
        Prep(1, 0);
        PutByte(value ? (byte)1 : (byte)0);
        _vtable[slot] = Offset;
    }

    public void AddByte(int slot, byte value, byte defaultValue)
    {
        if (value == defaultValue) return;
        Prep(1, 0);
        PutByte(value);
        _vtable[slot] = Offset;
    }

    public void AddShort(int slot, short value, short defaultValue)
    {
        if (value == defaultValue) return;
        Prep(2, 0);
        PutShort(value);
        _vtable[slot] = Offset;
    }

    public void AddInt(int slot, int value, int defaultValue)
    {
        if (value == defaultValue) return;
        Prep(4, 0);
        PutInt(value);
        _vtable[slot] = Offset;
    }

    public void AddLong(int slot, long value, long defaultValue)
    {
        if (value == defaultValue) return;
        Prep(8, 0);
        PutLong(value);
        _vtable[slot] = Offset;
    }

    /// <summary>Adds an offset field; 0 means "absent".</summary>
    public void AddOffset(int slot, int offset)
    {
        if (offset == 0) return;
        PutOffset(offset);
        _vtable[slot] = Offset;
    }

    public int EndTable()
    {
        Prep(4, 0);
        PutInt(0);
        int objectOffset = Offset;
        int n = _numFields;
        while (n > 0 && _vtable[n - 1] == 0) n--;
        for (int i = n - 1; i >= 0; i--)
            PutShort((short)(_vtable[i] != 0 ? objectOffset - _vtable[i] : 0));
        PutShort((short)(objectOffset - _objectStart));
        PutShort((short)((n + 2) * 2));
        int vtableOffset = Offset;
        BinaryPrimitives.WriteInt32LittleEndian(_buf.AsSpan(_buf.Length - objectOffset), vtableOffset - objectOffset);
        return objectOffset;
    }

    /// <summary>Writes the root offset and returns the finished flatbuffer (valid until the next Clear).</summary>
    public ReadOnlySpan<byte> Finish(int rootTable)
    {
        Prep(_minAlign, 4);
        PutOffset(rootTable);
        return _buf.AsSpan(_space);
    }

    private void PutOffset(int offset)
    {
        Prep(4, 0);
        PutInt(Offset - offset + 4);
    }

    private void Ensure(int bytes)
    {
        if (_space >= bytes) return;
        int used = _buf.Length - _space;
        int size = Math.Max(_buf.Length * 2, used + bytes + 64);
        var next = new byte[size];
        _buf.AsSpan(_space).CopyTo(next.AsSpan(size - used));
        _buf = next;
        _space = size - used;
    }
}
