// Table functions (RETURNS SETOF / RETURNS TABLE) as eponymous virtual tables: FROM fn(args), lateral use, NULLs,
// drop, persistence. The arrow-udf guest is the freestanding C ABI-3 module of the UDF tests, compiled with clang-14.
using System.Diagnostics;

namespace Wasql.Database.Tests;

public sealed class TableFunctionTests
{
    /// <summary>The ABI-3 guest as base64, or null without clang-14 (shared with other test classes).</summary>
    internal static readonly Lazy<string?> s_guest = new(() =>
    {
        var src = Path.Combine(Fixtures.Shared, "..", "main", "tests", "Wasql.Udf.Tests", "Abi3Guest", "abi3_guest.c");
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null && !File.Exists(src); d = d.Parent)
            src = Path.Combine(d.FullName, "tests", "Wasql.Udf.Tests", "Abi3Guest", "abi3_guest.c");
        if (!File.Exists(src) || !File.Exists("/usr/bin/clang-14")) return null;
        var output = Path.Combine(Path.GetTempPath(), $"wasql-abi3-{Environment.ProcessId}.wasm");
        var p = Process.Start(new ProcessStartInfo("clang-14", ["--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-dynamic",
            "-Wl,--export=ARROWUDF_VERSION_3_0", "-Wl,--export=arrowudt_S2V5VmFsdWU9a2V5OnN0cmluZyx2YWx1ZTpzdHJpbmc", "-o", output, src]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0 ? Convert.ToBase64String(File.ReadAllBytes(output)) : null;
    });

    [Fact]
    public void SetofFunctionInFromAndLateral()
    {
        if (s_guest.Value is not { } b64) return;
        using var db = WasqlDatabase.Open(":memory:");
        using var c = db.Connect();
        c.Execute($"CREATE FUNCTION series(int4) RETURNS SETOF int4 LANGUAGE wasm WITH (export = 'range') USING BASE64 '{b64}'");
        var r = c.Execute("SELECT * FROM series(3)");
        Assert.Equal(["series"], r.Columns.Select(x => x.Name));
        Assert.Equal(new object?[] { 0L, 1L, 2L }, r.Rows.Select(x => x[0]));
        Assert.Empty(c.Execute("SELECT * FROM series(NULL)").Rows);
        c.ExecuteBatch("CREATE TABLE t(n INTEGER); INSERT INTO t VALUES (1), (2), (NULL), (3)");
        var lateral = c.Execute("SELECT t.n, s.series FROM t, series(t.n) AS s ORDER BY t.n, s.series").Rows;
        Assert.Equal(6, lateral.Count);
        Assert.Equal(new object?[] { 3L, 2L }, lateral[^1]);
        Assert.Equal(3L, c.Execute("SELECT sum(series) FROM series($1)", [3]).Rows[0][0]);
        Assert.Equal("table", c.ListFunctions().Single().Kind);
        c.Execute("DROP FUNCTION series");
        Assert.ThrowsAny<WasqlException>(() => c.Execute("SELECT * FROM series(3)"));
    }

    [Fact]
    public void ReturnsTableNamesColumnsAndPersists()
    {
        if (s_guest.Value is not { } b64) return;
        var path = Fixtures.TempDb();
        try
        {
            using (var db = WasqlDatabase.Open(path))
            using (var c = db.Connect())
                c.Execute($"CREATE FUNCTION nums(n int) RETURNS TABLE (x int) LANGUAGE wasm WITH (export = 'range') USING BASE64 '{b64}'");
            using (var db = WasqlDatabase.Open(path))
            using (var c = db.Connect())
            {
                var r = c.Execute("SELECT x * 10 AS y FROM nums(4) WHERE x > 1");
                Assert.Equal(new object?[] { 20L, 30L }, r.Rows.Select(x => x[0]));
                var e = Assert.Throws<WasqlException>(() => c.Execute($"CREATE FUNCTION bad(int4) RETURNS int4 LANGUAGE wasm WITH (export = 'range') USING BASE64 '{b64}'"));
                Assert.Equal("42P13", e.SqlState);   // a table function declared as scalar
            }
        }
        finally { Fixtures.DeleteDb(path); }
    }
}
