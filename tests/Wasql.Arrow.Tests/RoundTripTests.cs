// Every sample type built from boxed values (BoxedArrays), written with the package's IPC writers and read back
// through ArrowIpc (zero-copy, validated), gives back the same boxed values (BoxedValues), whole and sliced.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Wasql.Arrow.Tests;

public class RoundTripTests
{
    public static TheoryData<string> ColumnNames() => new(SampleBatches.AllTypes().Select(c => c.Name));

    private static SampleBatches.Column Sample(string name) => SampleBatches.AllTypes().Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(ColumnNames))]
    public void BoxedValuesComeBackFromTheBuiltArray(string name)
    {
        var column = Sample(name);
        var array = BoxedArrays.Build(column.Type, column.Values);
        Assert.Equal(column.Values.Length, array.Length);
        for (int i = 0; i < column.Values.Length; i++) ValueAssert.Equal(Expected(column.Values[i]), BoxedValues.Get(array, i), $"{name}[{i}]");
    }

    [Theory]
    [MemberData(nameof(ColumnNames))]
    public void EveryTypeRoundTripsThroughFileAndStream(string name)
    {
        var batch = SampleBatches.Build([Sample(name)]);
        foreach (var back in ReadBackBothWays(batch)) AssertSameBatch(batch, back);
    }

    [Theory]
    [MemberData(nameof(ColumnNames))]
    public void SlicesRoundTrip(string name)
    {
        var batch = SampleBatches.Build([Sample(name)]);
        for (int start = 0; start < batch.Length; start++)
            for (int length = 0; start + length <= batch.Length; length++)
            {
                var slice = batch.Slice(start, length);
                foreach (var back in ReadBackBothWays(slice)) AssertSameBatch(slice, back);
            }
    }

    [Fact]
    public void ZeroColumnBatchKeepsItsRowCount()
    {
        var batch = new RecordBatch(new Schema([], null), [], 7);
        foreach (var back in ReadBackBothWays(batch))
        {
            Assert.Equal(7, back.Length);
            Assert.Equal(0, back.ColumnCount);
        }
    }

    [Fact]
    public void ReadFileIsZeroCopyOverTheInput()
    {
        var batch = SampleBatches.Build([new("a", Int32Type.Default, [1, 2, 3])]);
        var bytes = ArrowIpc.WriteFile(batch);
        var back = ArrowIpc.ReadFile(bytes.AsMemory());
        var values = MemoryMarshal.AsBytes(((Int32Array)back.Column(0)).Values);
        int index = bytes.AsSpan().IndexOf(values);
        Assert.True(index > 0);
        Assert.True(Unsafe.AreSame(ref bytes[index], ref MemoryMarshal.GetReference(values)), "the values are a view of the file bytes");
    }

    [Fact]
    public void TypesCompareStructurally()
    {
        Assert.True(ArrowTypes.Same(new ListType(new TimestampType(TimeUnit.Microsecond, (string?)null)), new ListType(new TimestampType(TimeUnit.Microsecond, (string?)null))));
        Assert.False(ArrowTypes.Same(new ListType(Int32Type.Default), new ListType(Int64Type.Default)));
        Assert.False(ArrowTypes.Same(new TimestampType(TimeUnit.Microsecond, "UTC"), new TimestampType(TimeUnit.Microsecond, (string?)null)));
        Assert.False(ArrowTypes.Same(new Decimal128Type(20, 2), new Decimal128Type(20, 3)));
        Assert.True(ArrowTypes.Same(new StructType([new Field("a", StringType.Default, true)]), new StructType([new Field("a", StringType.Default, false)])));
        Assert.False(ArrowTypes.Same(new StructType([new Field("a", StringType.Default, true)]), new StructType([new Field("b", StringType.Default, true)])));
    }

    /// <summary>What BoxedValues gives back for a boxed input value (temporal values stay their stored numbers).</summary>
    private static object? Expected(object? v) => v;

    internal static IEnumerable<RecordBatch> ReadBackBothWays(RecordBatch batch)
    {
        yield return ArrowIpc.ReadFile(ArrowIpc.WriteFile(batch));
        var batches = ArrowIpc.ReadStream(ArrowIpc.WriteStream(batch));
        Assert.Single(batches);
        yield return batches[0];
    }

    internal static void AssertSameBatch(RecordBatch expected, RecordBatch actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        for (int c = 0; c < expected.ColumnCount; c++)
        {
            var field = expected.Schema.FieldsList[c];
            var got = actual.Schema.FieldsList[c];
            Assert.Equal(field.Name, got.Name);
            Assert.True(ArrowTypes.Same(field.DataType, got.DataType), $"{field.Name}: type {got.DataType.Name}");
            Assert.Equal(field.HasMetadata ? field.Metadata : new Dictionary<string, string>(), got.HasMetadata ? got.Metadata : new Dictionary<string, string>());
            for (int i = 0; i < expected.Length; i++)
                ValueAssert.Equal(BoxedValues.Get(expected.Column(c), i), BoxedValues.Get(actual.Column(c), i), $"{field.Name}[{i}]");
        }
    }
}
