// Malformed and unsupported input: each case must be an ArrowFormatException whose message says what
// is wrong (and where), never another exception and never a read outside the input.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Builders;
using Wasql.Arrow.Ipc;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Tests;

public class MalformedInputTests
{
    [Fact]
    public void EveryTruncationOfAFileIsAFormatError()
    {
        var bytes = ArrowIpc.WriteFile(SampleBatches.AllTypesBatch());
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<ArrowFormatException>(() => ReadEverything(new ArrowFileReader(bytes.AsMemory(0, n))));
    }

    [Fact]
    public void EveryTruncationOfAStreamIsAFormatErrorOrFewerBatches()
    {
        var all = SampleBatches.AllTypesBatch();
        var ms = new MemoryStream();
        using (var w = new ArrowStreamWriter(ms, all.Schema, leaveOpen: true))
        {
            w.WriteBatch(all);
            w.WriteBatch(all.Slice(1, 2));
        }
        var bytes = ms.ToArray();
        int complete = 0;
        for (int n = 0; n < bytes.Length; n++)
        {
            try
            {
                var batches = new ArrowStreamReader(bytes.AsMemory(0, n)).ReadAll().ToList();
                batches.ForEach(ReadEverything);
                // only the prefix that lacks just the end-of-stream marker holds both batches
                Assert.True(batches.Count < 2 || n == bytes.Length - 8, $"a {n}-byte prefix yielded both batches");
                complete++;
            }
            catch (ArrowFormatException) { }
            try
            {
                using var reader = new ArrowStreamReader(new MemoryStream(bytes, 0, n));
                reader.ReadAll().ToList().ForEach(ReadEverything);
            }
            catch (ArrowFormatException) { }
        }
        Assert.True(complete >= 2, "prefixes ending at message boundaries read as shorter streams");
    }

    [Fact]
    public void NotAnArrowFile()
    {
        var e = Assert.Throws<ArrowFormatException>(() => new ArrowFileReader("PAR1 definitely not arrow data"u8.ToArray()));
        Assert.Contains("ARROW1", e.Message);
    }

    [Fact]
    public void FooterLengthThatLies()
    {
        var bytes = ArrowIpc.WriteFile(Utf8Batch());
        BitConverter.GetBytes(int.MaxValue - 3).CopyTo(bytes, bytes.Length - 10);
        var e = Assert.Throws<ArrowFormatException>(() => new ArrowFileReader(bytes));
        Assert.Contains("footer length", e.Message);
        Assert.Equal(bytes.Length - 10, e.Position);
    }

    [Fact]
    public void FooterRootOffsetOutsideTheBuffer()
    {
        var bytes = ArrowIpc.WriteFile(Utf8Batch());
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 10);
        BitConverter.GetBytes(0x7FFFFFF0).CopyTo(bytes, bytes.Length - 10 - footerLength);
        var e = Assert.Throws<ArrowFormatException>(() => new ArrowFileReader(bytes));
        Assert.Contains("Footer", e.Message);
        Assert.Contains("outside", e.Message);
    }

    [Fact]
    public void OffsetPastTheEndOfTheData()
    {
        var bytes = ArrowIpc.WriteFile(Utf8Batch());
        Patch(bytes, Ints(0, 4, 8), Ints(0, 4, 200));
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("field 's': last offset 200 is past the end of the data buffer (8)", e.Message);
        Assert.True(e.Position > 0);
    }

    [Fact]
    public void DecreasingOffsets()
    {
        var bytes = ArrowIpc.WriteFile(Utf8Batch());
        Patch(bytes, Ints(0, 4, 8), Ints(0, 9, 8));
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("offset 2 (8) is less than offset 1 (9)", e.Message);
    }

    [Fact]
    public void InvalidUtf8IsRefusedWhenValidated()
    {
        var bytes = ArrowIpc.WriteFile(Utf8Batch());
        Patch(bytes, "aaaabbbb"u8, [0x61, 0x61, 0x61, 0x61, 0x62, 0xFF, 0x62, 0x62]);
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("field 's': value 1 is not valid UTF-8", e.Message);

        var unchecked_ = ArrowIpc.ReadFile(bytes, new ArrowReadOptions { ValidateUtf8 = false });
        Assert.Equal(4, ((StringArray)unchecked_.Column(0)).GetBytes(1).Length);
    }

    [Fact]
    public void Utf8ValueBoundaryInsideACharacterIsRefused()
    {
        var batch = new RecordBatch([("s", (ArrowArray)StringArray.From(["é", "x"]))]);
        var bytes = ArrowIpc.WriteFile(batch);
        Patch(bytes, Ints(0, 2, 3), Ints(0, 1, 3));
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Fact]
    public void NullCountThatDisagreesWithTheBitmap()
    {
        var bytes = ArrowIpc.WriteFile(Int32With77RowsAnd3Nulls());
        Patch(bytes, Longs(77, 3), Longs(77, 4));
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("null count 4 disagrees with the validity bitmap (3 NULLs)", e.Message);
    }

    [Fact]
    public void NodeLengthThatLies()
    {
        var bytes = ArrowIpc.WriteFile(Int32With77RowsAnd3Nulls());
        Patch(bytes, Longs(77, 3), Longs(1000, 3));
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("field 'a'", e.Message);
        Assert.Contains("too short", e.Message);
    }

    [Fact]
    public void BufferOutsideTheBody()
    {
        var bytes = ArrowIpc.WriteFile(Int32With77RowsAnd3Nulls());
        Patch(bytes, Longs(16, 308), Longs(16, 1L << 40));
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("values buffer [16, +1099511627776) lies outside the", e.Message);
    }

    [Fact]
    public void BigEndianIsRefusedClearly()
    {
        var stream = IpcForge.Concat(IpcForge.Message(MessageHeaderType.Schema, b => IpcForge.Schema(b, endianness: 1)), IpcForge.EndOfStream);
        var e = Assert.Throws<ArrowFormatException>(() => new ArrowStreamReader(stream));
        Assert.Contains("big-endian", e.Message);
    }

    [Fact]
    public void LittleEndianForgedStreamReads()
    {
        var stream = IpcForge.Concat(
            IpcForge.Message(MessageHeaderType.Schema, b => IpcForge.Schema(b)),
            IpcForge.Message(MessageHeaderType.RecordBatch, b => IpcForge.OneInt32Batch(b, compressed: false), [42, 0, 0, 0, 0, 0, 0, 0]),
            IpcForge.EndOfStream);
        var batch = Assert.Single(ArrowIpc.ReadStream(stream));
        Assert.Equal(42, ((Int32Array)batch.Column(0)).Value(0));
    }

    [Fact]
    public void CompressedBodiesAreNotSupported()
    {
        var stream = IpcForge.Concat(
            IpcForge.Message(MessageHeaderType.Schema, b => IpcForge.Schema(b)),
            IpcForge.Message(MessageHeaderType.RecordBatch, b => IpcForge.OneInt32Batch(b, compressed: true), new byte[8]),
            IpcForge.EndOfStream);
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadStream(stream));
        Assert.Contains("compressed IPC bodies (ZSTD) are not supported", e.Message);
    }

    [Fact]
    public void UnionTypeIsNotSupported()
    {
        var stream = IpcForge.Concat(IpcForge.Message(MessageHeaderType.Schema, b => IpcForge.Schema(b, typeTag: 14)), IpcForge.EndOfStream);
        var e = Assert.Throws<ArrowFormatException>(() => new ArrowStreamReader(stream));
        Assert.Contains("Arrow type Union is not supported", e.Message);
    }

    [Fact]
    public void OldMetadataVersionIsRefused()
    {
        var stream = IpcForge.Concat(IpcForge.Message(MessageHeaderType.Schema, b => IpcForge.Schema(b), version: 2), IpcForge.EndOfStream);
        var e = Assert.Throws<ArrowFormatException>(() => new ArrowStreamReader(stream));
        Assert.Contains("metadata version V3 is not supported", e.Message);
    }

    [Fact]
    public void StreamMustStartWithASchema()
    {
        var stream = IpcForge.Concat(IpcForge.Message(MessageHeaderType.RecordBatch, b => IpcForge.OneInt32Batch(b, false), new byte[8]), IpcForge.EndOfStream);
        var e = Assert.Throws<ArrowFormatException>(() => new ArrowStreamReader(stream));
        Assert.Contains("expected a Schema message first", e.Message);
    }

    [Fact]
    public void NestingDeeperThanTheLimitIsRefused()
    {
        ArrowType type = ArrowType.Int32;
        for (int i = 0; i < 80; i++) type = new ListType(type);
        var batch = new RecordBatch(new Schema(new Field("deep", type)), [ArrayBuilder.For(type).Build()], 0);
        var bytes = ArrowIpc.WriteFile(batch);
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("nests deeper than 64 levels", e.Message);
        Assert.Equal(0, ArrowIpc.ReadFile(bytes, new ArrowReadOptions { MaxNestingDepth = 100 }).Length);
    }

    [Fact]
    public void ReadFileWantsExactlyOneBatch()
    {
        var ms = new MemoryStream();
        using (var w = new ArrowFileWriter(ms, Utf8Batch().Schema, leaveOpen: true))
        {
            w.WriteBatch(Utf8Batch());
            w.WriteBatch(Utf8Batch());
        }
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(ms.ToArray()));
        Assert.Contains("found 2", e.Message);
    }

    [Fact]
    public void DictionaryDecodingIsBounded()
    {
        // written by apache-arrow JS (interop/write.mjs); column "dict" is dictionary-encoded
        var bytes = File.ReadAllBytes(Path.Combine(Interop.NodeRunner.RepoRoot, "tests/Wasql.Arrow.Tests/data/js_all_types.arrow"));
        Assert.Equal("green", ((StringArray)new ArrowFileReader(bytes).ReadRecordBatch(0).Column("dict")).GetString(1));
        var reader = new ArrowFileReader(bytes, new ArrowReadOptions { MaxDictionaryDecodedSize = 6 });
        var e = Assert.Throws<ArrowFormatException>(() => reader.ReadRecordBatch(0));
        Assert.Contains("MaxDictionaryDecodedSize", e.Message);
    }

    private static RecordBatch Utf8Batch() => new([("s", (ArrowArray)StringArray.From(["aaaa", "bbbb"]))]);

    private static RecordBatch Int32With77RowsAnd3Nulls()
    {
        var b = new PrimitiveArrayBuilder<int>(ArrowType.Int32);
        for (int i = 0; i < 77; i++)
        {
            if (i % 30 == 5) b.AppendNull();
            else b.Append(i);
        }
        return new RecordBatch([("a", (ArrowArray)b.Build())]);
    }

    private static byte[] Ints(params int[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
    private static byte[] Longs(params long[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>Replaces the single occurrence of <paramref name="find"/> in <paramref name="bytes"/>.</summary>
    internal static void Patch(byte[] bytes, ReadOnlySpan<byte> find, ReadOnlySpan<byte> replace)
    {
        int at = bytes.AsSpan().IndexOf(find);
        Assert.True(at >= 0, "pattern not found");
        Assert.True(bytes.AsSpan(at + 1).IndexOf(find) < 0, "pattern is not unique");
        replace.CopyTo(bytes.AsSpan(at));
    }

    /// <summary>Touches every value of every column, as a consumer would.</summary>
    internal static void ReadEverything(ArrowFileReader reader)
    {
        foreach (var batch in reader.ReadAll()) ReadEverything(batch);
    }

    internal static void ReadEverything(RecordBatch batch)
    {
        foreach (var column in batch.Columns)
            for (int i = 0; i < column.Length; i++)
            {
                column.GetObject(i);
                Interop.Canonical.Value(column, i);
            }
    }
}
