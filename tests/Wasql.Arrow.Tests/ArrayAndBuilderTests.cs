// Arrays and builders on their own: span access, NULL slots written as zero, slicing semantics of
// every layout, decimal conversions, bit utilities, and that string appends do not allocate per value.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Builders;
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Tests;

public class ArrayAndBuilderTests
{
    [Fact]
    public void PrimitiveFromSpanIsOneCopyWithoutValidity()
    {
        int[] values = [1, 2, 3, 4];
        var array = Int32Array.From(values);
        values[0] = 99;
        Assert.Equal([1, 2, 3, 4], array.Values.ToArray());
        Assert.Equal(0, array.NullCount);
        Assert.True(array.NullBitmap.IsEmpty);
    }

    [Fact]
    public void NullSlotsAreZeroAndValidityIsLazy()
    {
        var b = new PrimitiveArrayBuilder<long>(ArrowType.Int64);
        b.AppendRange([5, 6, 7], [true, false, true]);
        b.AppendNull();
        b.Append(8);
        var a = b.Build();
        Assert.Equal([5L, 0, 7, 0, 8], a.Values.ToArray());
        Assert.Equal([5L, null, 7, null, 8], Enumerable.Range(0, 5).Select(i => a.GetValue(i)));
        Assert.Equal(2, a.NullCount);
        Assert.Equal(0, b.Length);
    }

    [Fact]
    public void StringBuilderKeepsUtf8AndOffsets()
    {
        var b = new StringArrayBuilder();
        b.Append("héllo");
        b.AppendNull();
        b.Append("".AsSpan());
        b.AppendUtf8("x"u8);
        var a = b.Build();
        Assert.Equal([0, 6, 6, 6, 7], a.ValueOffsets.ToArray());
        Assert.Equal("héllo", a.GetString(0));
        Assert.Null(a.GetString(1));
        Assert.Equal("", a.GetString(2));
        Assert.True(a.ValueEquals(3, "x"u8));
    }

    [Fact]
    public void StringAppendsDoNotAllocatePerValue()
    {
        var b = new StringArrayBuilder(capacity: 20_000, dataCapacity: 400_000);
        string text = "some text value";
        b.Append(text);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) b.Append(text);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000, $"10 000 appends allocated {allocated} bytes");
    }

    [Fact]
    public void LargeStringsUse64BitOffsets()
    {
        var b = new StringArrayBuilder(large: true);
        b.Append("ab");
        b.Append("c");
        var a = b.Build();
        Assert.Equal(ArrowType.LargeUtf8, a.Type);
        Assert.Equal([0L, 2, 3], a.LargeValueOffsets.ToArray());
        Assert.Throws<InvalidOperationException>(() => a.ValueOffsets.Length);
    }

    [Fact]
    public void SlicesShareBuffersAndAdjustEverything()
    {
        var column = SampleBatches.AllTypes();
        foreach (var c in column)
        {
            var array = ArrayBuilder.Build(c.Type, c.Values);
            var slice = array.Slice(1, 2);
            Assert.Same(array.Data.Buffers, slice.Data.Buffers);
            Assert.Equal(2, slice.Length);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(array.IsNull(i + 1), slice.IsNull(i));
                ValueAssert.Equal(array.GetObject(i + 1), slice.GetObject(i), $"{c.Name} slice[{i}]");
            }
            Assert.Equal(c.Values.Skip(1).Take(2).Count(v => v is null), slice.NullCount);
        }
    }

    [Fact]
    public void StructFieldsAreAlignedWithTheSlice()
    {
        var type = new StructType(new Field("a", ArrowType.Int32), new Field("b", ArrowType.Utf8));
        var array = (StructArray)ArrayBuilder.Build(type, [SampleRow(1, "x"), SampleRow(2, "y"), SampleRow(3, "z")]);
        var slice = (StructArray)array.Slice(1, 2);
        Assert.Equal([2, 3], ((Int32Array)slice.Fields[0]).Values.ToArray());
        Assert.Equal("z", ((StringArray)slice.GetFieldArray("b")).GetString(1));
    }

    [Fact]
    public void IndexOutsideTheArrayIsArgumentOutOfRange()
    {
        var a = Int32Array.From([1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.IsNull(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Value(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Slice(1, 1));
    }

    [Fact]
    public void RecordBatchChecksColumns()
    {
        var schema = new Schema(new Field("a", ArrowType.Int32));
        Assert.Throws<ArgumentException>(() => new RecordBatch(schema, [Int64Array.From([1])], 1));
        Assert.Throws<ArgumentException>(() => new RecordBatch(schema, [Int32Array.From([1, 2])], 1));
        Assert.Throws<ArgumentException>(() => new RecordBatch(schema, [], 1));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1.11", 2)]
    [InlineData("-3.33", 2)]
    [InlineData("79228162514264337593543950335", 0)]
    [InlineData("-0.0000000000000000000000000001", 28)]
    public void DecimalConversionsAreExact(string text, int scale)
    {
        decimal d = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var unscaled = Decimal128Array.FromDecimal(d, scale);
        Assert.Equal(d, Decimal128Array.ToDecimal(unscaled, scale));
        Assert.Equal(text, Decimal128Array.Format(unscaled, scale));
    }

    [Fact]
    public void DecimalFormatsValuesBeyondSystemDecimal()
    {
        var max = Int128.Parse("99999999999999999999999999999999999999");
        Assert.Equal("9999999999999999999999999999999999.9999", Decimal128Array.Format(max, 4));
        Assert.Equal("-170141183460469231731687303715884105728", Decimal128Array.Format(Int128.MinValue, 0));
        Assert.Equal("12300", Decimal128Array.Format(123, -2));
        Assert.Throws<OverflowException>(() => Decimal128Array.ToDecimal(max, 4));
    }

    [Fact]
    public void BitUtilMatchesANaiveModel()
    {
        var random = new Random(7);
        var bits = new byte[40];
        random.NextBytes(bits);
        for (int offset = 0; offset < 20; offset++)
            for (int length = 0; length < 200; length += 7)
            {
                int naive = 0;
                for (int i = offset; i < offset + length; i++) naive += (bits[i >> 3] >> (i & 7)) & 1;
                Assert.Equal(naive, BitUtil.CountSetBits(bits, offset, length));
                var copy = new byte[BitUtil.BytesForBits(length)];
                BitUtil.CopyBits(bits, offset, copy, length);
                for (int i = 0; i < length; i++) Assert.Equal(BitUtil.GetBit(bits, offset + i), BitUtil.GetBit(copy, i));
            }
    }

    [Fact]
    public void TemporalHelpersConvert()
    {
        var dates = Date32Array.From([0, 19000]);
        Assert.Equal(new DateOnly(2022, 1, 8), dates.GetDate(1));
        var ts = TimestampArray.From(new TimestampType(TimeUnit.Microsecond), [1_000_000]);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1), ts.GetDateTime(0));
        var b = ArrayBuilder.For(ArrowType.Date32);
        b.AppendObject(new DateOnly(1970, 1, 2));
        Assert.Equal(1, ((Date32Array)b.Build()).Value(0));
    }

    [Fact]
    public void FieldMetadataIsKeptAndCompared()
    {
        var json = new Field("r", ArrowType.Utf8, true, new Dictionary<string, string> { ["ARROW:extension:name"] = "arrowudf.json" });
        Assert.Equal("arrowudf.json", json.ExtensionName);
        Assert.NotEqual(json, new Field("r", ArrowType.Utf8));
        var batch = new RecordBatch(new Schema(json), [StringArray.From(["{}"])], 1);
        var back = ArrowIpc.ReadFile(ArrowIpc.WriteFile(batch));
        Assert.Equal("arrowudf.json", back.Schema.Fields[0].ExtensionName);
    }

    private static Dictionary<string, object?> SampleRow(int a, string b) => new() { ["a"] = a, ["b"] = b };
}
