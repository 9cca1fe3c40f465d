// Plugin latency benchmark: one Npgsql client against an in-process wasql server sends the same small queries with
// (1) no filter, (2) a filter running an allow-all plugin's on_query, (3) the masking plugin's on_result on a 10-row
// result with an email column, (4) both the masking plugin and the audit plugin. Configurations are interleaved in
// rounds and each round takes the median per-query time, so machine noise hits all of them alike.
// Usage: dotnet run -c Release --project bench/Wasql.Plugins.Bench -- EXAMPLES_DIR [queries-per-round] [rounds]
using System.Diagnostics;
using System.Net;
using Npgsql;
using Wasql.Database;
using Wasql.Plugins;
using Wasql.Server;

string examples = args.Length > 0 ? args[0] : throw new ArgumentException("usage: EXAMPLES_DIR [queries-per-round] [rounds] (build them with examples/plugins/build.sh)");
int perRound = args.Length > 1 ? int.Parse(args[1]) : 2000;
int rounds = args.Length > 2 ? int.Parse(args[2]) : 7;

var path = Path.Combine(Path.GetTempPath(), $"wasql-plugin-bench-{Environment.ProcessId}.db");
using var db = WasqlDatabase.Open(path);
var plugins = PluginHost.Attach(db);
var server = new PgServer(db, new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
server.Start();
try
{
    using var admin = Open("admin");
    Run(admin, "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, email TEXT)");
    Run(admin, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO people SELECT i, 'user' || i, 'user' || i || '@example.com' FROM n");
    foreach (var p in new[] { "allow_all", "mask_columns", "audit" })
        Run(admin, $"CREATE PLUGIN {p} USING FILE '{Path.Combine(examples, p + ".wasm")}'");
    Run(admin, "CREATE FILTER allow (priority = 1) WITH_PATTERN (user_regex = '^allow$') EXECUTE (plugin = allow_all)");
    Run(admin, "CREATE FILTER mask (priority = 1) WITH_PATTERN (user_regex = '^mask') EXECUTE (plugin = mask_columns, columns = 'email')");
    Run(admin, "CREATE FILTER audit (priority = 2) WITH_PATTERN (user_regex = '^mask_audit$') EXECUTE (plugin = audit)");

    var configs = new (string Name, string User)[] { ("no plugin", "plain"), ("allow-all (on_query)", "allow"), ("mask (on_result)", "mask"), ("mask + audit", "mask_audit") };
    var queries = new (string Name, string Sql)[]
    {
        ("point read", "SELECT name FROM people WHERE id = 42"),
        ("10 rows with emails", "SELECT id, name, email FROM people WHERE id BETWEEN 100 AND 109"),
    };
    var connections = configs.Select(c => Open(c.User)).ToArray();
    Console.WriteLine($"wasql plugin latency: {perRound} queries x {rounds} rounds per cell, Npgsql over loopback, simple protocol");
    foreach (var (qname, sql) in queries)
        Report($"{qname}: {sql}", Interleaved((i, n) => MedianMicros(connections[i], sql, n), 300));
    // The same in process (WasqlConnection.Execute, no network): the plugin's own cost, with far less noise.
    Console.WriteLine($"\nin process (no network), same cells:");
    var sessions = configs.Select(c =>
    {
        var s = db.Connect();
        s.Session = new Wasql.Database.Extensions.SessionInfo(c.User, "127.0.0.1", "wasql");
        return s;
    }).ToArray();
    foreach (var (qname, sql) in queries)
        Report(qname, Interleaved((i, n) => MedianMicrosEmbedded(sessions[i], sql, n), 1000));
    foreach (var s in sessions) s.Dispose();

    // Median per configuration over the rounds; configurations alternate within a round, so noise hits all alike.
    double[] Interleaved(Func<int, int, double> medianMicros, int warmupQueries)
    {
        var samples = configs.Select(_ => new List<double>()).ToArray();
        for (int round = -3; round < rounds; round++)   // negative rounds warm up (JIT tiers, pools)
            for (int i = 0; i < configs.Length; i++)
            {
                double us = medianMicros(i, round < 0 ? warmupQueries : perRound);
                if (round >= 0) samples[i].Add(us);
            }
        return samples.Select(s => Median(s)).ToArray();
    }

    void Report(string title, double[] medians)
    {
        Console.WriteLine($"\n{title}");
        Console.WriteLine($"  {"configuration",-22} {"µs/query",10} {"added µs",10} {"ratio",7}");
        for (int i = 0; i < configs.Length; i++)
            Console.WriteLine($"  {configs[i].Name,-22} {medians[i],10:0.00} {medians[i] - medians[0],10:0.00} {medians[i] / medians[0],7:0.00}");
    }

    // The masked values are really masked (a benchmark of a no-op would be meaningless).
    var masked = Scalar(connections[2], "SELECT email FROM people WHERE id = 7");
    if (masked is not "u***@example.com") throw new Exception($"masking did not run: {masked}");
    foreach (var c in connections) c.Dispose();
}
finally
{
    server.DisposeAsync().AsTask().Wait();
    db.Dispose();
    foreach (var p in new[] { path, path + "-wal", path + "-shm" }) File.Delete(p);
}

NpgsqlConnection Open(string user)
{
    var c = new NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username={user};Database=wasql;Pooling=false;Server Compatibility Mode=NoTypeLoading");
    c.Open();
    return c;
}

static void Run(NpgsqlConnection c, string sql)
{
    using var cmd = new NpgsqlCommand(sql, c);
    cmd.ExecuteNonQuery();
}

static object? Scalar(NpgsqlConnection c, string sql)
{
    using var cmd = new NpgsqlCommand(sql, c);
    return cmd.ExecuteScalar();
}

/// <summary>Median time of one query (read to the end) over <paramref name="n"/> runs, in microseconds.</summary>
static double MedianMicros(NpgsqlConnection c, string sql, int n)
{
    var times = new double[n];
    using var cmd = new NpgsqlCommand(sql, c) { AllResultTypesAreUnknown = true };
    for (int i = 0; i < n; i++)
    {
        long t0 = Stopwatch.GetTimestamp();
        using (var r = cmd.ExecuteReader())
            while (r.Read()) { }
        times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
    }
    return Median(times);
}

static double MedianMicrosEmbedded(WasqlConnection c, string sql, int n)
{
    var times = new double[n];
    for (int i = 0; i < n; i++)
    {
        long t0 = Stopwatch.GetTimestamp();
        c.Execute(sql);
        times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
    }
    return Median(times);
}

static double Median(IEnumerable<double> values)
{
    var a = values.OrderBy(v => v).ToArray();
    return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
}
