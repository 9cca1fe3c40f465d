// Interop with apache-arrow JS (npm 21.x) both ways, through the Apache.Arrow package and Wasql's glue (BoxedArrays
// builds the batches, ArrowIpc reads files zero-copy and validates): files and streams written here are read by JS,
// and files and streams written by JS are read here; values compare exactly (stored bytes).
using System.Text.Json.Nodes;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace Wasql.Arrow.Tests.Interop;

public class InteropTests
{
    [Fact]
    public void JsReadsOurFilesAndStreams()
    {
        using var dir = new TempDir();
        var all = SampleBatches.AllTypesBatch();
        var cases = new List<(string Name, IReadOnlyList<RecordBatch> Batches, bool File)>
        {
            ("all.arrow", [all], true),
            ("all.arrows", [all], false),
            // several batches, including slices at odd offsets (bitmaps shifted, offsets rebased)
            ("multi.arrow", [all, all.Slice(1, 3), all.Slice(3, 1)], true),
            ("multi.arrows", [all.Slice(1, 2), all, all.Slice(0, 0)], false),
            ("empty.arrow", [all.Slice(0, 0)], true),
        };
        foreach (var (name, batches, file) in cases) Write(dir.File(name), batches, file);

        var js = JsonNode.Parse(NodeRunner.Run("read.mjs", cases.Select(c => dir.File(c.Name)).ToArray()))!.AsArray();
        Assert.Equal(cases.Count, js.Count);
        for (int k = 0; k < cases.Count; k++)
            AssertSameTable(Canonical.Of(cases[k].Batches), js[k]!.AsObject(), cases[k].Name);
    }

    [Fact]
    public void JsReadsZeroColumnBatchWithRowCount()
    {
        using var dir = new TempDir();
        var batch = new RecordBatch(new Schema([], null), [], 5);
        File.WriteAllBytes(dir.File("zero.arrow"), ArrowIpc.WriteFile(batch));
        var js = JsonNode.Parse(NodeRunner.Run("read.mjs", dir.File("zero.arrow")))!.AsArray()[0]!;
        Assert.Equal(5, (int)js["numRows"]!);
        Assert.Empty(js["fields"]!.AsArray());
    }

    /// <summary>apache-arrow JS writes the batches of a sliced table with null_count -1 ("not computed"), which the
    /// format does not allow and Apache.Arrow's readers refuse: it must come out as one clear ArrowFormatException.</summary>
    [Fact]
    public void JsSlicedBatchWithUnknownNullCountIsAFormatError()
    {
        using var dir = new TempDir();
        NodeRunner.Run("write.mjs", dir.Path);
        var e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadFileBatches(File.ReadAllBytes(dir.File("sliced.arrow"))));
        Assert.Contains("Null count of -1", e.Message);
        e = Assert.Throws<ArrowFormatException>(() => ArrowIpc.ReadStream(File.ReadAllBytes(dir.File("sliced.arrows"))));
        Assert.Contains("Null count of -1", e.Message);
    }

    [Theory]
    [InlineData("all_types")]
    [InlineData("empty")]
    public void WeReadJsFilesAndStreams(string name)
    {
        using var dir = new TempDir();
        NodeRunner.Run("write.mjs", dir.Path);
        var expected = JsonNode.Parse(File.ReadAllText(dir.File(name + ".json")))!.AsObject();

        var fileBytes = File.ReadAllBytes(dir.File(name + ".arrow"));
        var fromFile = ArrowIpc.ReadFileBatches(fileBytes);
        AssertSameTable(Canonical.Of(fromFile), expected, name + ".arrow");

        using (var packageFile = new ArrowFileReader(new MemoryStream(fileBytes)))   // the package's own file reader agrees
        {
            var viaFooter = new List<RecordBatch>();
            for (int i = 0; i < packageFile.RecordBatchCountAsync().AsTask().Result; i++) viaFooter.Add(packageFile.ReadRecordBatchAsync(i).AsTask().Result);
            AssertSameTable(Canonical.Of(viaFooter), expected, name + ".arrow (footer)");
        }

        using var stream = File.OpenRead(dir.File(name + ".arrows"));
        using var streamReader = new ArrowStreamReader(stream);
        var fromStream = new List<RecordBatch>();
        while (streamReader.ReadNextRecordBatch() is { } b) fromStream.Add(b);
        AssertSameTable(Canonical.Of(fromStream), expected, name + ".arrows");

        var fromMemory = ArrowIpc.ReadStream(File.ReadAllBytes(dir.File(name + ".arrows")));
        AssertSameTable(Canonical.Of(fromMemory), expected, name + ".arrows (memory)");

        // What we read from JS we can write back and JS reads the same values.
        Write(dir.File("back.arrow"), fromFile, file: true);
        var back = JsonNode.Parse(NodeRunner.Run("read.mjs", dir.File("back.arrow")))!.AsArray()[0]!.AsObject();
        AssertSameTable(Canonical.Of(fromFile), back, name + " written back");
    }

    [Fact]
    public void JsDictionaryColumnIsDecoded()
    {
        using var dir = new TempDir();
        NodeRunner.Run("write.mjs", dir.Path);
        var batch = ArrowIpc.ReadFileBatches(File.ReadAllBytes(dir.File("all_types.arrow")))[0];
        var dict = Assert.IsType<DictionaryArray>(batch.Column("dict"));
        Assert.Equal(["red", "green", null, "red"], Enumerable.Range(0, 4).Select(i => BoxedValues.Get(dict, i)));
        Assert.IsType<StringType>(((DictionaryType)batch.Schema.GetFieldByName("dict").DataType).ValueType);
    }

    private static void Write(string path, IReadOnlyList<RecordBatch> batches, bool file)
    {
        using var stream = File.Create(path);
        if (file)
        {
            using var writer = new ArrowFileWriter(stream, batches[0].Schema);
            foreach (var b in batches) writer.WriteRecordBatch(b);
            writer.WriteEnd();
        }
        else
        {
            using var writer = new ArrowStreamWriter(stream, batches[0].Schema);
            foreach (var b in batches) writer.WriteRecordBatch(b);
            writer.WriteEnd();
        }
    }

    /// <summary>Compares two canonical views column by column so a failure names the column.</summary>
    private static void AssertSameTable(JsonObject ours, JsonObject theirs, string what)
    {
        Assert.True((int)ours["numRows"]! == (int)theirs["numRows"]!, $"{what}: numRows {ours["numRows"]} vs JS {theirs["numRows"]}");
        Assert.True(JsonNode.DeepEquals(ours["metadata"], theirs["metadata"]), $"{what}: schema metadata {ours["metadata"]} vs JS {theirs["metadata"]}");
        var ourFields = ours["fields"]!.AsArray();
        var theirFields = theirs["fields"]!.AsArray();
        Assert.Equal(theirFields.Count, ourFields.Count);
        for (int i = 0; i < ourFields.Count; i++)
        {
            var jsField = theirFields[i]!.AsObject().DeepClone().AsObject();
            string jsType = (string)jsField["type"]!;
            if (jsType.StartsWith("Dictionary<")) jsField["type"] = jsType[(jsType.IndexOf(", ") + 2)..^1]; // we decode dictionaries
            Assert.True(JsonNode.DeepEquals(ourFields[i], jsField), $"{what}: field {i} is {ourFields[i]!.ToJsonString()}, JS says {jsField.ToJsonString()}");
        }
        var ourColumns = ours["columns"]!.AsObject();
        var theirColumns = theirs["columns"]!.AsObject();
        foreach (var (name, values) in ourColumns)
        {
            var jsValues = theirColumns[name];
            Assert.True(JsonNode.DeepEquals(values, jsValues),
                $"{what}: column '{name}' differs\n ours: {values!.ToJsonString()}\n   JS: {jsValues?.ToJsonString()}");
        }
    }
}
