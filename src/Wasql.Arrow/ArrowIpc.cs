// One-call entry points for the common cases (the UDF ABI's): a record batch to IPC file or stream
// bytes and back. Writes size the output exactly and copy each buffer once; reads are zero-copy
// over memory (or copy a span once). Encoders are cached per thread.
using System.Buffers.Binary;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Ipc;
using Wasql.Arrow.Types;

namespace Wasql.Arrow;

public static class ArrowIpc
{
    [ThreadStatic] private static MessageEncoder? t_encoder;
    [ThreadStatic] private static BodyLayout? t_body;

    [ThreadStatic] private static Schema? t_lastSchema;
    [ThreadStatic] private static byte[]? t_lastSchemaMessage;

    /// <summary>The framed schema message, reused while the same Schema instance is written again.</summary>
    private static byte[] SchemaMessage(MessageEncoder encoder, Schema schema)
    {
        if (!ReferenceEquals(schema, t_lastSchema) || t_lastSchemaMessage is null)
        {
            t_lastSchemaMessage = encoder.SchemaMessage(schema);
            t_lastSchema = schema;
        }
        return t_lastSchemaMessage;
    }

    /// <summary>The batch as an IPC file (magic, schema, one batch, footer).</summary>
    public static byte[] WriteFile(RecordBatch batch)
    {
        var encoder = t_encoder ??= new MessageEncoder();
        var body = t_body ??= new BodyLayout();
        try
        {
            byte[] schema = SchemaMessage(encoder, batch.Schema);
            body.AddBatch(batch);
            long batchOffset = 8 + schema.Length;
            var metadata = encoder.RecordBatchMetadata(batch.Length, body);
            var footer = encoder.Footer(batch.Schema, [new MessageEncoder.Block(batchOffset, metadata.Length, body.BodyLength)]);
            long total = batchOffset + metadata.Length + body.BodyLength + 8 + footer.Length + 4 + 6;
            // Every byte is written below (padding included), so the array need not be zeroed first.
            var result = GC.AllocateUninitializedArray<byte>(checked((int)total));
            var span = result.AsSpan();
            IpcFormat.Magic.CopyTo(span);
            span[6] = span[7] = 0;
            schema.CopyTo(span[8..]);
            int pos = (int)batchOffset;
            metadata.CopyTo(span[pos..]);
            pos += metadata.Length;
            body.WriteBody(span.Slice(pos, (int)body.BodyLength));
            pos += (int)body.BodyLength;
            MessageEncoder.EndOfStream.CopyTo(span[pos..]);
            pos += 8;
            footer.CopyTo(span[pos..]);
            pos += footer.Length;
            BinaryPrimitives.WriteInt32LittleEndian(span[pos..], footer.Length);
            IpcFormat.Magic.CopyTo(span[(pos + 4)..]);
            return result;
        }
        finally
        {
            body.Clear();
        }
    }

    /// <summary>The batch as an IPC stream (schema, one batch, end-of-stream marker).</summary>
    public static byte[] WriteStream(RecordBatch batch)
    {
        var encoder = t_encoder ??= new MessageEncoder();
        var body = t_body ??= new BodyLayout();
        try
        {
            byte[] schema = SchemaMessage(encoder, batch.Schema);
            body.AddBatch(batch);
            var metadata = encoder.RecordBatchMetadata(batch.Length, body);
            long total = schema.Length + metadata.Length + body.BodyLength + 8;
            var result = GC.AllocateUninitializedArray<byte>(checked((int)total));
            var span = result.AsSpan();
            schema.CopyTo(span);
            int pos = schema.Length;
            metadata.CopyTo(span[pos..]);
            pos += metadata.Length;
            body.WriteBody(span.Slice(pos, (int)body.BodyLength));
            MessageEncoder.EndOfStream.CopyTo(span[(pos + (int)body.BodyLength)..]);
            return result;
        }
        finally
        {
            body.Clear();
        }
    }

    /// <summary>Reads the single record batch of an IPC file; its arrays view <paramref name="file"/>
    /// directly, so the memory must stay unchanged while they are used.</summary>
    public static RecordBatch ReadFile(ReadOnlyMemory<byte> file, ArrowReadOptions? options = null)
    {
        var reader = new ArrowFileReader(file, options);
        if (reader.RecordBatchCount != 1)
            throw new ArrowFormatException($"expected one record batch in the IPC file, found {reader.RecordBatchCount}");
        return reader.ReadRecordBatch(0);
    }

    /// <summary>Reads the single record batch of an IPC file held in an array (zero-copy, as above).</summary>
    public static RecordBatch ReadFile(byte[] file, ArrowReadOptions? options = null) =>
        ReadFile(new ReadOnlyMemory<byte>(file), options);

    /// <summary>Copies <paramref name="file"/> once (e.g. out of wasm memory) and reads its single batch.</summary>
    public static RecordBatch ReadFile(ReadOnlySpan<byte> file, ArrowReadOptions? options = null) =>
        ReadFile(new ReadOnlyMemory<byte>(file.ToArray()), options);

    /// <summary>All record batches of an IPC stream held in memory (zero-copy).</summary>
    public static IReadOnlyList<RecordBatch> ReadStream(ReadOnlyMemory<byte> stream, ArrowReadOptions? options = null)
    {
        var reader = new ArrowStreamReader(stream, options);
        return reader.ReadAll().ToList();
    }
}
