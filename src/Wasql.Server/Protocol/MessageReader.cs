// Reads frontend messages from a stream into a pooled buffer: the 5-byte header (type, length) or the
// 4-byte startup header, strict length checks (>= 4, <= MaxMessageSize), no read past the message.
using System.Buffers;
using System.Buffers.Binary;
using Wasql.Database;

namespace Wasql.Server.Protocol;

internal sealed class MessageReader(Stream stream, int maxMessageSize) : IDisposable
{
    /// <summary>Largest typed message accepted now: small until the client has authenticated (a stranger must
    /// not make the server reserve memory), the configured limit after.</summary>
    public int MaxMessageSize { get; set; } = maxMessageSize;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(8192);
    private int _start, _end;
    private readonly byte[] _header = new byte[5];

    public Stream Stream { get; set; } = stream;

    /// <summary>Bytes already received but not consumed (must be none before a TLS handshake).</summary>
    public int Buffered => _end - _start;

    /// <summary>After authentication, messages larger than this are reserved from <see cref="Budget"/> while held.</summary>
    public const int UnbudgetedMessageSize = 64 << 10;

    /// <summary>The server-wide buffer budget (set once the client has authenticated).</summary>
    public Wasql.Database.MemoryBudget? Budget { get; set; }

    /// <summary>Postgres' limit on a startup packet (MAX_STARTUP_PACKET_LENGTH).</summary>
    public const int MaxStartupPacketSize = 10_000;

    /// <summary>Reads a startup-phase packet (length-prefixed, no type byte). Null on a clean EOF.</summary>
    public async ValueTask<Message?> ReadStartupAsync(CancellationToken ct)
    {
        if (!await FillAsync(4, ct, eofOk: true)) return null;
        int len = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start));
        if (len < 8 || len > MaxStartupPacketSize) throw new ProtocolException($"invalid startup packet length {len}");
        _start += 4;
        return await ReadBodyAsync(0, len - 4, ct);
    }

    /// <summary>Reads one typed message. Null on a clean EOF between messages.</summary>
    public async ValueTask<Message?> ReadAsync(CancellationToken ct)
    {
        if (!await FillAsync(5, ct, eofOk: true)) return null;
        byte type = _buffer[_start];
        int len = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1));
        if (len < 4) throw new ProtocolException($"invalid message length {len} for message type '{Printable(type)}'");
        if (len - 4 > MaxMessageSize)
            throw new ProtocolException($"message of {len} bytes exceeds the limit of {MaxMessageSize} bytes", SqlStates.ProgramLimitExceeded);
        _start += 5;
        long reserved = 0;
        if (Budget is { } budget && len - 4 > UnbudgetedMessageSize)
        {
            // Reserved before any byte is read: a large message that does not fit ends the session instead of the
            // server growing (its bytes cannot be skipped without reading them).
            if (!budget.TryReserve(len - 4))
                throw new ProtocolException($"out of memory: a message of {len - 4:N0} bytes does not fit in the server's buffer budget of {budget.Limit:N0} bytes (ServerOptions.MaxBufferedBytes)", SqlStates.OutOfMemory);
            reserved = len - 4;
        }
        try
        {
            var m = await ReadBodyAsync(type, len - 4, ct);
            m.Reserved(Budget, reserved);
            return m;
        }
        catch
        {
            Budget?.Release(reserved);
            throw;
        }
    }

    private async ValueTask<Message> ReadBodyAsync(byte type, int bodyLength, CancellationToken ct)
    {
        // The buffer grows with the bytes that actually arrive, so a header announcing a huge message costs
        // nothing until the client really sends it.
        var body = ArrayPool<byte>.Shared.Rent(Math.Clamp(bodyLength, 1, 1 << 20));
        int have = Math.Min(bodyLength, _end - _start);
        Buffer.BlockCopy(_buffer, _start, body, 0, have);
        _start += have;
        try
        {
            while (have < bodyLength)
            {
                if (have == body.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)body.Length * 2, bodyLength));
                    Buffer.BlockCopy(body, 0, bigger, 0, have);
                    ArrayPool<byte>.Shared.Return(body);
                    body = bigger;
                }
                int n = await Stream.ReadAsync(body.AsMemory(have, Math.Min(body.Length, bodyLength) - have), ct);
                if (n == 0) throw new EndOfStreamException("connection closed inside a message");
                have += n;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(body);
            throw;
        }
        return new Message(type, body, bodyLength);
    }

    private async ValueTask<bool> FillAsync(int count, CancellationToken ct, bool eofOk)
    {
        if (_end - _start >= count) return true;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start; _start = 0;
        }
        while (_end < count)
        {
            int n = await Stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (n == 0)
            {
                if (eofOk && _end == 0) return false;
                throw new EndOfStreamException("connection closed inside a message header");
            }
            _end += n;
        }
        return true;
    }

    private static string Printable(byte b) => b is >= 32 and < 127 ? ((char)b).ToString() : $"\\x{b:x2}";

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null!);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}

/// <summary>A message body in a pooled array; dispose returns it.</summary>
internal sealed class Message(byte type, byte[] body, int length) : IDisposable
{
    private Wasql.Database.MemoryBudget? _budget;
    private long _reserved;

    /// <summary>Bytes of the server-wide budget this message holds until disposed.</summary>
    public void Reserved(Wasql.Database.MemoryBudget? budget, long bytes) { _budget = budget; _reserved = bytes; }

    public byte Type { get; } = type;
    public int Length { get; } = length;
    public ReadOnlySpan<byte> Span => body.AsSpan(0, Length);
    public BodyReader Body => new(body.AsSpan(0, Length));
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(body);
        _budget?.Release(Interlocked.Exchange(ref _reserved, 0));
    }
}

/// <summary>Bounds-checked cursor over a message body; every overrun is a ProtocolException.</summary>
internal ref struct BodyReader(ReadOnlySpan<byte> span)
{
    private readonly ReadOnlySpan<byte> _span = span;
    private int _pos;

    public int Remaining => _span.Length - _pos;

    public byte Byte() { Need(1); return _span[_pos++]; }
    public short Int16() { Need(2); var v = BinaryPrimitives.ReadInt16BigEndian(_span[_pos..]); _pos += 2; return v; }
    public int Int32() { Need(4); var v = BinaryPrimitives.ReadInt32BigEndian(_span[_pos..]); _pos += 4; return v; }

    public string CString()
    {
        int nul = _span[_pos..].IndexOf((byte)0);
        if (nul < 0) throw new ProtocolException("unterminated string in message");
        var s = System.Text.Encoding.UTF8.GetString(_span.Slice(_pos, nul));
        _pos += nul + 1;
        return s;
    }

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0) throw new ProtocolException($"invalid length {count} in message");
        Need(count);
        var s = _span.Slice(_pos, count);
        _pos += count;
        return s;
    }

    /// <summary>A count field (int16) checked against what the rest of the message could hold.</summary>
    public int Count(int minBytesEach)
    {
        int n = (ushort)Int16();
        if ((long)n * minBytesEach > Remaining) throw new ProtocolException($"count {n} exceeds the message size");
        return n;
    }

    public void End()
    {
        if (_pos != _span.Length) throw new ProtocolException("message has trailing bytes");
    }

    private void Need(int n)
    {
        if (_span.Length - _pos < n) throw new ProtocolException("message is shorter than its contents");
    }
}
