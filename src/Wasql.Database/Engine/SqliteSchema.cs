// IEngineSchema for SQLite: sqlite_schema and the table-valued pragmas, read on the session's internal connection
// (outside the authorizer, like Wasql's other catalog queries).
using Microsoft.Data.Sqlite;
using Wasql.Database.Security;

namespace Wasql.Database.Engine;

internal sealed class SqliteSchema(SqliteConnection connection) : IEngineSchema
{
    public IReadOnlyList<SchemaRelation> Relations()
    {
        var list = new List<SchemaRelation>();
        Query("SELECT rowid, type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", null, r =>
        {
            string name = r.GetString(2), table = r.GetString(3);
            // The database's own catalog (functions, modules, roles, plugins) is not the user's schema.
            if (name.StartsWith(SecurityNames.CatalogPrefix, StringComparison.Ordinal) || table.StartsWith(SecurityNames.CatalogPrefix, StringComparison.Ordinal)) return;
            var kind = r.GetString(1) switch { "view" => RelationKind.View, "index" => RelationKind.Index, "trigger" => RelationKind.Trigger, _ => RelationKind.Table };
            // An index without SQL is one SQLite made for a PRIMARY KEY or UNIQUE constraint: unique by definition.
            bool unique = kind == RelationKind.Index &&
                          (r.IsDBNull(4) || r.GetString(4).TrimStart().StartsWith("CREATE UNIQUE", StringComparison.OrdinalIgnoreCase));
            list.Add(new SchemaRelation(r.GetInt64(0), name, kind, table, unique));
        });
        return list;
    }

    public IReadOnlyList<SchemaColumn> Columns(string relation)
    {
        var list = new List<SchemaColumn>();
        Query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($name)", relation, r =>
            list.Add(new SchemaColumn(r.GetString(0), r.IsDBNull(1) || r.GetString(1).Length == 0 ? null : r.GetString(1),
                r.GetInt64(2) != 0, r.IsDBNull(3) ? null : r.GetString(3), r.GetInt64(4) != 0)));
        return list;
    }

    public IReadOnlyList<string?> IndexColumns(string index)
    {
        var list = new List<string?>();
        Query("SELECT name FROM pragma_index_info($name) ORDER BY seqno", index, r => list.Add(r.IsDBNull(0) ? null : r.GetString(0)));
        return list;
    }

    private void Query(string sql, string? name, Action<SqliteDataReader> row)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        if (name is not null) cmd.Parameters.AddWithValue("$name", name);
        using var r = cmd.ExecuteReader();
        while (r.Read()) row(r);
    }
}
