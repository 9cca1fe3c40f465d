// information_schema.tables / .columns over the wire: answered from the database's engine schema (IEngineSchema), with
// the client's own filters and ordering applied; Wasql's catalog tables are not listed.
using Npgsql;

namespace Wasql.Server.Tests;

public sealed class InformationSchemaTests
{
    [Fact]
    public async Task TablesAndColumnsWithTheClientsFilters()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        async Task<List<object?[]>> Rows(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            await using var r = await cmd.ExecuteReaderAsync();
            var rows = new List<object?[]>();
            while (await r.ReadAsync())
            {
                var row = new object?[r.FieldCount];
                r.GetValues(row);
                rows.Add(row.Select(v => v is DBNull ? null : v).ToArray());
            }
            return rows;
        }

        Assert.Empty(await Rows("SELECT table_name FROM information_schema.tables"));
        await using (var create = new NpgsqlCommand("CREATE TABLE \"it's\"(id integer PRIMARY KEY, name text NOT NULL DEFAULT 'n'); CREATE VIEW v AS SELECT name FROM \"it's\"", c))
            await create.ExecuteNonQueryAsync();
        var tables = await Rows("SELECT table_schema, table_name, table_type FROM information_schema.tables ORDER BY table_name");
        Assert.Equal([["public", "it's", "BASE TABLE"], ["public", "v", "VIEW"]], tables);
        Assert.DoesNotContain(tables, t => ((string)t[1]!).StartsWith("wasql_", StringComparison.Ordinal));
        var columns = await Rows("SELECT column_name, ordinal_position, column_default, is_nullable, data_type FROM information_schema.columns " +
                                 "WHERE table_name = 'it''s' ORDER BY ordinal_position");
        Assert.Equal(2, columns.Count);
        Assert.Equal(["id", 1L, null, "NO", "integer"], columns[0]);   // a primary key is NOT NULL, as in PostgreSQL
        Assert.Equal(["name", 2L, "'n'", "NO", "text"], columns[1]);
    }
}
