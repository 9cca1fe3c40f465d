// The flatbuffers builder and reader against each other: scalars with defaults, strings, vectors of
// tables and structs, nested tables; and the reader's bounds checks on hostile offsets.
using Wasql.Arrow.FlatBuffers;

namespace Wasql.Arrow.Tests;

public class FlatBufferTests
{
    private static byte[] Sample()
    {
        var b = new FlatBufferBuilder(16); // small, to force growth
        int name = b.CreateString("héllo");
        b.StartTable(1);
        b.AddInt(0, 7, 0);
        int child = b.EndTable();
        int children = b.CreateOffsetVector([child, child]);
        b.StartVector(16, 2, 8);
        for (int i = 1; i >= 0; i--)
        {
            b.Prep(8, 16);
            b.PutLong(i * 100 + 1);
            b.PutLong(i * 100);
        }
        int structs = b.EndVector(2);
        b.StartTable(8);
        b.AddOffset(0, name);
        b.AddBool(1, true, false);
        b.AddShort(2, -3, 0);
        b.AddLong(3, long.MinValue, 0);
        b.AddOffset(4, children);
        b.AddOffset(5, structs);
        b.AddByte(6, 0, 0); // default: not written
        return b.Finish(b.EndTable()).ToArray();
    }

    [Fact]
    public void BuilderOutputReadsBack()
    {
        var root = new FlatBufferReader(Sample(), 0).Root("Sample");
        Assert.Equal("héllo", root.GetString(0, "name"));
        Assert.True(root.GetBool(1));
        Assert.Equal(-3, root.GetShort(2));
        Assert.Equal(long.MinValue, root.GetLong(3));
        var children = root.GetVector(4, 4, "children");
        Assert.Equal(2, children.Count);
        Assert.Equal(7, children.GetTable(1, "child").GetInt(0));
        var structs = root.GetVector(5, 16, "structs");
        Assert.Equal(101, structs.GetLong(1, 8));
        Assert.Equal(100, structs.GetLong(1, 0));
        Assert.False(root.Has(6));
        Assert.Equal(9, root.GetByte(6, 9));
        Assert.False(root.Has(40));
        Assert.False(root.GetTable(7, "absent").Exists);
    }

    [Fact]
    public void EveryCorruptionOfTheSampleIsAFormatErrorOrReadsInBounds()
    {
        var sample = Sample();
        for (int at = 0; at < sample.Length; at++)
            foreach (byte value in new byte[] { 0, 0x7F, 0x80, 0xFF })
            {
                var bytes = (byte[])sample.Clone();
                bytes[at] = value;
                try
                {
                    var root = new FlatBufferReader(bytes, 0).Root("Sample");
                    root.GetString(0, "name");
                    var children = root.GetVector(4, 4, "children");
                    for (int i = 0; i < children.Count; i++) children.GetTable(i, "child").GetInt(0);
                    var structs = root.GetVector(5, 16, "structs");
                    for (int i = 0; i < structs.Count; i++) structs.GetLong(i, 8);
                }
                catch (ArrowFormatException) { }
            }
    }

    [Fact]
    public void ErrorsNameTheTableAndPosition()
    {
        var bytes = Sample();
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, 0);
        var e = Assert.Throws<ArrowFormatException>(() => new FlatBufferReader(bytes, 1000).Root("Sample"));
        Assert.Contains("Sample: table offset", e.Message);
        Assert.True(e.Position >= 1000);
    }
}
