// Writes the Arrow IPC stream format to a Stream: the Schema message (on first write), one message
// per record batch, and the end-of-stream marker on Finish/Dispose. No compression, no dictionaries.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

public sealed class ArrowStreamWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly MessageEncoder _encoder = new();
    private readonly BodyLayout _body = new();
    private bool _started;
    private bool _finished;

    public ArrowStreamWriter(Stream stream, Schema schema, bool leaveOpen = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        _leaveOpen = leaveOpen;
    }

    public Schema Schema { get; }

    public void WriteBatch(RecordBatch batch)
    {
        if (_finished) throw new InvalidOperationException("the stream was already finished");
        if (!ReferenceEquals(batch.Schema, Schema) && !batch.Schema.Equals(Schema))
            throw new ArgumentException("the batch's schema differs from the writer's schema");
        Start();
        _body.AddBatch(batch);
        _stream.Write(_encoder.RecordBatchMetadata(batch.Length, _body));
        _body.WriteBody(_stream);
        _body.Clear();
    }

    /// <summary>Writes the schema (if no batch was written) and the end-of-stream marker.</summary>
    public void Finish()
    {
        if (_finished) return;
        Start();
        _stream.Write(MessageEncoder.EndOfStream);
        _stream.Flush();
        _finished = true;
    }

    private void Start()
    {
        if (_started) return;
        _stream.Write(_encoder.SchemaMessage(Schema));
        _started = true;
    }

    public void Dispose()
    {
        Finish();
        if (!_leaveOpen) _stream.Dispose();
    }
}
