// IPC entry points over Apache.Arrow's readers and writers for what the package lacks: reading an IPC *file* held
// in memory without copying (the package's ArrowFileReader takes only a Stream), and turning whatever the package
// throws on malformed input into one ArrowFormatException, after the structural checks of BatchValidator.
//
// An IPC file is "ARROW1" + padding, the IPC stream (schema, dictionaries, batches, end marker), the footer, its
// int32 length and "ARROW1" again. Reading the stream part between the leading magic and the footer gives the same
// batches in file order; the footer's block index is not needed for the single-batch files of the UDF ABI.
using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Wasql.Arrow;

public static class ArrowIpc
{
    private static ReadOnlySpan<byte> Magic => "ARROW1"u8;
    private const int LeadingMagicBytes = 8;   // magic + 2 bytes of padding to 8
    private const int TrailerBytes = 10;       // int32 footer length + magic

    /// <summary>The batch as an IPC file (schema, one batch, footer).</summary>
    public static byte[] WriteFile(RecordBatch batch)
    {
        var ms = new MemoryStream();
        WriteFile(batch, ms);
        return ms.ToArray();
    }

    /// <summary>Appends the batch as an IPC file to <paramref name="output"/> (left open).</summary>
    public static void WriteFile(RecordBatch batch, Stream output)
    {
        using var writer = new ArrowFileWriter(output, batch.Schema, leaveOpen: true);
        writer.WriteRecordBatch(batch);
        writer.WriteEnd();
    }

    /// <summary>The batch as an IPC stream (schema, one batch, end marker).</summary>
    public static byte[] WriteStream(RecordBatch batch)
    {
        var ms = new MemoryStream();
        using (var writer = new ArrowStreamWriter(ms, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }
        return ms.ToArray();
    }

    /// <summary>The stream part of an IPC file: between the leading magic and the footer. Pure bounds arithmetic.</summary>
    public static ReadOnlyMemory<byte> StreamOfFile(ReadOnlyMemory<byte> file)
    {
        var span = file.Span;
        if (span.Length < LeadingMagicBytes + TrailerBytes || !span[..Magic.Length].SequenceEqual(Magic) || !span[^Magic.Length..].SequenceEqual(Magic))
            throw new ArrowFormatException($"not an Arrow IPC file ({span.Length} bytes without the ARROW1 magic at both ends)");
        int footer = BinaryPrimitives.ReadInt32LittleEndian(span[^TrailerBytes..]);
        int end = span.Length - TrailerBytes - footer;
        if (footer <= 0 || end < LeadingMagicBytes)
            throw new ArrowFormatException($"the IPC file's footer length {footer} does not fit its {span.Length} bytes");
        return file[LeadingMagicBytes..end];
    }

    /// <summary>Reads the single record batch of an IPC file. Zero-copy: its arrays view <paramref name="file"/>, which
    /// must stay unchanged while they are used. Every array has been validated (see <see cref="BatchValidator"/>).</summary>
    public static RecordBatch ReadFile(ReadOnlyMemory<byte> file)
    {
        var batches = ReadFileBatches(file);
        if (batches.Count != 1) throw new ArrowFormatException($"expected one record batch in the IPC file, found {batches.Count}");
        return batches[0];
    }

    /// <summary>All record batches of an IPC file, validated: zero-copy when its body starts with the schema (arrow-rs,
    /// arrow C++, Apache.Arrow and the arrow-udf guests write it so); otherwise (apache-arrow JS keeps the schema
    /// only in the footer) through the package's footer-driven file reader, which copies the buffers.</summary>
    public static IReadOnlyList<RecordBatch> ReadFileBatches(ReadOnlyMemory<byte> file)
    {
        var body = StreamOfFile(file);
        if (SchemaDepthGuard.StartsWithSchema(body)) return ReadStream(body);
        var footerStart = LeadingMagicBytes + body.Length;
        SchemaDepthGuard.CheckFooter(file[footerStart..^TrailerBytes]);
        var list = new List<RecordBatch>();
        try
        {
            using var reader = new ArrowFileReader(new ReadOnlyMemoryStream(file), ManagedAllocator.Instance);
            int count = reader.RecordBatchCountAsync().AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < count; i++)
            {
                var batch = reader.ReadRecordBatchAsync(i).AsTask().GetAwaiter().GetResult()
                    ?? throw new ArrowFormatException($"record batch {i} of the IPC file is missing");
                BatchValidator.Validate(batch);
                list.Add(batch);
            }
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw new ArrowFormatException($"malformed Arrow IPC file: {e.Message}", e);
        }
        return list;
    }

    /// <summary>A read-only seekable stream over memory (the package's file reader needs a Stream).</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => _position = (int)Math.Clamp(value, 0, memory.Length); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => memory.Length + offset,
        };
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>All record batches of an IPC stream held in memory (zero-copy, validated).</summary>
    public static IReadOnlyList<RecordBatch> ReadStream(ReadOnlyMemory<byte> stream)
    {
        SchemaDepthGuard.Check(stream);
        var list = new List<RecordBatch>(1);
        try
        {
            using var reader = new ArrowStreamReader(stream);
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                BatchValidator.Validate(batch);
                list.Add(batch);
            }
            if (reader.Schema is null) throw new ArrowFormatException("the IPC stream has no schema");
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw new ArrowFormatException($"malformed Arrow IPC: {e.Message}", e);
        }
        return list;
    }

    /// <summary>What the package throws for bad bytes (it does not use one type): everything but our own error and
    /// the process-level failures.</summary>
    private static bool IsFormatError(Exception e) =>
        e is not (ArrowFormatException or OutOfMemoryException or InsufficientExecutionStackException or ThreadAbortException);
}
