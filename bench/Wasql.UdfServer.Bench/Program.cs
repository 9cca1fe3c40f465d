// wasql udf-server on loopback against the same batches in process: gcd of the Databend arrow-udf fixture over 1M rows
// in 1024-row batches. Each client runs one DoExchange and sends a batch, then waits for its answer (as RisingWave's
// client does: one batch per call), so the per-batch latency is a round trip; rows/s counts all clients together.
//   dotnet run -c Release --project bench/Wasql.UdfServer.Bench
using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Flight;
using Apache.Arrow.Flight.Client;
using Apache.Arrow.Types;
using Grpc.Net.Client;
using Wasql.Database;
using Wasql.UdfServer;
using Wasql.UdfServer.Hosting;

const int Rows = 1 << 20, BatchRows = 1024;

static string FindUp(string name)
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d is not null && !File.Exists(Path.Combine(d.FullName, name))) d = d.Parent;
    return d?.FullName ?? throw new Exception(name + " not found");
}

static RecordBatch[] Batches(int seed)
{
    var rng = new Random(seed);
    var schema = new Schema([new Field("a", Int32Type.Default, true), new Field("b", Int32Type.Default, true)], null);
    return Enumerable.Range(0, Rows / BatchRows).Select(_ => new RecordBatch(schema,
        [new Int32Array.Builder().AppendRange(Enumerable.Range(0, BatchRows).Select(_ => rng.Next(1, 1_000_000))).Build(),
         new Int32Array.Builder().AppendRange(Enumerable.Range(0, BatchRows).Select(_ => rng.Next(1, 1_000_000))).Build()], BatchRows)).ToArray();
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

string repo = FindUp("Wasql.slnx");
string shared = Environment.GetEnvironmentVariable("WASQL_SHARED") ?? Path.Combine(repo, "..", "shared");
string fixture = Path.Combine(shared, "fixtures", "arrow-udf", "databend_gcd.wasm");
string dbPath = Path.Combine(Path.GetTempPath(), $"wasql-udfserver-bench-{Environment.ProcessId}.db");
using (var db = WasqlDatabase.Open(dbPath))
using (var c = db.Connect())
    c.Execute($"CREATE FUNCTION gcd(int4, int4) RETURNS int4 LANGUAGE wasm WITH (export = 'wasm_gcd') USING FILE '{fixture}'");

// In process: the same batches through the UDF runtime directly.
using (var rt = new Wasql.Udf.UdfRuntime())
{
    var gcd = rt.Load(File.ReadAllBytes(fixture), "gcd").GetFunction("wasm_gcd", "int4", "int4");
    var batches = Batches(1);
    foreach (var b in batches) gcd.CallScalar(b);   // warm-up pass: the fixture's hot code tiers up
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    foreach (var b in batches) gcd.CallScalar(b);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
    Console.WriteLine($"in process, 1 thread: {Rows / sw.Elapsed.TotalSeconds / 1e6:F2} M rows/s ({sw.Elapsed.TotalMicroseconds / batches.Length:F1} µs a batch; "
        + $"process CPU {cpu.TotalMicroseconds / batches.Length:F1} µs a batch)");
}

await using var host = await UdfServerHost.StartAsync(new UdfServerOptions
{
    DatabasePath = dbPath,
    Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
}, TextWriter.Null);

async Task<List<double>> Client(RecordBatch[] batches)
{
    var client = new FlightClient(GrpcChannel.ForAddress(host.Address));
    using var call = client.DoExchange(FlightDescriptor.CreatePathDescriptor("gcd"));
    var latencies = new List<double>(batches.Length);
    foreach (var b in batches)
    {
        long t0 = Stopwatch.GetTimestamp();
        await call.RequestStream.WriteAsync(b);
        if (!await call.ResponseStream.MoveNext(default) || call.ResponseStream.Current.Length != b.Length) throw new Exception("short answer");
        latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
    }
    await call.RequestStream.CompleteAsync();
    while (await call.ResponseStream.MoveNext(default)) { }
    return latencies;
}

await Client(Batches(2));   // warm-up pass: JIT, tier-up, connection, instances
Console.WriteLine("| clients | rows | rows/s (all clients) | p50 batch round trip | p99 batch round trip | process CPU a batch (client + server) |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
foreach (int clients in new[] { 1, 4 })
{
    var inputs = Enumerable.Range(0, clients).Select(i => Batches(10 + i)).ToArray();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var results = await Task.WhenAll(inputs.Select(b => Task.Run(() => Client(b))));
    double seconds = sw.Elapsed.TotalSeconds;
    double cpuPerBatch = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / (Rows / BatchRows * clients);
    var all = results.SelectMany(x => x).Order().ToList();
    Console.WriteLine($"| {clients} | {(long)Rows * clients:N0} | {(double)Rows * clients / seconds / 1e6:F2} M | {Percentile(all, 0.50):F0} µs | {Percentile(all, 0.99):F0} µs | {cpuPerBatch:F0} µs |");
}
foreach (var p in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" }) try { File.Delete(p); } catch (IOException) { }
