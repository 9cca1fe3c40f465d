// Malformed and hostile IPC: whatever Apache.Arrow's reader throws, and whatever it lets through that would fail at
// element access, must come out of ArrowIpc as one ArrowFormatException naming the problem.
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace Wasql.Arrow.Tests;

public class MalformedInputTests
{
    [Fact]
    public void EveryTruncationOfAFileIsAFormatError()
    {
        var bytes = ArrowIpc.WriteFile(SampleBatches.AllTypesBatch());
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes.AsMemory(0, n)));
    }

    [Fact]
    public void EveryTruncationOfAStreamIsAFormatErrorOrFewerBatches()
    {
        var all = SampleBatches.AllTypesBatch();
        var ms = new MemoryStream();
        using (var w = new ArrowStreamWriter(ms, all.Schema, leaveOpen: true))
        {
            w.WriteRecordBatch(all);
            w.WriteRecordBatch(all.Slice(1, 2));
            w.WriteEnd();
        }
        var bytes = ms.ToArray();
        int complete = 0;
        for (int n = 0; n < bytes.Length; n++)
        {
            try
            {
                var batches = ArrowIpc.ReadStream(bytes.AsMemory(0, n));
                foreach (var b in batches) ReadEverything(b);
                complete++;
            }
            catch (ArrowFormatException) { }
        }
        Assert.True(complete >= 2, "prefixes ending at message boundaries read as shorter streams");
    }

    [Fact]
    public void NotAnArrowFile()
    {
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile("PAR1 definitely not arrow data"u8.ToArray()));
        Assert.Contains("ARROW1", e.Message);
    }

    [Fact]
    public void FooterLengthThatLies()
    {
        var bytes = ArrowIpc.WriteFile(Strings("aaaa", "bbbb"));
        BitConverter.GetBytes(bytes.Length * 2).CopyTo(bytes, bytes.Length - 10);
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains("footer length", e.Message);
    }

    [Fact]
    public void OffsetPastTheEndOfTheData()
    {
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(ArrowIpc.WriteFile(Forged(StringType.Default, 2, Ints(0, 4, 400), "aaaabbbb"u8.ToArray()))));
        Assert.Contains("column 0: offset 400 past the 8 values", e.Message);
    }

    [Fact]
    public void DecreasingOffsets()
    {
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(ArrowIpc.WriteFile(Forged(BinaryType.Default, 2, Ints(0, 6, 4), "aaaabbbb"u8.ToArray()))));
        Assert.Contains("offsets decrease", e.Message);
    }

    [Fact]
    public void InvalidUtf8IsRefused()
    {
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(ArrowIpc.WriteFile(Forged(StringType.Default, 1, Ints(0, 2), [0xC3, 0x28]))));
        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Fact]
    public void Utf8ValueBoundaryInsideACharacterIsRefused()
    {
        // "é" is C3 A9: two values of one byte each split it
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(ArrowIpc.WriteFile(Forged(StringType.Default, 2, Ints(0, 1, 2), [0xC3, 0xA9]))));
        Assert.Contains("value 0 is not valid UTF-8", e.Message);
    }

    [Fact]
    public void ListOffsetsPastTheChildAreRefused()
    {
        var items = new ArrayData(Int32Type.Default, 2, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(Ints(1, 2))], []);
        var list = new ArrayData(new ListType(Int32Type.Default), 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(Ints(0, 9))], [items]);
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(ArrowIpc.WriteFile(Batch(list))));
        Assert.Contains("offset 9 past the 2 values", e.Message);
    }

    [Fact]
    public void DictionaryIndexOutsideTheDictionaryIsRefused()
    {
        var dictionary = new ArrayData(StringType.Default, 2, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(Ints(0, 3, 8)), new ArrowBuffer("redgreen"u8.ToArray())], []);
        var type = new DictionaryType(Int32Type.Default, StringType.Default, false);
        var indices = new ArrayData(type, 3, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(Ints(0, 1, 7))], [], dictionary);
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadStream(ArrowIpc.WriteStream(Batch(indices))));
        Assert.Contains("dictionary index 7 outside a dictionary of 2", e.Message);
    }

    [Fact]
    public void NestingDeeperThanTheLimitIsRefusedBeforeThePackageRecurses()
    {
        IArrowType type = Int32Type.Default;
        for (int i = 0; i < 80; i++) type = new ListType(type);
        var batch = new RecordBatch(new Schema([new Field("deep", type, true)], null), [BoxedArrays.Build(type, [])], 0);
        var bytes = ArrowIpc.WriteFile(batch);
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(bytes));
        Assert.Contains($"more than {SchemaDepthGuard.MaxDepth} levels deep", e.Message);
        // just under the limit reads
        type = Int32Type.Default;
        for (int i = 0; i < SchemaDepthGuard.MaxDepth - 1; i++) type = new ListType(type);
        var ok = new RecordBatch(new Schema([new Field("deep", type, true)], null), [BoxedArrays.Build(type, [])], 0);
        Assert.Equal(0, ArrowIpc.ReadFile(ArrowIpc.WriteFile(ok)).Length);
    }

    [Fact]
    public void ReadFileWantsExactlyOneBatch()
    {
        var batch = Strings("aaaa", "bbbb");
        var ms = new MemoryStream();
        using (var w = new ArrowFileWriter(ms, batch.Schema, leaveOpen: true))
        {
            w.WriteRecordBatch(batch);
            w.WriteRecordBatch(batch);
            w.WriteEnd();
        }
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFile(ms.ToArray()));
        Assert.Contains("found 2", e.Message);
    }

    private static RecordBatch Strings(params string[] values) => SampleBatches.Build([new("s", StringType.Default, values)]);

    private static RecordBatch Batch(ArrayData column) =>
        new(new Schema([new Field("c", column.DataType, true)], null), [ArrowArrayFactory.BuildArray(column)], column.Length);

    /// <summary>A variable-length column with the given (possibly wrong) offsets, written as the package writes any buffer.</summary>
    private static RecordBatch Forged(IArrowType type, int length, byte[] offsets, byte[] data) =>
        Batch(new ArrayData(type, length, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(offsets), new ArrowBuffer(data)], []));

    private static byte[] Ints(params int[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>Touches every value of every column, as a consumer would.</summary>
    internal static void ReadEverything(RecordBatch batch)
    {
        foreach (var column in batch.Arrays)
            for (int i = 0; i < column.Length; i++)
            {
                BoxedValues.Get(column, i);
                Interop.Canonical.Value(column, i);
            }
    }
}
