// Restart persistence, corrupt stored modules, and the atomicity of catalog changes.
namespace Wasql.Database.Tests;

public sealed class PersistenceTests
{
    /// <summary>One arrow-udf function (the Databend fixture) and one direct-ABI function.</summary>
    private static void CreateGcdAndHalf(WasqlConnection c)
    {
        c.Execute($"CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        c.Execute($"CREATE FUNCTION half(float8) RETURNS float8 LANGUAGE wasm WITH (abi = 'direct') USING BASE64 '{Fixtures.DirectBase64}'");
    }

    [Fact]
    public void FunctionsSurviveReopen()
    {
        var path = Fixtures.TempDb();
        try
        {
            using (var db = WasqlDatabase.Open(path))
            using (var c = db.Connect())
            {
                CreateGcdAndHalf(c);
                c.ExecuteBatch("CREATE TABLE t(a, b); INSERT INTO t VALUES (12, 18)");
            }
            using (var db = WasqlDatabase.Open(path))
            using (var c = db.Connect())
            {
                Assert.Empty(db.LoadErrors);
                Assert.Equal(new object?[] { 6L, 1.5 }, c.Execute("SELECT gcd(a, b), half(3) FROM t").Rows[0]);
                Assert.Equal(2, c.ListFunctions().Count);
            }
        }
        finally { Fixtures.DeleteDb(path); }
    }

    [Fact]
    public void ModuleCacheServesRestartsAndReplacesDamagedEntries()
    {
        var path = Fixtures.TempDb();
        var cache = Directory.CreateTempSubdirectory("wasql-db-module-cache-").FullName;
        var options = new WasqlOptions { ModuleCacheDirectory = cache };
        try
        {
            using (var db = WasqlDatabase.Open(path, options))
            using (var c = db.Connect())
            {
                CreateGcdAndHalf(c);
                Assert.Equal(5L, c.Execute("SELECT gcd(15, 25)").Rows[0][0]);
            }
            // One entry per compiled module: gcd's, half's and, if this process had not warmed the engine up yet, the
            // runtime's warm-up module; each written once.
            var entries = Directory.GetFiles(cache);
            Assert.InRange(entries.Length, 2, 3);
            var written = entries.ToDictionary(e => e, File.GetLastWriteTimeUtc);
            using (var db = WasqlDatabase.Open(path, options))
            using (var c = db.Connect())
            {
                Assert.Empty(db.LoadErrors);
                Assert.Equal(new object?[] { 6L, 1.5 }, c.Execute("SELECT gcd(12, 18), half(3)").Rows[0]);
            }
            Assert.All(entries, e => Assert.Equal(written[e], File.GetLastWriteTimeUtc(e)));   // loaded, not rewritten

            // Damaged entries (a disk error, a tampering user) are compiled again, never loaded.
            var damaged = entries.ToDictionary(e => e, e => { var b = File.ReadAllBytes(e); b[^1] ^= 0x5a; return b; });
            foreach (var (e, bytes) in damaged) File.WriteAllBytes(e, bytes);
            using (var db = WasqlDatabase.Open(path, options))
            using (var c = db.Connect())
            {
                Assert.Empty(db.LoadErrors);
                Assert.Equal(new object?[] { 6L, 1.5 }, c.Execute("SELECT gcd(12, 18), half(3)").Rows[0]);
            }
            // gcd's and half's entries were rewritten (the warm-up module runs once per process, so not again here).
            Assert.Equal(2, entries.Count(e => !damaged[e].AsSpan().SequenceEqual(File.ReadAllBytes(e))));
        }
        finally
        {
            Fixtures.DeleteDb(path);
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void CorruptModuleIsReportedByNameNotFatal()
    {
        var path = Fixtures.TempDb();
        try
        {
            using (var db = WasqlDatabase.Open(path))
            using (var c = db.Connect())
            {
                CreateGcdAndHalf(c);
                // Damage the stored copy of the arrow-udf module only.
                // Damaged outside SQL (SQL statements cannot write the catalog): through the raw SQLite connection.
                using var raw = c.SqliteConnection.CreateCommand();
                raw.CommandText = "UPDATE wasql_catalog_modules SET data = CAST(substr(data, 1, 100) || x'00ff00ff' || substr(data, 105) AS BLOB) WHERE size > 100000";
                raw.ExecuteNonQuery();
            }
            using (var db = WasqlDatabase.Open(path))
            using (var c = db.Connect())
            {
                var err = Assert.Single(db.LoadErrors);
                Assert.Contains("gcd(int4, int4)", err);
                Assert.Contains("corrupt", err);
                Assert.Equal(1.5, c.Execute("SELECT half(3)").Rows[0][0]);
                var e = Assert.Throws<WasqlException>(() => c.Execute("SELECT gcd(1, 2)"));
                Assert.Equal("38000", e.SqlState);
                Assert.Contains("corrupt", e.Message);
                Assert.Contains("error", c.Execute("SHOW FUNCTIONS").Rows.Single(r => (string)r[0]! == "gcd")[9] as string);
                // Replacing the function repairs it.
                c.Execute($"CREATE OR REPLACE FUNCTION gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
            }
        }
        finally { Fixtures.DeleteDb(path); }
    }

    [Fact]
    public void FailedCreateLeavesOldDefinition()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using var c = db.Connect();
        c.Execute($"CREATE FUNCTION f(int8, int8) RETURNS int8 LANGUAGE wasm WITH (abi = 'direct', export = 'gcd') USING BASE64 '{Fixtures.DirectBase64}'");
        Assert.Throws<WasqlException>(() => c.Execute("CREATE OR REPLACE FUNCTION f(int8, int8) RETURNS int8 LANGUAGE wasm USING BASE64 'AGFzbQEAAAA='"));
        Assert.Equal(6L, c.Execute("SELECT f(12, 18)").Rows[0][0]);
        Assert.Equal(1L, c.Execute("SELECT count(*) FROM wasql_catalog_modules").Rows[0][0]);
    }
}
