// The host-side cost of one arrow-udf call's data path, on Apache.Arrow with Wasql's glue: encode the input batch as an
// IPC file into a reused buffer (what ScalarCall does per call) and decode an output file zero-copy with validation
// (ArrowIpc.ReadFile), plus reading every value. Median of 15 rounds after warm-up.
//   dotnet run -c Release --project bench/Wasql.Arrow.Bench
using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Types;
using Wasql.Arrow;

static double MedianNs(Action op, int iterations)
{
    var samples = new double[15];
    for (int w = 0; w < iterations; w++) op();
    for (int s = 0; s < samples.Length; s++)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) op();
        samples[s] = sw.Elapsed.TotalNanoseconds / iterations;
    }
    System.Array.Sort(samples);
    return samples[samples.Length / 2];
}

static string Time(double ns) => ns >= 1e6 ? $"{ns / 1e6:F2} ms" : ns >= 1e3 ? $"{ns / 1e3:F2} µs" : $"{ns:F0} ns";

static RecordBatch Batch(int rows, bool withText)
{
    var rng = new Random(42);
    var fields = new List<Field> { new("a", Int32Type.Default, true), new("b", Int32Type.Default, true) };
    var arrays = new List<IArrowArray>
    {
        new Int32Array.Builder().AppendRange(Enumerable.Range(0, rows).Select(_ => rng.Next())).Build(),
        new Int32Array.Builder().AppendRange(Enumerable.Range(0, rows).Select(_ => rng.Next())).Build(),
    };
    if (withText)
    {
        fields[1] = new Field("s", StringType.Default, true);
        var sb = new StringArray.Builder();
        for (int i = 0; i < rows; i++) sb.Append("value-" + i);
        arrays[1] = sb.Build();
    }
    return new RecordBatch(new Schema(fields, null), arrays, rows);
}

Console.WriteLine("| batch | IPC bytes | encode (reused buffer) | decode (validated) | decode + read every value |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var (name, batch, iterations) in new[] { ("int32 pair x 1024", Batch(1024, false), 20_000), ("int32+utf8 x 1024", Batch(1024, true), 5_000), ("int32+utf8 x 1M", Batch(1 << 20, true), 5) })
{
    var scratch = new MemoryStream();
    byte[] file = ArrowIpc.WriteFile(batch);
    double encode = MedianNs(() => { scratch.SetLength(0); ArrowIpc.WriteFile(batch, scratch); }, iterations);
    double decode = MedianNs(() => ArrowIpc.ReadFile(file), iterations);
    double read = MedianNs(() =>
    {
        var b = ArrowIpc.ReadFile(file);
        for (int c = 0; c < b.ColumnCount; c++)
            for (int i = 0; i < b.Length; i++) BoxedValues.Get(b.Column(c), i);
    }, Math.Max(1, iterations / 20));
    Console.WriteLine($"| {name} | {file.Length:N0} | {Time(encode)} | {Time(decode)} | {Time(read)} |");
}
