// A bounds-checked flatbuffers reader over a span: tables, vectors, strings and scalars, with every
// offset checked before use. Malformed input raises ArrowFormatException naming the table/field and
// the absolute byte position (buffer base + offset). No allocation except for strings read.
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Wasql.Arrow.FlatBuffers;

internal readonly ref struct FlatBufferReader
{
    private readonly ReadOnlySpan<byte> _buf;
    private readonly long _base;

    /// <param name="basePosition">Absolute position of <paramref name="buffer"/> in the input, for messages.</param>
    public FlatBufferReader(ReadOnlySpan<byte> buffer, long basePosition)
    {
        _buf = buffer;
        _base = basePosition;
    }

    public FbTable Root(string what)
    {
        if (_buf.Length < 8) throw new ArrowFormatException($"{what} flatbuffer is too short ({_buf.Length} bytes)", _base);
        uint off = BinaryPrimitives.ReadUInt32LittleEndian(_buf);
        return FbTable.At(_buf, _base, off, what);
    }
}

internal readonly ref struct FbTable
{
    private readonly ReadOnlySpan<byte> _buf;
    private readonly long _base;
    private readonly int _pos;
    private readonly int _vt;
    private readonly int _vtLen;
    private readonly string _what;

    private FbTable(ReadOnlySpan<byte> buf, long @base, int pos, int vt, int vtLen, string what)
    {
        _buf = buf;
        _base = @base;
        _pos = pos;
        _vt = vt;
        _vtLen = vtLen;
        _what = what;
    }

    public bool Exists => _what is not null;

    internal static FbTable At(ReadOnlySpan<byte> buf, long @base, long pos, string what)
    {
        if (pos < 0 || pos > buf.Length - 4)
            throw new ArrowFormatException($"{what}: table offset {pos} is outside the {buf.Length}-byte flatbuffer", @base + pos);
        int p = (int)pos;
        long vt = p - (long)BinaryPrimitives.ReadInt32LittleEndian(buf[p..]);
        if (vt < 0 || vt > buf.Length - 4)
            throw new ArrowFormatException($"{what}: vtable offset {vt} is outside the {buf.Length}-byte flatbuffer", @base + p);
        int vtLen = BinaryPrimitives.ReadUInt16LittleEndian(buf[(int)vt..]);
        int tableLen = BinaryPrimitives.ReadUInt16LittleEndian(buf[((int)vt + 2)..]);
        if (vtLen < 4 || (vtLen & 1) != 0 || vt + vtLen > buf.Length)
            throw new ArrowFormatException($"{what}: vtable size {vtLen} is invalid", @base + vt);
        if (tableLen < 4 || p + (long)tableLen > buf.Length)
            throw new ArrowFormatException($"{what}: table size {tableLen} runs past the end of the flatbuffer", @base + p);
        return new FbTable(buf, @base, p, (int)vt, vtLen, what);
    }

    /// <summary>Absolute position of field <paramref name="field"/>'s slot, 0 when absent.</summary>
    private int Slot(int field, int size)
    {
        int entry = 4 + 2 * field;
        if (entry + 2 > _vtLen) return 0;
        int off = BinaryPrimitives.ReadUInt16LittleEndian(_buf[(_vt + entry)..]);
        if (off == 0) return 0;
        long p = (long)_pos + off;
        if (p + size > _buf.Length)
            throw new ArrowFormatException($"{_what}: field {field} lies outside the flatbuffer", _base + p);
        return (int)p;
    }

    public bool Has(int field) => Slot(field, 1) != 0;

    public byte GetByte(int field, byte defaultValue = 0)
    {
        int p = Slot(field, 1);
        return p == 0 ? defaultValue : _buf[p];
    }

    public bool GetBool(int field, bool defaultValue = false)
    {
        int p = Slot(field, 1);
        return p == 0 ? defaultValue : _buf[p] != 0;
    }

    public short GetShort(int field, short defaultValue = 0)
    {
        int p = Slot(field, 2);
        return p == 0 ? defaultValue : BinaryPrimitives.ReadInt16LittleEndian(_buf[p..]);
    }

    public int GetInt(int field, int defaultValue = 0)
    {
        int p = Slot(field, 4);
        return p == 0 ? defaultValue : BinaryPrimitives.ReadInt32LittleEndian(_buf[p..]);
    }

    public long GetLong(int field, long defaultValue = 0)
    {
        int p = Slot(field, 8);
        return p == 0 ? defaultValue : BinaryPrimitives.ReadInt64LittleEndian(_buf[p..]);
    }

    /// <summary>The sub-table in field <paramref name="field"/>; check Exists (absent gives a default).</summary>
    public FbTable GetTable(int field, string what)
    {
        int p = Slot(field, 4);
        if (p == 0) return default;
        return At(_buf, _base, p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_buf[p..]), what);
    }

    public string? GetString(int field, string what)
    {
        int p = Slot(field, 4);
        if (p == 0) return null;
        return FbVector.ReadString(_buf, _base, p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_buf[p..]), what);
    }

    public FbVector GetVector(int field, int elementSize, string what)
    {
        int p = Slot(field, 4);
        if (p == 0) return default;
        return FbVector.At(_buf, _base, p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_buf[p..]), elementSize, what);
    }

    public long PositionOf(int field) => _base + Slot(field, 0);
    public long Position => _base + _pos;
}

internal readonly ref struct FbVector
{
    private readonly ReadOnlySpan<byte> _buf;
    private readonly long _base;
    private readonly int _start;
    private readonly int _elementSize;
    private readonly string _what;

    private FbVector(ReadOnlySpan<byte> buf, long @base, int start, int count, int elementSize, string what)
    {
        _buf = buf;
        _base = @base;
        _start = start;
        Count = count;
        _elementSize = elementSize;
        _what = what;
    }

    public int Count { get; }
    public long Position => _base + _start;

    internal static FbVector At(ReadOnlySpan<byte> buf, long @base, long pos, int elementSize, string what)
    {
        if (pos < 0 || pos > buf.Length - 4)
            throw new ArrowFormatException($"{what}: vector offset {pos} is outside the {buf.Length}-byte flatbuffer", @base + pos);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(buf[(int)pos..]);
        long start = pos + 4;
        if (count * (long)elementSize > buf.Length - start)
            throw new ArrowFormatException($"{what}: vector of {count} elements runs past the end of the flatbuffer", @base + pos);
        return new FbVector(buf, @base, (int)start, (int)count, elementSize, what);
    }

    internal static string ReadString(ReadOnlySpan<byte> buf, long @base, long pos, string what)
    {
        var v = At(buf, @base, pos, 1, what);
        var bytes = buf.Slice(v._start, v.Count);
        if (!Utf8.IsValid(bytes)) throw new ArrowFormatException($"{what}: string is not valid UTF-8", @base + v._start);
        return Encoding.UTF8.GetString(bytes);
    }

    private int Element(int index, int offset, int size)
    {
        if ((uint)index >= (uint)Count || offset + size > _elementSize)
            throw new ArgumentOutOfRangeException(nameof(index));
        return _start + index * _elementSize + offset;
    }

    public FbTable GetTable(int index, string what)
    {
        int p = Element(index, 0, 4);
        return FbTable.At(_buf, _base, p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_buf[p..]), what);
    }

    public string GetString(int index, string what)
    {
        int p = Element(index, 0, 4);
        return ReadString(_buf, _base, p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_buf[p..]), what);
    }

    public long GetLong(int index, int offset = 0) => BinaryPrimitives.ReadInt64LittleEndian(_buf[Element(index, offset, 8)..]);
    public int GetInt(int index, int offset = 0) => BinaryPrimitives.ReadInt32LittleEndian(_buf[Element(index, offset, 4)..]);
}
