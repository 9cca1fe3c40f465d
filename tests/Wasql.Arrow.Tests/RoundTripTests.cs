// Round trips through our own writer and reader (file and stream, memory and Stream): every type,
// NULLs, empty batches, zero-column batches, slices and nested lists of structs keep schema and values.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Builders;
using Wasql.Arrow.Ipc;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Tests;

public class RoundTripTests
{
    public static TheoryData<string> ColumnNames() => new(SampleBatches.AllTypes().Select(c => c.Name));

    private static SampleBatches.Column ColumnNamed(string name) => SampleBatches.AllTypes().Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(ColumnNames))]
    public void BuilderKeepsValues(string name)
    {
        var column = ColumnNamed(name);
        var array = ArrayBuilder.Build(column.Type, column.Values);
        Assert.Equal(column.Type, array.Type);
        Assert.Equal(column.Values.Length, array.Length);
        for (int i = 0; i < array.Length; i++) ValueAssert.Equal(column.Values[i], array.GetObject(i), $"{name}[{i}]");
        Assert.Equal(column.Values.Count(v => v is null), array.NullCount);
    }

    [Theory]
    [MemberData(nameof(ColumnNames))]
    public void EveryTypeRoundTrips(string name)
    {
        var batch = SampleBatches.Build([ColumnNamed(name)]);
        foreach (var back in ReadBackAllWays(batch)) AssertSameBatch(batch, back);
    }

    [Theory]
    [MemberData(nameof(ColumnNames))]
    public void SlicesRoundTrip(string name)
    {
        var batch = SampleBatches.Build([ColumnNamed(name)]);
        foreach (var (offset, length) in new[] { (1, 3), (1, 2), (3, 1), (2, 0), (0, 4) })
        {
            var slice = batch.Slice(offset, length);
            foreach (var back in ReadBackAllWays(slice)) AssertSameBatch(slice, back);
        }
    }

    [Fact]
    public void AllTypesInOneBatchRoundTrip()
    {
        var batch = SampleBatches.AllTypesBatch();
        foreach (var back in ReadBackAllWays(batch)) AssertSameBatch(batch, back);
    }

    [Fact]
    public void EmptyBatchRoundTrips()
    {
        var batch = SampleBatches.Build(SampleBatches.AllTypes().Select(c => c with { Values = [] }).ToList());
        Assert.Equal(0, batch.Length);
        foreach (var back in ReadBackAllWays(batch)) AssertSameBatch(batch, back);
    }

    [Fact]
    public void ZeroColumnBatchKeepsItsRowCount()
    {
        var batch = new RecordBatch(new Schema(), [], 7);
        foreach (var back in ReadBackAllWays(batch))
        {
            Assert.Equal(7, back.Length);
            Assert.Equal(0, back.ColumnCount);
        }
    }

    [Fact]
    public void NestedListsOfStructsRoundTripWhole()
    {
        var batch = NestedBatch();
        foreach (var back in ReadBackAllWays(batch)) AssertSameBatch(batch, back);
        foreach (var back in ReadBackAllWays(batch.Slice(1, 2))) AssertSameBatch(batch.Slice(1, 2), back);
    }

    [Fact]
    public void SeveralBatchesInFileAndStream()
    {
        var all = SampleBatches.AllTypesBatch();
        var batches = new[] { all, all.Slice(1, 2), all.Slice(0, 0), all.Slice(3, 1) };

        var fileStream = new MemoryStream();
        using (var writer = new ArrowFileWriter(fileStream, all.Schema, leaveOpen: true))
            foreach (var b in batches) writer.WriteBatch(b);
        var fileReader = new ArrowFileReader(fileStream.ToArray());
        Assert.Equal(batches.Length, fileReader.RecordBatchCount);
        for (int i = 0; i < batches.Length; i++) AssertSameBatch(batches[i], fileReader.ReadRecordBatch(i));

        var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, all.Schema, leaveOpen: true))
            foreach (var b in batches) writer.WriteBatch(b);
        var read = new ArrowStreamReader(new TrickleStream(stream.ToArray())).ReadAll().ToList();
        Assert.Equal(batches.Length, read.Count);
        for (int i = 0; i < batches.Length; i++) AssertSameBatch(batches[i], read[i]);
    }

    [Fact]
    public void StreamWithoutBatchesHasSchemaOnly()
    {
        var schema = new Schema(new Field("a", ArrowType.Int32));
        var ms = new MemoryStream();
        using (new ArrowStreamWriter(ms, schema, leaveOpen: true)) { }
        var reader = new ArrowStreamReader(ms.ToArray());
        Assert.Equal(schema, reader.Schema);
        Assert.Null(reader.ReadNext());
    }

    [Fact]
    public void ReadFileIsZeroCopyOverTheInput()
    {
        var batch = new RecordBatch([("a", (ArrowArray)Int32Array.From([1, 2, 3]))]);
        var bytes = ArrowIpc.WriteFile(batch);
        var back = ArrowIpc.ReadFile(bytes.AsMemory());
        var values = ((Int32Array)back.Column(0)).Values;
        int index = bytes.AsSpan().IndexOf(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        Assert.True(index > 0);
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(ref bytes[index],
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values))));
    }

    [Fact]
    public void FileLayoutHasMagicAlignedBlocksAndFooter()
    {
        var bytes = ArrowIpc.WriteFile(SampleBatches.AllTypesBatch());
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual("ARROW1\0\0"u8));
        Assert.True(bytes.AsSpan(bytes.Length - 6).SequenceEqual("ARROW1"u8));
        Assert.Equal(0, bytes.Length % 2);
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 10);
        Assert.Equal(0, (bytes.Length - 10 - footerLength) % 8);
        // schema message starts right after the magic, with the continuation marker
        Assert.Equal(0xFFFFFFFFu, BitConverter.ToUInt32(bytes, 8));
        Assert.Equal(0, BitConverter.ToInt32(bytes, 12) % 8);
    }

    internal static RecordBatch NestedBatch()
    {
        var inner = new StructType(new Field("tags", new ListType(ArrowType.Utf8)), new Field("score", ArrowType.Float64));
        var outer = new StructType(new Field("id", ArrowType.Int64), new Field("inner", inner), new Field("points", new LargeListType(inner)));
        var type = new ListType(outer);
        object?[] values =
        [
            new object?[]
            {
                new Dictionary<string, object?> { ["id"] = 1L, ["inner"] = Inner(["a", null], 0.5), ["points"] = new object?[] { Inner([], 1.0), null } },
                null,
            },
            null,
            Array.Empty<object?>(),
            new object?[]
            {
                new Dictionary<string, object?> { ["id"] = null, ["inner"] = null, ["points"] = null },
                new Dictionary<string, object?> { ["id"] = 3L, ["inner"] = Inner(["x", "y", "z"], null), ["points"] = Array.Empty<object?>() },
            },
        ];
        return SampleBatches.Build([new SampleBatches.Column("nested", type, values)]);

        static Dictionary<string, object?> Inner(string?[] tags, double? score) => new() { ["tags"] = tags, ["score"] = score };
    }

    /// <summary>The batch written and read back as file bytes, stream bytes, and through Streams.</summary>
    internal static IEnumerable<RecordBatch> ReadBackAllWays(RecordBatch batch)
    {
        yield return ArrowIpc.ReadFile(ArrowIpc.WriteFile(batch).AsMemory());
        yield return ArrowIpc.ReadFile(ArrowIpc.WriteFile(batch).AsSpan());
        yield return Assert.Single(ArrowIpc.ReadStream(ArrowIpc.WriteStream(batch)));

        var file = new MemoryStream();
        using (var w = new ArrowFileWriter(file, batch.Schema, leaveOpen: true)) w.WriteBatch(batch);
        Assert.Equal(ArrowIpc.WriteFile(batch), file.ToArray());
        file.Position = 0;
        yield return ArrowFileReader.Open(file).ReadRecordBatch(0);

        var stream = new MemoryStream();
        using (var w = new ArrowStreamWriter(stream, batch.Schema, leaveOpen: true)) w.WriteBatch(batch);
        Assert.Equal(ArrowIpc.WriteStream(batch), stream.ToArray());
        using var reader = new ArrowStreamReader(new TrickleStream(stream.ToArray()));
        yield return reader.ReadNext()!;
        Assert.Null(reader.ReadNext());
    }

    internal static void AssertSameBatch(RecordBatch expected, RecordBatch actual)
    {
        Assert.Equal(expected.Schema, actual.Schema);
        Assert.Equal(expected.Length, actual.Length);
        for (int c = 0; c < expected.ColumnCount; c++)
        {
            var e = expected.Column(c);
            var a = actual.Column(c);
            Assert.Equal(e.NullCount, a.NullCount);
            for (int i = 0; i < e.Length; i++)
                ValueAssert.Equal(e.GetObject(i), a.GetObject(i), $"{expected.Schema.Fields[c].Name}[{i}]");
        }
    }
}

/// <summary>A read-only stream that returns at most 3 bytes per Read, to exercise partial reads.</summary>
internal sealed class TrickleStream(byte[] data) : MemoryStream(data, false)
{
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));
    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 3)]);
}
