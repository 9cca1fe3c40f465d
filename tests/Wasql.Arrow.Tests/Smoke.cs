using Wasql.Arrow.Ipc;
namespace Wasql.Arrow.Tests;
public class Smoke
{
    [Fact]
    public void WritesFiles()
    {
        var b = SampleBatches.AllTypesBatch();
        File.WriteAllBytes("/tmp/wasql_all.arrow", ArrowIpc.WriteFile(b));
        File.WriteAllBytes("/tmp/wasql_all.arrows", ArrowIpc.WriteStream(b));
        var back = ArrowIpc.ReadFile(File.ReadAllBytes("/tmp/wasql_all.arrow").AsMemory());
        Assert.Equal(b.Schema, back.Schema);
    }
}
