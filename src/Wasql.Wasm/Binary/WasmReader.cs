// A forward-only reader over module bytes (in the style of Utf8JsonReader): no allocation per item,
// every error is a MalformedModuleException carrying the absolute byte offset.
using System.Buffers.Binary;
using System.Text;

namespace Wasql.Wasm.Binary;

internal ref struct WasmReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private int _pos;
    private readonly int _end;

    public WasmReader(ReadOnlySpan<byte> bytes, int start = 0, int end = -1)
    {
        _bytes = bytes;
        _pos = start;
        _end = end < 0 ? bytes.Length : end;
    }

    public int Position { readonly get => _pos; set => _pos = value; }
    public readonly int End => _end;
    public readonly bool AtEnd => _pos >= _end;
    public readonly int Remaining => _end - _pos;

    public static MalformedModuleException Error(string message, long offset) => new(message, offset);

    public readonly MalformedModuleException Error(string message) => new(message, _pos);

    public byte ReadByte()
    {
        if (_pos >= _end) throw Error(_end < _bytes.Length ? "unexpected end of section or function" : "unexpected end");
        return _bytes[_pos++];
    }

    public readonly byte PeekByte()
    {
        if (_pos >= _end) throw Error("unexpected end");
        return _bytes[_pos];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > _end - _pos) throw Error(_end < _bytes.Length ? "unexpected end of section or function" : "unexpected end");
        var s = _bytes.Slice(_pos, count);
        _pos += count;
        return s;
    }

    public uint ReadU32()
    {
        int start = _pos;
        uint result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByteLeb(start);
            if (shift == 28)
            {
                if ((b & 0x80) != 0) throw Error("integer representation too long", start);
                if ((b & 0x70) != 0) throw Error("integer too large", start);
            }
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }

    public int ReadS32()
    {
        int start = _pos;
        int result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByteLeb(start);
            if (shift == 28)
            {
                if ((b & 0x80) != 0) throw Error("integer representation too long", start);
                int sign = b & 0x08;
                int upper = b & 0x70;
                if ((sign == 0 && upper != 0) || (sign != 0 && upper != 0x70)) throw Error("integer too large", start);
                return result | (b & 0x0F) << 28;
            }
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if ((b & 0x40) != 0) result |= -1 << (shift + 7);
                return result;
            }
        }
    }

    public long ReadS64()
    {
        int start = _pos;
        long result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByteLeb(start);
            if (shift == 63)
            {
                if ((b & 0x80) != 0) throw Error("integer representation too long", start);
                if (b != 0 && b != 0x7F) throw Error("integer too large", start);
                return result | (long)(b & 1) << 63;
            }
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if ((b & 0x40) != 0 && shift + 7 < 64) result |= -1L << (shift + 7);
                return result;
            }
        }
    }

    /// <summary>A signed 33-bit integer (block types).</summary>
    public long ReadS33()
    {
        int start = _pos;
        long result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByteLeb(start);
            if (shift == 28)
            {
                if ((b & 0x80) != 0) throw Error("integer representation too long", start);
                int sign = b & 0x10;
                int upper = b & 0x60;
                if ((sign == 0 && upper != 0) || (sign != 0 && upper != 0x60)) throw Error("integer too large", start);
                result |= (long)(b & 0x1F) << 28;
                if (sign != 0) result |= -1L << 33;
                return result;
            }
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if ((b & 0x40) != 0) result |= -1L << (shift + 7);
                return result;
            }
        }
    }

    private byte ReadByteLeb(int start)
    {
        if (_pos >= _end) throw Error(_end < _bytes.Length ? "unexpected end of section or function" : "unexpected end", start);
        return _bytes[_pos++];
    }

    public uint ReadF32Bits() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    public ulong ReadF64Bits() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    public string ReadName()
    {
        uint len = ReadU32();
        int start = _pos;
        if (len > (uint)(_end - _pos)) throw Error("unexpected end of section or function", start);
        var bytes = ReadBytes((int)len);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("malformed UTF-8 encoding", start);
        }
    }

    public ValType ReadValType()
    {
        int at = _pos;
        byte b = ReadByte();
        return b switch
        {
            0x7F or 0x7E or 0x7D or 0x7C or 0x7B or 0x70 or 0x6F => (ValType)b,
            _ => throw Error($"malformed value type 0x{b:x2}", at),
        };
    }

    public ValType ReadRefType()
    {
        int at = _pos;
        byte b = ReadByte();
        return b switch
        {
            0x70 or 0x6F => (ValType)b,
            _ => throw Error($"malformed reference type 0x{b:x2}", at),
        };
    }

    public Opcode ReadOpcode()
    {
        byte b = ReadByte();
        if (b == 0xFC) return (Opcode)(0xFC00 + (int)ReadU32Bounded(0xFF));
        if (b == 0xFD) return (Opcode)(0xFD000 + (int)ReadU32Bounded(0xFFF));
        return (Opcode)b;
    }

    private uint ReadU32Bounded(uint max)
    {
        int at = _pos;
        uint v = ReadU32();
        if (v > max) throw Error($"illegal opcode sub-code {v}", at);
        return v;
    }

    /// <summary>Memory immediate: alignment exponent and offset.</summary>
    public (uint Align, uint Offset) ReadMemArg() => (ReadU32(), ReadU32());
}
