// A malformed value in the function catalog (written behind Wasql's back, straight into the file) is a named warning at
// open: that one function is not loaded, the others still work, and CREATE FUNCTION keeps working.
using Microsoft.Data.Sqlite;

namespace Wasql.Database.Tests;

public sealed class CatalogCorruptionTests : IDisposable
{
    private readonly string _path = Fixtures.TempDb();

    public CatalogCorruptionTests()
    {
        using var db = WasqlDatabase.Open(_path);
        using var c = db.Connect();
        c.Execute($"CREATE FUNCTION victim(int8, int8) RETURNS int8 LANGUAGE wasm WITH (abi = 'direct', export = 'gcd') USING BASE64 '{Fixtures.DirectBase64}'");
        c.Execute($"CREATE FUNCTION survivor(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING BASE64 '{Fixtures.DirectBase64}'");
        c.Execute($"CREATE FUNCTION arrow_gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Fixtures.DeleteDb(_path);
    }

    /// <summary>Runs <paramref name="sql"/> on the file with a plain SQLite connection (no Wasql in between).</summary>
    private void Raw(string sql)
    {
        using var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "PRAGMA foreign_keys = OFF;" + sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Re-creates the function catalog without its NOT NULL constraints (as an older or foreign writer might
    /// have), so NULLs can be stored where values are expected.</summary>
    private const string DropConstraints = """
        DROP VIEW wasql_functions;
        CREATE TABLE loose AS SELECT * FROM wasql_catalog_functions;
        DROP TABLE wasql_catalog_functions;
        ALTER TABLE loose RENAME TO wasql_catalog_functions;
        """;

    private void AssertOthersStillWork(WasqlDatabase db, string warningPart)
    {
        var warning = Assert.Single(db.LoadErrors);
        Assert.Contains(warningPart, warning);
        Assert.Contains("is malformed", warning);
        using var c = db.Connect();
        Assert.Equal(5L, c.Execute("SELECT survivor(2, 3)").Rows[0][0]);
        Assert.Equal(6L, c.Execute("SELECT arrow_gcd(12, 18)").Rows[0][0]);
        Assert.DoesNotContain(db.ListFunctions(), f => f.Name == "victim");
        c.Execute($"CREATE FUNCTION later(float8) RETURNS float8 LANGUAGE wasm WITH (abi = 'direct', export = 'half') USING BASE64 '{Fixtures.DirectBase64}'");
        Assert.Equal(2.5, c.Execute("SELECT later(5.0)").Rows[0][0]);
        c.Execute("DROP FUNCTION later");
    }

    [Theory]
    [InlineData("table_columns", "'{{{'")]
    [InlineData("table_columns", "'[[\"a\"]]'")]
    [InlineData("table_columns", "'[[\"a\", \"nosuchtype\"]]'")]
    [InlineData("table_columns", "'null'")]
    [InlineData("arg_types", "'int8,bogus'")]
    [InlineData("arg_types", "'INTEGER,int8'")]
    [InlineData("arg_types", "x'696e7438'")]
    [InlineData("return_type", "'nonsense'")]
    [InlineData("kind", "'banana'")]
    [InlineData("language", "'cobol'")]
    [InlineData("abi", "'weird'")]
    [InlineData("export_name", "''")]
    [InlineData("export_name", "x'00ff'")]
    [InlineData("module_sha256", "'zz'")]
    [InlineData("source", "x'00ff'")]
    [InlineData("options", "3.5")]
    [InlineData("options", "'{\"abi\": 1}'")]
    public void MalformedValueIsANamedWarning(string column, string value)
    {
        Raw($"UPDATE wasql_catalog_functions SET {column} = {value} WHERE name = 'victim'");
        using (var db = WasqlDatabase.Open(_path))
        {
            Assert.StartsWith("function victim(", Assert.Single(db.LoadErrors));
            AssertOthersStillWork(db, $"catalog column {column} is malformed");
        }
        // The warning stays a warning: the next open (after CREATE/DROP rewrote the catalog) loads the same way.
        using (var db = WasqlDatabase.Open(_path)) Assert.Single(db.LoadErrors);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("arg_types")]
    [InlineData("return_type")]
    [InlineData("kind")]
    [InlineData("language")]
    [InlineData("abi")]
    [InlineData("export_name")]
    [InlineData("module_sha256")]
    public void NullWhereAValueIsExpectedIsANamedWarning(string column)
    {
        Raw(DropConstraints + $"UPDATE wasql_catalog_functions SET {column} = NULL WHERE name = 'victim'");
        using var db = WasqlDatabase.Open(_path);
        AssertOthersStillWork(db, $"catalog column {column} is malformed: NULL where a value is required");
    }

    [Theory]
    [InlineData("data", "'not a blob'", "data is malformed")]
    [InlineData("size", "'big'", "size is malformed")]
    [InlineData("codec", "x'01'", "codec is malformed")]
    [InlineData("data", "x'00112233'", "arrow_gcd")]
    public void MalformedModuleRowFailsOnlyItsFunctions(string column, string value, string warningPart)
    {
        Raw($"UPDATE wasql_catalog_modules SET {column} = {value} WHERE sha256 = (SELECT module_sha256 FROM wasql_catalog_functions WHERE name = 'arrow_gcd')");
        using var db = WasqlDatabase.Open(_path);
        Assert.Contains(warningPart, Assert.Single(db.LoadErrors));
        using var c = db.Connect();
        Assert.Equal(5L, c.Execute("SELECT survivor(2, 3)").Rows[0][0]);
        Assert.Equal(6L, c.Execute("SELECT victim(12, 18)").Rows[0][0]);
        Assert.Contains(db.ListFunctions(), f => f.Name == "arrow_gcd" && f.LoadError is not null);
        c.Execute($"CREATE FUNCTION later(float8) RETURNS float8 LANGUAGE wasm WITH (abi = 'direct', export = 'half') USING BASE64 '{Fixtures.DirectBase64}'");
        Assert.Equal(2.5, c.Execute("SELECT later(5.0)").Rows[0][0]);
        // Creating the function again with its module stores the module again, which repairs the damaged row.
        c.Execute($"CREATE OR REPLACE FUNCTION arrow_gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        c.Dispose();
        db.Dispose();
        using var reopened = WasqlDatabase.Open(_path);
        Assert.Empty(reopened.LoadErrors);
        using var c2 = reopened.Connect();
        Assert.Equal(6L, c2.Execute("SELECT arrow_gcd(12, 18)").Rows[0][0]);
    }
}
