// Writes the Arrow IPC file format to a Stream: magic and padding, the schema message, record batch
// messages at 8-byte aligned offsets (remembered as footer blocks), then on Finish the end-of-stream
// marker, the footer, its length and the closing magic. Positions are counted, not asked of the stream.
using System.Buffers.Binary;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

public sealed class ArrowFileWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly MessageEncoder _encoder = new();
    private readonly BodyLayout _body = new();
    private readonly List<MessageEncoder.Block> _blocks = new();
    private long _position;
    private bool _finished;

    public ArrowFileWriter(Stream stream, Schema schema, bool leaveOpen = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        _leaveOpen = leaveOpen;
        Write(IpcFormat.Magic);
        Write([0, 0]);
        Write(_encoder.SchemaMessage(schema));
    }

    public Schema Schema { get; }

    public void WriteBatch(RecordBatch batch)
    {
        if (_finished) throw new InvalidOperationException("the file was already finished");
        if (!ReferenceEquals(batch.Schema, Schema) && !batch.Schema.Equals(Schema))
            throw new ArgumentException("the batch's schema differs from the writer's schema");
        _body.AddBatch(batch);
        var metadata = _encoder.RecordBatchMetadata(batch.Length, _body);
        _blocks.Add(new MessageEncoder.Block(_position, metadata.Length, _body.BodyLength));
        Write(metadata);
        _body.WriteBody(_stream);
        _position += _body.BodyLength;
        _body.Clear();
    }

    public void Finish()
    {
        if (_finished) return;
        Write(MessageEncoder.EndOfStream);
        var footer = _encoder.Footer(Schema, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_blocks));
        Write(footer);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, footer.Length);
        Write(length);
        Write(IpcFormat.Magic);
        _stream.Flush();
        _finished = true;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _position += bytes.Length;
    }

    public void Dispose()
    {
        Finish();
        if (!_leaveOpen) _stream.Dispose();
    }
}
