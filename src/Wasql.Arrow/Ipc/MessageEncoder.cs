// Builds the flatbuffer metadata of IPC messages (Schema, RecordBatch) and of the file footer, and
// frames messages: continuation marker, length, metadata padded so the body starts 8-byte aligned.
// One instance is reused per writer (and per thread for ArrowIpc), so steady-state encoding allocates little.
using System.Buffers.Binary;
using Wasql.Arrow.FlatBuffers;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

internal sealed class MessageEncoder
{
    private readonly FlatBufferBuilder _fb = new(1024);
    private byte[] _framed = new byte[512];
    private byte[] _footer = new byte[512];
    private Schema? _footerSchema;
    private (byte[] Tail, int MinAlign) _footerSnapshot;
    private int _footerSchemaTable;

    public readonly record struct Block(long Offset, int MetadataLength, long BodyLength);

    /// <summary>A framed Schema message (no body), as a new array.</summary>
    public byte[] SchemaMessage(Schema schema)
    {
        _fb.Clear();
        int header = SchemaCodec.Write(_fb, schema);
        return Frame(MessageTable(MessageHeaderType.Schema, header, 0)).ToArray();
    }

    /// <summary>The framed metadata of a RecordBatch message for <paramref name="body"/>; valid until the next
    /// Schema or RecordBatch call (Footer uses its own scratch).</summary>
    public ReadOnlySpan<byte> RecordBatchMetadata(long length, BodyLayout body)
    {
        _fb.Clear();
        var buffers = body.Buffers;
        _fb.StartVector(16, buffers.Count, 8);
        long offset = body.BodyLength;
        for (int i = buffers.Count - 1; i >= 0; i--)
        {
            offset -= IpcFormat.Align8(buffers[i].Length);
            _fb.Prep(8, 16);
            _fb.PutLong(buffers[i].Length);
            _fb.PutLong(offset);
        }
        int buffersVec = _fb.EndVector(buffers.Count);
        var nodes = body.Nodes;
        _fb.StartVector(16, nodes.Count, 8);
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            _fb.Prep(8, 16);
            _fb.PutLong(nodes[i].NullCount);
            _fb.PutLong(nodes[i].Length);
        }
        int nodesVec = _fb.EndVector(nodes.Count);
        _fb.StartTable(5);
        _fb.AddLong(0, length, -1);
        _fb.AddOffset(1, nodesVec);
        _fb.AddOffset(2, buffersVec);
        int header = _fb.EndTable();
        return Frame(MessageTable(MessageHeaderType.RecordBatch, header, body.BodyLength));
    }

    /// <summary>The footer flatbuffer (unframed, padded to 8 bytes) of a file with these record batch blocks.</summary>
    public ReadOnlySpan<byte> Footer(Schema schema, ReadOnlySpan<Block> batches)
    {
        int schemaTable;
        if (ReferenceEquals(schema, _footerSchema))
        {
            _fb.Restore(_footerSnapshot);
            schemaTable = _footerSchemaTable;
        }
        else
        {
            // The schema table is written first (it sits at the end of the buffer): keep it for the next footer.
            _fb.Clear();
            schemaTable = SchemaCodec.Write(_fb, schema);
            _footerSnapshot = _fb.Snapshot();
            _footerSchemaTable = schemaTable;
            _footerSchema = schema;
        }
        int batchesVec = BlockVector(batches);
        int dictionariesVec = BlockVector([]);
        _fb.StartTable(5);
        _fb.AddOffset(1, schemaTable);
        _fb.AddOffset(2, dictionariesVec);
        _fb.AddOffset(3, batchesVec);
        _fb.AddShort(0, IpcFormat.MetadataV5, -1);
        int footer = _fb.EndTable();
        var fb = _fb.Finish(footer);
        int padded = (int)IpcFormat.Align8(fb.Length);
        var dest = Scratch(ref _footer, padded);
        fb.CopyTo(dest);
        dest[fb.Length..padded].Clear();
        return dest[..padded];
    }

    private int BlockVector(ReadOnlySpan<Block> blocks)
    {
        _fb.StartVector(24, blocks.Length, 8);
        for (int i = blocks.Length - 1; i >= 0; i--)
        {
            _fb.Prep(8, 24);
            _fb.PutLong(blocks[i].BodyLength);
            _fb.PutInt(0);
            _fb.PutInt(blocks[i].MetadataLength);
            _fb.PutLong(blocks[i].Offset);
        }
        return _fb.EndVector(blocks.Length);
    }

    private int MessageTable(MessageHeaderType type, int header, long bodyLength)
    {
        _fb.StartTable(5);
        _fb.AddLong(IpcMessage.FieldBodyLength, bodyLength, -1);
        _fb.AddOffset(IpcMessage.FieldHeader, header);
        _fb.AddShort(IpcMessage.FieldVersion, IpcFormat.MetadataV5, -1);
        _fb.AddByte(IpcMessage.FieldHeaderType, (byte)type, 0);
        return _fb.EndTable();
    }

    private Span<byte> Frame(int messageTable)
    {
        var fb = _fb.Finish(messageTable);
        int padded = (int)IpcFormat.Align8(8 + fb.Length) - 8;
        var dest = Scratch(ref _framed, 8 + padded);
        BinaryPrimitives.WriteUInt32LittleEndian(dest, IpcFormat.Continuation);
        BinaryPrimitives.WriteInt32LittleEndian(dest[4..], padded);
        fb.CopyTo(dest[8..]);
        dest[(8 + fb.Length)..(8 + padded)].Clear();
        return dest[..(8 + padded)];
    }

    private static Span<byte> Scratch(ref byte[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new byte[Math.Max(size, buffer.Length * 2)];
        return buffer.AsSpan(0, size);
    }

    public static ReadOnlySpan<byte> EndOfStream => [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0];
}
