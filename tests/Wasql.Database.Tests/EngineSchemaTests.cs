// The storage-engine seam's schema reader (IEngineSchema, SQLite first): what psql's \d and `wasql sql`'s \dt show.
using Wasql.Database.Engine;

namespace Wasql.Database.Tests;

public sealed class EngineSchemaTests
{
    [Fact]
    public void RelationsColumnsAndIndexesOfTheUserSchemaOnly()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using var c = db.Connect();
        c.ExecuteBatch("""
            CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x', price numeric, code TEXT UNIQUE);
            CREATE INDEX items_name ON items(name, lower(name));
            CREATE UNIQUE INDEX items_code ON items(code);
            CREATE VIEW cheap AS SELECT * FROM items WHERE price < 10;
            CREATE TRIGGER items_t AFTER INSERT ON items BEGIN SELECT 1; END;
            CREATE FUNCTION f(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '%GCD%';
            """.Replace("%GCD%", Fixtures.GcdFixtureBase64));
        var relations = c.Schema.Relations();
        Assert.DoesNotContain(relations, r => r.Name.StartsWith("wasql_", StringComparison.Ordinal));   // the function catalog is Wasql's
        // SQLite's own objects (sqlite_autoindex_items_1 for the UNIQUE column) are not listed either.
        Assert.Equal(
            [("cheap", RelationKind.View, "cheap"), ("items", RelationKind.Table, "items"), ("items_code", RelationKind.Index, "items"),
             ("items_name", RelationKind.Index, "items"), ("items_t", RelationKind.Trigger, "items")],
            relations.Select(r => (r.Name, r.Kind, r.Table)));
        Assert.True(relations.Single(r => r.Name == "items_code").Unique);
        Assert.False(relations.Single(r => r.Name == "items_name").Unique);
        Assert.Equal(relations.Count, relations.Select(r => r.Id).Distinct().Count());

        Assert.Equal(
            [new SchemaColumn("id", "INTEGER", false, null, true), new SchemaColumn("name", "TEXT", true, "'x'", false),
             new SchemaColumn("price", "numeric", false, null, false), new SchemaColumn("code", "TEXT", false, null, false)],
            c.Schema.Columns("items"));
        Assert.Empty(c.Schema.Columns("missing"));
        Assert.Equal(["name", null], c.Schema.IndexColumns("items_name"));
    }
}
