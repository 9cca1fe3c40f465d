// Database benchmark: SELECT sum(gcd(a, b)) FROM t over 1M rows with gcd as (1) a C# function registered through
// Microsoft.Data.Sqlite (the baseline), (2) a direct-ABI wasm function (LANGUAGE c), (3) the arrow-udf fixture per row,
// (4) the inline-Rust generated wrappers: plain (strict, the fast path) and with Option arguments and result (NULL flags).
using System.Diagnostics;
using Wasql.Database;

int rows = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
int arrowRows = Math.Min(rows, 100_000);
var shared = Environment.GetEnvironmentVariable("WASQL_SHARED") ?? FindShared();
using var db = WasqlDatabase.Open(":memory:");
using var c = db.Connect();
c.ExecuteBatch($"""
    CREATE TABLE t(a INTEGER, b INTEGER);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
    INSERT INTO t SELECT (i * 7919) % 1000000 + 1, (i * 104729) % 999983 + 1 FROM n;
    """);
c.Execute("CREATE FUNCTION gcd(int8, int8) RETURNS int8 LANGUAGE c AS $$ long long gcd(long long a, long long b) { while (b) { long long t = a % b; a = b; b = t; } return a; } $$");
c.Execute($"CREATE FUNCTION agcd(int4, int4) RETURNS int4 LANGUAGE wasm WITH (export = 'wasm_gcd') USING FILE '{Path.Combine(shared, "fixtures", "arrow-udf", "databend_gcd.wasm")}'");
c.Execute("CREATE FUNCTION rgcd(int8, int8) RETURNS int8 LANGUAGE rust AS $$ fn rgcd(mut a: i64, mut b: i64) -> i64 { while b != 0 { (a, b) = (b, a % b); } a } $$");
c.Execute("""
    CREATE FUNCTION rgcdn(int8, int8) RETURNS int8 LANGUAGE rust AS $$
    fn rgcdn(a: Option<i64>, b: Option<i64>) -> Option<i64> { let (mut a, mut b) = (a?, b?); while b != 0 { (a, b) = (b, a % b); } Some(a) }
    $$
    """);
c.SqliteConnection.CreateFunction("cs_gcd", (long a, long b) => { while (b != 0) { var t = a % b; a = b; b = t; } return a; }, isDeterministic: true);

double Best(string sql, out object? value, int runs = 5)
{
    value = c.Execute(sql).Rows[0][0];   // warm-up
    double best = double.MaxValue;
    for (int i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        var v = c.Execute(sql).Rows[0][0];
        best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
        if (!Equals(v, value)) throw new Exception("unstable result");
    }
    return best;
}

if (Environment.GetEnvironmentVariable("WASQL_BENCH_DETAIL") == "1")
{
    c.SqliteConnection.CreateFunction("cs_gcdn", (long? a, long? b) => { if (a is null || b is null) return null; long x = a.Value, y = b.Value; while (y != 0) { var t = x % y; x = y; y = t; } return (long?)x; }, isDeterministic: true);
    Console.WriteLine($"C# nullable: {Best("SELECT sum(cs_gcdn(a, b)) FROM t", out _):0.0} ms");
    var fn = db.ListFunctions();
    var module = db.Udfs.Load(File.ReadAllBytes(args[1]));
    var d = module.BindDirect("gcd", ["int8", "int8"], "int8");
    using var s = d.OpenSession();
    var del = s.CreateDelegate<Func<long, long, long>>();
    var sw0 = Stopwatch.StartNew(); long acc = 0;
    for (int i = 1; i <= rows; i++) acc += del((i * 7919L) % 1000000 + 1, (i * 104729L) % 999983 + 1);
    Console.WriteLine($"wasm delegate alone: {sw0.Elapsed.TotalMilliseconds:0.0} ms ({acc})");
}
var baseSql = Best("SELECT sum(a % b) FROM t", out _);
var cs = Best("SELECT sum(cs_gcd(a, b)) FROM t", out var vcs);
var wasm = Best("SELECT sum(gcd(a, b)) FROM t", out var vw);
if (!Equals(vcs, vw)) throw new Exception($"results differ: {vcs} vs {vw}");
var rust = Best("SELECT sum(rgcd(a, b)) FROM t", out var vr);
var rustNull = Best("SELECT sum(rgcdn(a, b)) FROM t", out var vrn);
if (!Equals(vcs, vr) || !Equals(vcs, vrn)) throw new Exception($"inline Rust results differ: {vr} / {vrn} vs {vcs}");
var arrow = Best($"SELECT sum(agcd(a, b)) FROM t WHERE rowid <= {arrowRows}", out var va, runs: 3);
var check = c.Execute($"SELECT sum(cs_gcd(a, b)) FROM t WHERE rowid <= {arrowRows}").Rows[0][0];
if (!Equals(check, va)) throw new Exception($"arrow-udf result differs: {va} vs {check}");

Console.WriteLine($"rows: {rows:N0} (arrow-udf: {arrowRows:N0}), {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine($"| query | ms | ns/row | vs C# |");
Console.WriteLine($"|---|---:|---:|---:|");
void Row(string name, double ms, int n) => Console.WriteLine($"| {name} | {ms:0.0} | {ms * 1e6 / n:0} | {ms / n / (cs / rows):0.00}x |");
Row("`sum(a % b)` (no function, SQLite alone)", baseSql, rows);
Row("`sum(cs_gcd(a, b))` C# via Microsoft.Data.Sqlite", cs, rows);
Row("`sum(gcd(a, b))` direct-ABI wasm (LANGUAGE c)", wasm, rows);
Row("`sum(rgcd(a, b))` inline Rust, generated wrapper, direct ABI (strict)", rust, rows);
Row("`sum(rgcdn(a, b))` inline Rust with `Option` in and out (NULL flags, boxed call)", rustNull, rows);
Row("`sum(agcd(a, b))` arrow-udf fixture, per row", arrow, arrowRows);

static string FindShared()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "Wasql.slnx"))) return Path.Combine(d.FullName, "..", "shared");
    throw new InvalidOperationException("set WASQL_SHARED");
}
