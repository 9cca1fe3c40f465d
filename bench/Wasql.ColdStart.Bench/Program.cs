// Cold start: the first query of a new process on a database whose function is the 1 MB Databend arrow-udf fixture.
// The parent creates the database once, then starts this program again per round ("child" mode), alternating runs
// with and without the compiled-module cache; each child reports the time from entering Main to the first result
// (open + load the stored module + first call), and the parent the whole process.
using System.Diagnostics;
using Wasql.Database;

if (args.Length > 0 && args[0] == "child")
{
    string? cache = args.Length > 2 && args[2] != "-" ? args[2] : null;
    if (args.Length > 3 && args[3] == "warm")
    {
        // Runs Wasql's own code paths once on a copy of the database with a cache of its own (or none), so that what
        // is measured next is the module's cost alone, as in a host whose code is precompiled (ReadyToRun).
        string copy = args[1] + ".warm";
        File.Copy(args[1], copy, overwrite: true);
        string? warmCache = cache is null ? null : cache + ".warm";
        for (int i = 0; i < (cache is null ? 1 : 2); i++)
        {
            using var wdb = WasqlDatabase.Open(copy, new WasqlOptions { ModuleCacheDirectory = warmCache });
            using var wc = wdb.Connect();
            wc.Execute("SELECT agcd(15, 25)");
        }
    }
    var self = Process.GetCurrentProcess();
    var cpu0 = self.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    using var db = WasqlDatabase.Open(args[1], new WasqlOptions { ModuleCacheDirectory = cache });
    double open = sw.Elapsed.TotalMilliseconds;
    var jit0 = System.Runtime.JitInfo.GetCompilationTime(currentThread: false);
    long methods0 = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
    using var c = db.Connect();
    var v = c.Execute("SELECT agcd(15, 25)").Rows[0][0];
    double ms = sw.Elapsed.TotalMilliseconds;
    self.Refresh();
    double cpu = (self.TotalProcessorTime - cpu0).TotalMilliseconds;
    if (Environment.GetEnvironmentVariable("WASQL_COLDSTART_DETAIL") == "1")
        Console.Error.WriteLine($"open {open:0.0} ms, first query {ms - open:0.0} ms (JIT during it: " +
            $"{System.Runtime.JitInfo.GetCompiledMethodCount(false) - methods0} methods, " +
            $"{(System.Runtime.JitInfo.GetCompilationTime(false) - jit0).TotalMilliseconds:0} ms on all threads)");
    if (!Equals(v, 5L)) throw new Exception($"wrong result {v}");
    Console.WriteLine(FormattableString.Invariant($"{ms:0.0} {cpu:0.0}"));
    return;
}

var shared = Environment.GetEnvironmentVariable("WASQL_SHARED") ?? FindShared();
if (args.Length > 1 && args[0] == "setup")
{
    Setup(args[1]);
    return;
}
int rounds = args.Length > 0 ? int.Parse(args[0]) : 7;
var dir = Directory.CreateTempSubdirectory("wasql-coldstart-");
try
{
    var dbPath = Path.Combine(dir.FullName, "cold.db");
    var cacheDir = Path.Combine(dir.FullName, "cache");
    Setup(dbPath);

    var self = Environment.ProcessPath!;
    var dll = typeof(WasqlDatabase).Assembly.Location is var _ ? System.Reflection.Assembly.GetEntryAssembly()!.Location : "";
    (double inProcess, double cpu, double whole) Child(string? cache, bool warm = false)
    {
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(dll);
        foreach (var a in new[] { "child", dbPath, cache ?? "-", warm ? "warm" : "cold" }) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        double whole = sw.Elapsed.TotalMilliseconds;
        if (p.ExitCode != 0) throw new Exception($"child failed ({p.ExitCode}): {output}");
        var parts = output.Trim().Split(' ');
        return (double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), whole);
    }

    Child(cacheDir);   // fills the cache (and warms the OS file cache for both modes)
    var off = new List<(double, double, double)>();
    var on = new List<(double, double, double)>();
    var offWarm = new List<(double, double, double)>();
    var onWarm = new List<(double, double, double)>();
    for (int i = 0; i < rounds; i++)
    {
        off.Add(Child(null));
        on.Add(Child(cacheDir));
        offWarm.Add(Child(null, warm: true));
        onWarm.Add(Child(cacheDir, warm: true));
    }
    static double Median(IEnumerable<double> xs) { var s = xs.OrderBy(x => x).ToArray(); return s[s.Length / 2]; }
    Console.WriteLine($"{rounds} alternating rounds, medians; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
    Console.WriteLine("| first query after a restart | open + load + first query, new process (CPU time) | the same after Wasql's own code ran once on another copy (CPU time) | whole process |");
    Console.WriteLine("|---|---:|---:|---:|");
    void Row(string name, List<(double Wall, double Cpu, double Whole)> cold, List<(double Wall, double Cpu, double Whole)> warm) =>
        Console.WriteLine($"| {name} | {Median(cold.Select(x => x.Wall)):0.0} ms ({Median(cold.Select(x => x.Cpu)):0} ms) | {Median(warm.Select(x => x.Wall)):0.0} ms ({Median(warm.Select(x => x.Cpu)):0} ms) | {Median(cold.Select(x => x.Whole)):0.0} ms |");
    Row("without the module cache", off, offWarm);
    Row("with the module cache", on, onWarm);
}
finally
{
    dir.Delete(recursive: true);
}

void Setup(string dbPath)
{
    using var db = WasqlDatabase.Open(dbPath);
    using var c = db.Connect();
    c.Execute($"CREATE FUNCTION agcd(int4, int4) RETURNS int4 LANGUAGE wasm WITH (export = 'wasm_gcd') USING FILE '{Path.Combine(shared, "fixtures", "arrow-udf", "databend_gcd.wasm")}'");
}

static string FindShared()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "Wasql.slnx"))) return Path.Combine(d.FullName, "..", "shared");
    throw new InvalidOperationException("set WASQL_SHARED");
}
