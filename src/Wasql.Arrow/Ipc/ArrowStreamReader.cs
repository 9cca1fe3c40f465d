// Reads the Arrow IPC stream format: a Schema message, then dictionary and record batch messages,
// until the end-of-stream marker or the end of the input. Over memory the batches are zero-copy
// views of the input; over a Stream each message is read into its own buffer.
using System.Buffers.Binary;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

public sealed class ArrowStreamReader : IDisposable
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly Stream? _stream;
    private readonly bool _leaveOpen;
    private readonly IpcReadContext _context;
    private int _position;
    private long _streamPosition;
    private bool _done;

    /// <summary>Reads from memory the caller keeps alive and unchanged while the batches are used.</summary>
    public ArrowStreamReader(ReadOnlyMemory<byte> data, ArrowReadOptions? options = null)
    {
        _data = data;
        var opts = options ?? ArrowReadOptions.Default;
        if (!NextMessage(out var first)) throw new ArrowFormatException("the stream holds no Schema message", 0);
        _context = IpcReadContext.FromSchemaMessage(first, opts);
    }

    public ArrowStreamReader(Stream stream, ArrowReadOptions? options = null, bool leaveOpen = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _leaveOpen = leaveOpen;
        var opts = options ?? ArrowReadOptions.Default;
        if (!NextMessage(out var first)) throw new ArrowFormatException("the stream holds no Schema message", 0);
        _context = IpcReadContext.FromSchemaMessage(first, opts);
    }

    public Schema Schema => _context.Schema;

    /// <summary>The next record batch, or null at the end of the stream.</summary>
    public RecordBatch? ReadNext()
    {
        while (!_done && NextMessage(out var message))
        {
            switch (message.HeaderType)
            {
                case MessageHeaderType.RecordBatch:
                    return _context.ReadRecordBatch(message);
                case MessageHeaderType.DictionaryBatch:
                    _context.ReadDictionaryBatch(message);
                    break;
                default:
                    throw new ArrowFormatException($"unexpected {message.HeaderType} message in the stream", message.MetadataPosition);
            }
        }
        _done = true;
        return null;
    }

    public IEnumerable<RecordBatch> ReadAll()
    {
        while (ReadNext() is { } batch) yield return batch;
    }

    private bool NextMessage(out IpcMessage message)
    {
        if (_stream is null)
        {
            bool ok = IpcMessage.TryRead(_data, 0, ref _position, out message);
            if (!ok) _done = true;
            return ok;
        }
        return NextStreamMessage(out message);
    }

    private bool NextStreamMessage(out IpcMessage message)
    {
        message = default;
        Span<byte> prefix = stackalloc byte[8];
        long at = _streamPosition;
        int got = ReadFully(prefix[..4]);
        if (got == 0) { _done = true; return false; }
        if (got < 4) throw new ArrowFormatException($"truncated message prefix ({got} bytes)", at);
        int prefixSize = 4;
        if (BinaryPrimitives.ReadUInt32LittleEndian(prefix) == IpcFormat.Continuation)
        {
            if (ReadFully(prefix[4..8]) < 4) throw new ArrowFormatException("truncated message length after continuation marker", at);
            prefixSize = 8;
        }
        int metaLength = IpcMessage.ReadPrefix(prefix[..prefixSize], at, out _);
        if (metaLength == 0) { _done = true; return false; }
        var metadata = ReadExactly(metaLength, "message metadata", at);
        var (type, bodyLength) = IpcMessage.ReadEnvelope(metadata, at + prefixSize);
        if (bodyLength > Array.MaxLength) throw new ArrowFormatException($"message body length {bodyLength} is too large", at + prefixSize);
        long bodyPosition = _streamPosition;
        var body = ReadExactly((int)bodyLength, "message body", bodyPosition);
        message = new IpcMessage(metadata, at + prefixSize, body, bodyPosition, type);
        return true;
    }

    private byte[] ReadExactly(int length, string what, long position)
    {
        // Grow in chunks so a lying length cannot make us allocate far more than the stream holds.
        var buffer = new byte[Math.Min(length, 1 << 20)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, length));
            int n = _stream!.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) throw new ArrowFormatException($"{what} of {length} bytes is truncated after {filled} bytes", position);
            filled += n;
            _streamPosition += n;
        }
        return buffer;
    }

    private int ReadFully(Span<byte> dest)
    {
        int filled = 0;
        while (filled < dest.Length)
        {
            int n = _stream!.Read(dest[filled..]);
            if (n == 0) break;
            filled += n;
        }
        _streamPosition += filled;
        return filled;
    }

    public void Dispose()
    {
        if (_stream is not null && !_leaveOpen) _stream.Dispose();
    }
}
