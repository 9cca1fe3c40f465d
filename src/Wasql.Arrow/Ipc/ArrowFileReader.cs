// Reads the Arrow IPC file format: "ARROW1" magic, messages at 8-byte aligned blocks, and a footer
// (schema + block tables) found through the trailing length and magic. Dictionaries are read first,
// then record batches by index, all zero-copy over the input memory.
using System.Buffers.Binary;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.FlatBuffers;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

public sealed class ArrowFileReader
{
    // Footer table field ids (File.fbs)
    private const int FooterSchema = 1, FooterDictionaries = 2, FooterRecordBatches = 3;
    private const int BlockSize = 24;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly IpcReadContext _context;
    private readonly Block[] _batches;

    private readonly record struct Block(long Offset, int MetadataLength, long BodyLength, long Position);

    /// <summary>Opens a file held in memory the caller keeps alive and unchanged while batches are used.</summary>
    public ArrowFileReader(ReadOnlyMemory<byte> data, ArrowReadOptions? options = null)
    {
        _data = data;
        var span = data.Span;
        var magic = IpcFormat.Magic;
        if (span.Length < magic.Length * 2 + 2 + 4 || !span.StartsWith(magic))
            throw new ArrowFormatException("not an Arrow IPC file: it does not start with ARROW1", 0);
        if (!span.EndsWith(magic))
            throw new ArrowFormatException("not an Arrow IPC file or truncated: it does not end with ARROW1", span.Length - magic.Length);
        long lengthPosition = span.Length - magic.Length - 4;
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(span[(int)lengthPosition..]);
        long footerStart = lengthPosition - footerLength;
        if (footerLength <= 0 || footerStart < 8)
            throw new ArrowFormatException($"footer length {footerLength} does not fit in the {span.Length}-byte file", lengthPosition);

        var footer = new FlatBufferReader(span.Slice((int)footerStart, footerLength), footerStart).Root("Footer");
        var schema = footer.GetTable(FooterSchema, "Footer.schema");
        if (!schema.Exists) throw new ArrowFormatException("the file footer has no schema", footerStart);
        _context = IpcReadContext.FromSchemaTable(schema, footerLength, options ?? ArrowReadOptions.Default);

        var dictionaries = ReadBlocks(footer.GetVector(FooterDictionaries, BlockSize, "Footer.dictionaries"), footerStart);
        _batches = ReadBlocks(footer.GetVector(FooterRecordBatches, BlockSize, "Footer.recordBatches"), footerStart);
        foreach (var block in dictionaries)
        {
            var message = ReadMessage(block);
            if (message.HeaderType != MessageHeaderType.DictionaryBatch)
                throw new ArrowFormatException($"dictionary block holds a {message.HeaderType} message", block.Offset);
            _context.ReadDictionaryBatch(message);
        }
    }

    public static ArrowFileReader Open(Stream stream, ArrowReadOptions? options = null)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new ArrowFileReader(copy.GetBuffer().AsMemory(0, (int)copy.Length), options);
    }

    public Schema Schema => _context.Schema;
    public int RecordBatchCount => _batches.Length;

    public RecordBatch ReadRecordBatch(int index)
    {
        if ((uint)index >= (uint)_batches.Length)
            throw new ArgumentOutOfRangeException(nameof(index), $"the file holds {_batches.Length} record batches");
        return _context.ReadRecordBatch(ReadMessage(_batches[index]));
    }

    public IEnumerable<RecordBatch> ReadAll()
    {
        for (int i = 0; i < _batches.Length; i++) yield return ReadRecordBatch(i);
    }

    private Block[] ReadBlocks(FbVector vector, long footerStart)
    {
        var blocks = new Block[vector.Count];
        for (int i = 0; i < blocks.Length; i++)
        {
            long position = vector.Position + (long)i * BlockSize;
            var block = new Block(vector.GetLong(i, 0), vector.GetInt(i, 8), vector.GetLong(i, 16), position);
            if (block.Offset < 8 || block.Offset % 8 != 0 || block.Offset >= footerStart)
                throw new ArrowFormatException($"block offset {block.Offset} is not an 8-byte aligned position before the footer", position);
            if (block.MetadataLength <= 0 || block.BodyLength < 0
                || block.MetadataLength > footerStart - block.Offset
                || block.BodyLength > footerStart - block.Offset - block.MetadataLength)
                throw new ArrowFormatException($"block at {block.Offset} (metadata {block.MetadataLength}, body {block.BodyLength} bytes) runs into the footer", position);
            blocks[i] = block;
        }
        return blocks;
    }

    private IpcMessage ReadMessage(Block block)
    {
        var region = _data.Slice((int)block.Offset, (int)(block.MetadataLength + block.BodyLength));
        int pos = 0;
        if (!IpcMessage.TryRead(region, block.Offset, ref pos, out var message))
            throw new ArrowFormatException("block holds an end-of-stream marker instead of a message", block.Offset);
        return message;
    }
}
