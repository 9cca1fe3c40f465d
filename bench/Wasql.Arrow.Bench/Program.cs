// Wasql.Arrow IPC benchmark: encode (RecordBatch -> IPC file bytes) and decode (bytes -> RecordBatch)
// of int32 + utf8 batches of 1024 and 1M rows, plus the per-column overhead of encoding a 1024-row
// int32 pair beyond copying its buffers. apache-arrow JS runs the same cases (js/bench.mjs) for ratios.
// Usage: dotnet run -c Release --project bench/Wasql.Arrow.Bench [-- --update-results]
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Wasql.Arrow;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Builders;
using Wasql.Arrow.Ipc;

var root = FindRepoRoot();
var rows = new List<Row>();

foreach (var (name, batch, inner, samples) in new[]
{
    ("int32+utf8 x 1024", IntUtf8Batch(1024), 20_000, 21),
    ("int32+utf8 x 1M", IntUtf8Batch(1 << 20), 1, 11),
    ("int32 pair x 1024", IntPairBatch(1024), 50_000, 21),
})
{
    var bytes = ArrowIpc.WriteFile(batch);
    double encode = Timing.MedianNs(() => ArrowIpc.WriteFile(batch), inner, samples);
    double decode = Timing.MedianNs(() => ArrowIpc.ReadFile(bytes), inner, samples);
    var noUtf8Check = new ArrowReadOptions { ValidateUtf8 = false };
    double decodeTrusted = Timing.MedianNs(() => ArrowIpc.ReadFile(bytes, noUtf8Check), inner, samples);
    double touch = Timing.MedianNs(() => Touch(ArrowIpc.ReadFile(bytes)), Math.Max(1, inner / 4), samples);
    rows.Add(new Row(name, batch.Length, bytes.Length, encode, decode, decodeTrusted, touch));
}

// Encode overhead beyond memcpy for the 1024-row int32 pair: the same bytes copied by one memcpy per buffer.
var pair = IntPairBatch(1024);
var pairBytes = ArrowIpc.WriteFile(pair);
var src = ((Int32Array)pair.Column(0)).Values.ToArray();
double memcpy = Timing.MedianNs(() =>
{
    var dest = new byte[pairBytes.Length];
    System.Runtime.InteropServices.MemoryMarshal.AsBytes(src.AsSpan()).CopyTo(dest);
    System.Runtime.InteropServices.MemoryMarshal.AsBytes(src.AsSpan()).CopyTo(dest.AsSpan(4096));
    return dest;
}, 50_000, 21);
double pairEncode = rows.Single(r => r.Name.StartsWith("int32 pair")).EncodeNs;

Dictionary<string, JsResult>? js = null;
try
{
    js = JsonSerializer.Deserialize<Dictionary<string, JsResult>>(RunNode(Path.Combine(root, "bench/Wasql.Arrow.Bench/js/bench.mjs")));
}
catch (Exception e)
{
    Console.Error.WriteLine($"apache-arrow JS comparison skipped: {e.Message}");
}

var report = Report(rows, memcpy, pairEncode, js);
Console.WriteLine(report);
if (args.Contains("--update-results")) UpdateResults(Path.Combine(root, "bench/RESULTS.md"), report);
return;

static RecordBatch IntUtf8Batch(int n)
{
    var ids = new int[n];
    var names = new StringArrayBuilder(capacity: n, dataCapacity: n * 14);
    for (int i = 0; i < n; i++)
    {
        ids[i] = i * 7;
        names.Append($"value-{i}");
    }
    return new RecordBatch([("id", (ArrowArray)Int32Array.From(ids)), ("name", names.Build())]);
}

static RecordBatch IntPairBatch(int n)
{
    var a = new int[n];
    var b = new int[n];
    for (int i = 0; i < n; i++) { a[i] = i; b[i] = -i; }
    return new RecordBatch([("a", (ArrowArray)Int32Array.From(a)), ("b", Int32Array.From(b))]);
}

// Reads every value the way a consumer would: int sum and total UTF-8 length (no string allocation).
static long Touch(RecordBatch batch)
{
    long sum = 0;
    foreach (var column in batch.Columns)
    {
        if (column is Int32Array ints) foreach (int v in ints.Values) sum += v;
        else if (column is StringArray strings) for (int i = 0; i < strings.Length; i++) sum += strings.GetBytes(i).Length;
    }
    return sum;
}

static string Report(List<Row> rows, double memcpy, double pairEncode, Dictionary<string, JsResult>? js)
{
    var sb = new StringBuilder();
    sb.AppendLine("## Arrow");
    sb.AppendLine();
    sb.AppendLine($"`dotnet run -c Release --project bench/Wasql.Arrow.Bench -- --update-results` ({DateTime.UtcNow:yyyy-MM-dd}, " +
        $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, " +
        $"load average at the end {LoadAverage()}: a shared machine, so expect run-to-run noise of up to 2x).");
    sb.AppendLine("IPC **file** format, one batch; encode = `ArrowIpc.WriteFile(batch)` (exact-size byte[]), decode = `ArrowIpc.ReadFile(bytes)`");
    sb.AppendLine("(zero-copy, all offsets/null counts checked, UTF-8 validated unless \"trusted\"); \"decode+read\" also reads every value.");
    sb.AppendLine("Median of 11-21 samples after warm-up; MB/s counts IPC bytes (10^6).");
    sb.AppendLine();
    sb.AppendLine("| batch | IPC bytes | encode | encode MB/s | encode rows/s | decode | decode MB/s | decode rows/s | decode trusted | decode+read |");
    sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in rows)
        sb.AppendLine($"| {r.Name} | {r.Bytes:N0} | {Fmt(r.EncodeNs)} | {Mbs(r.Bytes, r.EncodeNs)} | {Rps(r.Rows, r.EncodeNs)} | {Fmt(r.DecodeNs)} | {Mbs(r.Bytes, r.DecodeNs)} | {Rps(r.Rows, r.DecodeNs)} | {Fmt(r.DecodeTrustedNs)} | {Fmt(r.TouchNs)} |");
    sb.AppendLine();
    sb.AppendLine($"Int32 pair x 1024: encode {Fmt(pairEncode)} vs {Fmt(memcpy)} to allocate the output and memcpy both 4 KiB buffers: " +
        $"**{(pairEncode - memcpy) / 2:F0} ns per column beyond the memcpy** (schema + record batch flatbuffers, footer, framing).");
    sb.AppendLine();
    if (js is not null)
    {
        sb.AppendLine("apache-arrow JS 21.2.0 on Node " + NodeVersion() + ", same data, `tableToIPC(table, 'file')` / `tableFromIPC(bytes)` (JS decode is lazy: it does not validate or read values):");
        sb.AppendLine();
        sb.AppendLine("| batch | JS encode | JS decode | encode speed-up (JS time / ours) | decode speed-up |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in rows)
            if (js.TryGetValue(r.Name, out var j))
                sb.AppendLine($"| {r.Name} | {Fmt(j.encodeNs)} | {Fmt(j.decodeNs)} | {j.encodeNs / r.EncodeNs:F1}x | {j.decodeNs / r.DecodeNs:F1}x |");
    }
    else sb.AppendLine("(apache-arrow JS comparison not run: node or node_modules/apache-arrow missing.)");
    return sb.ToString();
}

static string Fmt(double ns) => ns switch
{
    < 1_000 => $"{ns:F0} ns",
    < 1_000_000 => $"{ns / 1_000:F2} µs",
    _ => $"{ns / 1_000_000:F2} ms",
};

static string Mbs(long bytes, double ns) => $"{bytes / ns * 1e3:N0}";

static string Rps(int rows, double ns)
{
    double x = rows / ns * 1e9;
    return x >= 1e9 ? $"{x / 1e9:F2} G" : x >= 1e6 ? $"{x / 1e6:F0} M" : $"{x / 1e3:F0} k";
}

// Replaces only the "## Arrow" section of RESULTS.md (up to the next "## " heading), or appends it.
static void UpdateResults(string path, string section)
{
    string text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmark results\n";
    int start = text.StartsWith("## Arrow\n", StringComparison.Ordinal) ? 0 : text.IndexOf("\n## Arrow\n", StringComparison.Ordinal);
    if (start < 0) text = text.TrimEnd('\n') + "\n\n" + section;
    else
    {
        if (start > 0) start++;
        int next = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        text = text[..start] + section + (next >= 0 ? "\n" + text[(next + 1)..] : "");
    }
    File.WriteAllText(path, text);
    Console.WriteLine($"updated {path}");
}

static string LoadAverage()
{
    try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); } catch { return "?"; }
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Wasql.slnx"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

static string RunNode(params string[] args)
{
    var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in args) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    var output = p.StandardOutput.ReadToEndAsync();
    var error = p.StandardError.ReadToEndAsync();
    if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); throw new TimeoutException("node bench timed out"); }
    if (p.ExitCode != 0) throw new InvalidOperationException(error.Result);
    return output.Result;
}

static string NodeVersion()
{
    try { return RunNode("--version").Trim(); } catch { return "?"; }
}

record Row(string Name, int Rows, int Bytes, double EncodeNs, double DecodeNs, double DecodeTrustedNs, double TouchNs);

record JsResult(long bytes, double encodeNs, double decodeNs);

static class Timing
{
    /// <summary>Median nanoseconds per call over <paramref name="samples"/> samples of <paramref name="inner"/> calls.</summary>
    public static double MedianNs<T>(Func<T> action, int inner, int samples)
    {
        for (int i = 0; i < Math.Max(3, Math.Min(inner, 20_000)); i++) Keep(action());
        var times = new double[samples];
        for (int s = 0; s < samples; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < inner; i++) Keep(action());
            times[s] = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / inner;
        }
        Array.Sort(times);
        return times[samples / 2];
    }

    private static object? _sink;
    private static void Keep<T>(T value) => _sink = value;
}
