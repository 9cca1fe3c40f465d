// One encapsulated IPC message: its flatbuffer metadata and body, with their absolute positions, and
// the decoded envelope (version, header type, body length). Framing (continuation marker, length
// prefix, 8-byte padding, end-of-stream) is parsed here; both readers use it.
using System.Buffers.Binary;
using Wasql.Arrow.FlatBuffers;

namespace Wasql.Arrow.Ipc;

internal readonly struct IpcMessage
{
    // Message table field ids (Message.fbs)
    internal const int FieldVersion = 0, FieldHeaderType = 1, FieldHeader = 2, FieldBodyLength = 3;

    public IpcMessage(ReadOnlyMemory<byte> metadata, long metadataPosition, ReadOnlyMemory<byte> body, long bodyPosition,
        MessageHeaderType headerType)
    {
        Metadata = metadata;
        MetadataPosition = metadataPosition;
        Body = body;
        BodyPosition = bodyPosition;
        HeaderType = headerType;
    }

    public ReadOnlyMemory<byte> Metadata { get; }
    public long MetadataPosition { get; }
    public ReadOnlyMemory<byte> Body { get; }
    public long BodyPosition { get; }
    public MessageHeaderType HeaderType { get; }

    /// <summary>The Message table's header (Schema, DictionaryBatch or RecordBatch table).</summary>
    public FbTable Header()
    {
        var message = new FlatBufferReader(Metadata.Span, MetadataPosition).Root("Message");
        var header = message.GetTable(FieldHeader, HeaderType.ToString());
        if (!header.Exists) throw new ArrowFormatException($"{HeaderType} message has no header table", MetadataPosition);
        return header;
    }

    /// <summary>Reads the length prefix at <paramref name="pos"/>: returns the metadata length (0 means end
    /// of stream) and the prefix size (8 with continuation marker, 4 for the pre-1.0 form).</summary>
    public static int ReadPrefix(ReadOnlySpan<byte> prefix8, long position, out int prefixSize)
    {
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(prefix8);
        int length;
        if (first == IpcFormat.Continuation)
        {
            prefixSize = 8;
            if (prefix8.Length < 8) throw new ArrowFormatException("message length missing after continuation marker", position);
            length = BinaryPrimitives.ReadInt32LittleEndian(prefix8[4..]);
        }
        else
        {
            prefixSize = 4;
            length = (int)first;
        }
        if (length < 0) throw new ArrowFormatException($"message metadata length {length} is negative", position);
        return length;
    }

    /// <summary>Decodes the Message envelope in <paramref name="metadata"/> and returns (version-checked)
    /// header type and declared body length.</summary>
    public static (MessageHeaderType Type, long BodyLength) ReadEnvelope(ReadOnlySpan<byte> metadata, long position)
    {
        var message = new FlatBufferReader(metadata, position).Root("Message");
        short version = message.GetShort(FieldVersion);
        if (version < IpcFormat.MetadataV4)
            throw new ArrowFormatException($"IPC metadata version V{version + 1} is not supported (V4 or V5 required)", position);
        if (version > IpcFormat.MetadataV5)
            throw new ArrowFormatException($"IPC metadata version V{version + 1} is newer than V5", position);
        var type = (MessageHeaderType)message.GetByte(FieldHeaderType);
        long bodyLength = message.GetLong(FieldBodyLength);
        if (bodyLength < 0) throw new ArrowFormatException($"message body length {bodyLength} is negative", position);
        return (type, bodyLength);
    }

    /// <summary>Parses the message starting at <paramref name="pos"/> in <paramref name="data"/> (whose first
    /// byte is at absolute position <paramref name="basePosition"/>). Returns false at end of stream
    /// (EOS marker or end of data); advances pos past the message.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> data, long basePosition, ref int pos, out IpcMessage message)
    {
        message = default;
        var span = data.Span;
        if (pos == span.Length) return false;
        if (span.Length - pos < 4)
            throw new ArrowFormatException($"truncated message prefix ({span.Length - pos} bytes left)", basePosition + pos);
        long at = basePosition + pos;
        int metaLength = ReadPrefix(span[pos..Math.Min(pos + 8, span.Length)], at, out int prefix);
        if (metaLength == 0)
        {
            pos += prefix;
            return false;
        }
        long metaStart = (long)pos + prefix;
        if (metaLength > span.Length - metaStart)
            throw new ArrowFormatException($"message metadata of {metaLength} bytes runs past the end of the data ({span.Length - metaStart} bytes left)", at);
        var metadata = data.Slice((int)metaStart, metaLength);
        var (type, bodyLength) = ReadEnvelope(metadata.Span, basePosition + metaStart);
        long bodyStart = metaStart + metaLength;
        if (bodyLength > span.Length - bodyStart)
            throw new ArrowFormatException($"message body of {bodyLength} bytes runs past the end of the data ({span.Length - bodyStart} bytes left)", basePosition + bodyStart);
        message = new IpcMessage(metadata, basePosition + metaStart, data.Slice((int)bodyStart, (int)bodyLength), basePosition + bodyStart, type);
        pos = (int)(bodyStart + bodyLength);
        return true;
    }
}
