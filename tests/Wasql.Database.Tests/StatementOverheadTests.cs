// Per-statement set-up (issue #19): once a connection has called a function, further short statements must not
// compile delegates, open sessions, create instances or encode schemas. Counted with UdfDiagnostics, not timed.
using Wasql.Udf;

namespace Wasql.Database.Tests;

public sealed class StatementOverheadTests
{
    private const int Statements = 40;

    /// <summary>Runs <paramref name="statement"/> a few times to warm up, then <see cref="Statements"/> times, checking each
    /// result with <paramref name="check"/>, and returns the set-up work the measured statements did.</summary>
    private static UdfDiagnosticsSnapshot WorkOfWarmStatements(WasqlConnection c, Func<int, (string Sql, object?[] Args)> statement, Action<int, QueryResult> check)
    {
        for (int i = 0; i < 3; i++) check(i, Run(c, statement(i)));
        var diagnostics = c.Database.Udfs.Diagnostics;
        var before = diagnostics.Snapshot();
        for (int i = 3; i < 3 + Statements; i++) check(i, Run(c, statement(i)));
        return diagnostics.Snapshot() - before;
    }

    private static QueryResult Run(WasqlConnection c, (string Sql, object?[] Args) s) => c.Execute(s.Sql, s.Args);

    private static long Gcd(long a, long b) { while (b != 0) (a, b) = (b, a % b); return Math.Abs(a); }

    private static WasqlConnection WithAccounts(WasqlDatabase db)
    {
        var c = db.Connect();
        c.ExecuteBatch("CREATE TABLE acc(aid INTEGER PRIMARY KEY, bal INTEGER); " +
                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO acc SELECT i, i * 6 FROM n");
        return c;
    }

    [Fact]
    public void DirectAbiFunctionDoesNoSetUpPerWarmStatement()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using var c = WithAccounts(db);
        c.Execute("CREATE FUNCTION gcd(int8, int8) RETURNS int8 LANGUAGE wasm WITH (abi = 'direct') USING BASE64 '" + Fixtures.DirectBase64 + "'");
        var work = WorkOfWarmStatements(c, i => ("SELECT gcd(bal, 9) FROM acc WHERE aid = $1", [i + 1]),
            (i, r) => Assert.Equal(Gcd((i + 1) * 6, 9), r.Rows.Single()[0]));
        Assert.Equal(default, work);
        // The instance goes back to the pool between statements, so other connections can use it.
        Assert.Equal(1, db.Udfs.Diagnostics.InstancesCreated);
    }

    [Fact]
    public void ArrowUdfFunctionDoesNoSetUpPerWarmStatement()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using var c = WithAccounts(db);
        c.Execute($"CREATE FUNCTION wasm_gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        var work = WorkOfWarmStatements(c, i => ("SELECT wasm_gcd(bal, 9) FROM acc WHERE aid = $1", [i + 1]),
            (i, r) => Assert.Equal(Gcd((i + 1) * 6, 9), r.Rows.Single()[0]));
        Assert.Equal(default, work);
    }

    [Fact]
    public void ArrowUdfOneRowTemplateMatchesTheGeneralPath()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using var c = db.Connect();
        c.Execute($"CREATE FUNCTION wasm_gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        var d = db.Udfs.Diagnostics;
        Assert.Equal(6L, c.Execute("SELECT wasm_gcd(12, 18)").Rows.Single()[0]);
        long afterFirst = d.SchemasEncoded;
        Assert.Equal(5L, c.Execute("SELECT wasm_gcd(15, 25)").Rows.Single()[0]);
        Assert.Equal(5L, c.Execute("SELECT wasm_gcd(5, 0)").Rows.Single()[0]);
        Assert.Equal(afterFirst, d.SchemasEncoded);
        Assert.Null(c.Execute("SELECT wasm_gcd(12, NULL)").Rows.Single()[0]);   // general path: a batch with a NULL
        Assert.Equal(afterFirst + 1, d.SchemasEncoded);
        // Out of int range: the same SQLSTATE as a batch built by the Arrow builders.
        var e = Assert.Throws<WasqlException>(() => c.Execute("SELECT wasm_gcd(5000000000, 3)"));
        Assert.Equal("22003", e.SqlState);
        // A trap in the guest (lcm(0, 0) divides by zero) fails the statement with the guest's stderr; the next call
        // gets a fresh instance and the same template.
        c.Execute($"CREATE FUNCTION wasm_lcm(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_lcm') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        Assert.Equal(36L, c.Execute("SELECT wasm_lcm(12, 18)").Rows.Single()[0]);
        var trap = Assert.Throws<WasqlException>(() => c.Execute("SELECT wasm_lcm(0, 0)"));
        Assert.Contains("divide by zero", trap.Message + trap.Detail);
        Assert.Equal(75L, c.Execute("SELECT wasm_lcm(15, 25)").Rows.Single()[0]);
        Assert.Equal(2L, c.Execute("SELECT wasm_gcd(4, 6)").Rows.Single()[0]);
    }

    [Fact]
    public void TableFunctionDoesNoSetUpPerWarmStatement()
    {
        if (TableFunctionTests.s_guest.Value is not { } b64) return;
        using var db = WasqlDatabase.Open(":memory:");
        using var c = db.Connect();
        c.Execute($"CREATE FUNCTION series(int4) RETURNS SETOF int4 LANGUAGE wasm WITH (export = 'range') USING BASE64 '{b64}'");
        var work = WorkOfWarmStatements(c, i => ("SELECT sum(series), count(*) FROM series($1)", [i % 7 + 1]),
            (i, r) => Assert.Equal(new object?[] { (long)(i % 7) * (i % 7 + 1) / 2, (long)(i % 7 + 1) }, r.Rows.Single()));
        Assert.Equal(default, work);
    }

    [Fact]
    public void TextDirectFunctionDoesNoSetUpPerWarmStatement()
    {
        if (!File.Exists("/usr/bin/rustc")) return;
        var cache = Directory.CreateTempSubdirectory("wasql-cc-").FullName;
        try
        {
            using var db = WasqlDatabase.Open(":memory:", new WasqlOptions { CompileCacheDirectory = cache });
            using var c = db.Connect();
            c.Execute("CREATE FUNCTION shout(text) RETURNS text LANGUAGE rust AS $$ fn shout(s: &str) -> String { s.to_uppercase() + \"!\" } $$");
            var work = WorkOfWarmStatements(c, i => ("SELECT shout($1)", ["w" + i]), (i, r) => Assert.Equal($"W{i}!", r.Rows.Single()[0]));
            Assert.Equal(default, work);
        }
        finally
        {
            Directory.Delete(cache, true);
        }
    }

    [Fact]
    public void EightConnectionsShareTheFunctionsInstancesWithoutNewSetUp()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using (var c = WithAccounts(db))
        {
            c.Execute("CREATE FUNCTION gcd(int8, int8) RETURNS int8 LANGUAGE wasm WITH (abi = 'direct') USING BASE64 '" + Fixtures.DirectBase64 + "'");
            c.Execute($"CREATE FUNCTION wasm_gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        }
        const int Connections = 8, Rounds = 60;
        var connections = Enumerable.Range(0, Connections).Select(_ => db.Connect()).ToArray();
        try
        {
            void Work(WasqlConnection c, int from, int count)
            {
                for (int i = from; i < from + count; i++)
                {
                    var row = c.Execute("SELECT gcd(bal, 9), wasm_gcd(bal, 9) FROM acc WHERE aid = $1", [i % 100 + 1]).Rows.Single();
                    long want = Gcd((i % 100 + 1) * 6, 9);
                    Assert.Equal(new object?[] { want, want }, row);
                }
            }
            foreach (var c in connections) Work(c, 0, 2);   // each connection makes its session and delegate once
            var before = db.Udfs.Diagnostics.Snapshot();
            Parallel.For(0, Connections, new ParallelOptions { MaxDegreeOfParallelism = Connections },
                k => Work(connections[k], k * Rounds, Rounds));
            var work = db.Udfs.Diagnostics.Snapshot() - before;
            Assert.Equal(0, work.DelegatesCreated);
            Assert.Equal(0, work.SessionsOpened);
            Assert.Equal(0, work.SchemasEncoded);
            // Instances are created only while the pools grow toward their cap (never one per statement).
            Assert.True(db.Udfs.Diagnostics.InstancesCreated <= 2 * UdfLimits.Default.MaxInstancesPerModule,
                $"{db.Udfs.Diagnostics.InstancesCreated} instances for two modules");
        }
        finally
        {
            foreach (var c in connections) c.Dispose();
        }
    }
}
