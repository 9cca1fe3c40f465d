// Builds backend messages in one pooled, growable buffer and flushes it to the stream; one method per
// backend message type (AuthenticationXxx, ParameterStatus, RowDescription, DataRow, ErrorResponse...).
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Wasql.Server.Protocol;

internal sealed class MessageWriter(Stream stream) : IDisposable
{
    private byte[] _buf = ArrayPool<byte>.Shared.Rent(16384);
    private int _pos;
    private int _msgStart = -1;

    public Stream Stream { get; set; } = stream;
    public int Pending => _pos;

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_pos == 0) return;
        await Stream.WriteAsync(_buf.AsMemory(0, _pos), ct);
        await Stream.FlushAsync(ct);
        _pos = 0;
        if (_buf.Length > 1 << 20) { ArrayPool<byte>.Shared.Return(_buf); _buf = ArrayPool<byte>.Shared.Rent(16384); }
    }

    // ---- primitives ----
    public void Start(byte type) { Ensure(5); _msgStart = _pos; _buf[_pos++] = type; _pos += 4; }
    public void End()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buf.AsSpan(_msgStart + 1), _pos - _msgStart - 1);
        _msgStart = -1;
    }
    public void Byte(byte b) { Ensure(1); _buf[_pos++] = b; }
    public void Int16(short v) { Ensure(2); BinaryPrimitives.WriteInt16BigEndian(_buf.AsSpan(_pos), v); _pos += 2; }
    public void Int32(int v) { Ensure(4); BinaryPrimitives.WriteInt32BigEndian(_buf.AsSpan(_pos), v); _pos += 4; }
    public void Bytes(ReadOnlySpan<byte> b) { Ensure(b.Length); b.CopyTo(_buf.AsSpan(_pos)); _pos += b.Length; }
    public void CString(string s)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(s.Length) + 1);
        _pos += Encoding.UTF8.GetBytes(s, _buf.AsSpan(_pos));
        _buf[_pos++] = 0;
    }
    /// <summary>Reserves an int32 length slot; returns its offset for <see cref="EndLength"/>.</summary>
    public int BeginLength() { Ensure(4); int at = _pos; _pos += 4; return at; }
    public void EndLength(int at) => BinaryPrimitives.WriteInt32BigEndian(_buf.AsSpan(at), _pos - at - 4);
    public Span<byte> Reserve(int n) { Ensure(n); return _buf.AsSpan(_pos, n); }
    public void Advance(int n) => _pos += n;
    /// <summary>Drops everything written after <paramref name="mark"/> (a <see cref="Pending"/> value), e.g. a half-built row.</summary>
    public void Truncate(int mark) { _pos = mark; _msgStart = -1; }
    /// <summary>The bytes written after <paramref name="mark"/> (valid until the next write).</summary>
    public ReadOnlySpan<byte> WrittenSince(int mark) => _buf.AsSpan(mark, _pos - mark);

    private void Ensure(int n)
    {
        if (_pos + n <= _buf.Length) return;
        var nb = ArrayPool<byte>.Shared.Rent(Math.Max(_buf.Length * 2, _pos + n));
        Buffer.BlockCopy(_buf, 0, nb, 0, _pos);
        ArrayPool<byte>.Shared.Return(_buf);
        _buf = nb;
    }

    // ---- backend messages ----
    public void AuthenticationOk() { Start((byte)'R'); Int32(0); End(); }
    public void AuthenticationSasl(string mechanism) { Start((byte)'R'); Int32(10); CString(mechanism); Byte(0); End(); }
    public void AuthenticationSaslContinue(ReadOnlySpan<byte> data) { Start((byte)'R'); Int32(11); Bytes(data); End(); }
    public void AuthenticationSaslFinal(ReadOnlySpan<byte> data) { Start((byte)'R'); Int32(12); Bytes(data); End(); }
    public void ParameterStatus(string name, string value) { Start((byte)'S'); CString(name); CString(value); End(); }
    public void BackendKeyData(int pid, int key) { Start((byte)'K'); Int32(pid); Int32(key); End(); }
    public void ReadyForQuery(char status) { Start((byte)'Z'); Byte((byte)status); End(); }
    public void ParseComplete() { Start((byte)'1'); End(); }
    public void BindComplete() { Start((byte)'2'); End(); }
    public void CloseComplete() { Start((byte)'3'); End(); }
    public void NoData() { Start((byte)'n'); End(); }
    public void EmptyQueryResponse() { Start((byte)'I'); End(); }
    public void PortalSuspended() { Start((byte)'s'); End(); }
    public void CommandComplete(string tag) { Start((byte)'C'); CString(tag); End(); }

    public void ParameterDescription(IReadOnlyList<int> oids)
    {
        Start((byte)'t'); Int16((short)oids.Count);
        foreach (var o in oids) Int32(o);
        End();
    }

    public void RowDescription(IReadOnlyList<string> names, IReadOnlyList<int> oids, IReadOnlyList<short> typeSizes, Func<int, short> format)
    {
        Start((byte)'T'); Int16((short)names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            CString(names[i]);
            Int32(0); Int16(0);          // table oid, column number
            Int32(oids[i]); Int16(typeSizes[i]); Int32(-1);   // type, size, modifier
            Int16(format(i));
        }
        End();
    }

    /// <summary>ErrorResponse ('E') or NoticeResponse ('N').</summary>
    public void ErrorOrNotice(bool error, string severity, string sqlState, string message, int? position = null, string? detail = null, string? hint = null, string? where = null)
    {
        Start(error ? (byte)'E' : (byte)'N');
        Byte((byte)'S'); CString(severity);
        Byte((byte)'V'); CString(severity);
        Byte((byte)'C'); CString(sqlState);
        Byte((byte)'M'); CString(message);
        if (detail is not null) { Byte((byte)'D'); CString(detail); }
        if (hint is not null) { Byte((byte)'H'); CString(hint); }
        if (where is not null) { Byte((byte)'W'); CString(where); }
        if (position is > 0) { Byte((byte)'P'); CString(position.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        Byte(0);
        End();
    }

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buf, null!);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
