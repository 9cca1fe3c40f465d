// The module plumbing functions and plugins share: the SHA-256-keyed, reference-counted ModuleCache, ModuleSource
// (USING BASE64 / USING FILE with one set of messages and positions) and the catalog transaction.
using Wasql.Database.Catalog;
using Wasql.Udf;

namespace Wasql.Database.Tests;

public sealed class ModulePlumbingTests : IDisposable
{
    private readonly UdfRuntime _runtime = new();

    public void Dispose() => _runtime.Dispose();

    [Fact]
    public void CacheCompilesOncePerHashAndDisposesWithTheLastReference()
    {
        int compiles = 0;
        using var cache = new ModuleCache((wasm, name) => { compiles++; return _runtime.Load(wasm, name); });
        var bytes = Fixtures.DirectModule;
        var sha = ModuleCodec.Sha256Hex(bytes);
        var a = cache.Acquire(sha, bytes, "a");
        var b = cache.Acquire(sha, "b", () => throw new InvalidOperationException("bytes are not needed for a loaded hash"));
        Assert.Same(a, b);
        Assert.Equal(1, compiles);
        cache.Release(sha);
        using (a.Rent()) { }                    // one reference left: still usable
        Assert.Equal(1, cache.Count);
        cache.Release(sha);
        Assert.Equal(0, cache.Count);
        Assert.ThrowsAny<ObjectDisposedException>(() => a.Rent());
        cache.Release(sha);                     // releasing an unknown hash is harmless
        var c = cache.Acquire(sha, bytes, "c");  // loaded again after the last release
        Assert.NotSame(a, c);
        Assert.Equal(2, compiles);
    }

    [Fact]
    public void CacheKeepsNothingWhenCompilingFails()
    {
        using var cache = new ModuleCache((wasm, name) => _runtime.Load(wasm, name));
        Assert.ThrowsAny<UdfException>(() => cache.Acquire("bad", [0, 0x61, 0x73, 0x6d, 9, 9, 9, 9], "bad"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void SourceMessagesHaveTheSubjectAndPosition()
    {
        var e = Assert.Throws<WasqlException>(() => ModuleSource.Read("not base64!", null, "plugin \"p\"", 17));
        Assert.Equal((SqlStates.InvalidParameterValue, "plugin \"p\": USING BASE64 is not valid base64", (int?)17), (e.SqlState, e.Message, e.Position));
        Assert.Equal([1, 2, 3], ModuleSource.Read(" AQ\nID ", null, null, 1));
        var missing = Assert.Throws<WasqlException>(() => ModuleSource.Read(null, "/nonexistent/m.wasm", null, 5));
        Assert.Equal(5, missing.Position);
    }

    [Fact]
    public void CreateFunctionAndPluginReportTheSameBase64Error()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using var c = db.Connect();
        var sql = "CREATE FUNCTION f(int) RETURNS int LANGUAGE wasm USING BASE64 '%%'";
        var e = Assert.Throws<WasqlException>(() => c.Execute(sql));
        Assert.Equal("USING BASE64 is not valid base64", e.Message);
        Assert.Equal(sql.IndexOf("'%%'", StringComparison.Ordinal) + 1, e.Position);
    }

    [Fact]
    public void CatalogTransactionIsAllOrNothing()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using var c = db.Connect();
        c.InCatalogTransaction(t => t.Execute("CREATE TABLE wasql_test_catalog(k TEXT PRIMARY KEY, v INTEGER)"));
        c.InCatalogTransaction(t => t.Execute("INSERT INTO wasql_test_catalog VALUES ($k, $v)", ("$k", "a"), ("$v", 1)));
        Assert.Throws<InvalidOperationException>(() => c.InCatalogTransaction(t =>
        {
            t.Execute("INSERT INTO wasql_test_catalog VALUES ($k, $v)", ("$k", "b"), ("$v", 2));
            throw new InvalidOperationException("the writer gave up");
        }));
        var rows = c.InCatalogTransaction(t =>
        {
            var list = new List<(string, long)>();
            t.Query("SELECT k, v FROM wasql_test_catalog ORDER BY k", r => list.Add((CatalogValues.Text(r, 0), CatalogValues.Integer(r, 1))));
            return list;
        });
        Assert.Equal([("a", 1L)], rows);
        // SQL statements still cannot write Wasql's catalog tables; only this entry can.
        var denied = Assert.Throws<WasqlException>(() => c.Execute("INSERT INTO wasql_test_catalog VALUES ('c', 3)"));
        Assert.Equal(SqlStates.InsufficientPrivilege, denied.SqlState);
    }
}
