// The first part of the storage-engine seam (issue #15): reading the schema of a database, for the server's
// pg_catalog emulation (psql's \d, \dt, \di; drivers' metadata) and `wasql sql`'s \dt, without callers writing engine
// SQL (sqlite_schema, pragma_table_info...). Each engine answers it from its own catalog: SqliteSchema here, DuckDB's
// information_schema / duckdb_tables() next (issue #17). Wasql's own tables (wasql_*) are never listed.
namespace Wasql.Database.Engine;

public enum RelationKind { Table, View, Index, Trigger }

/// <summary>A relation of the user's schema.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Kind">Table, view, index or trigger.</param>
/// <param name="Id">Stable while the relation exists (SQLite: its sqlite_schema rowid); the server derives OIDs from it.</param>
/// <param name="Table">For an index or trigger, the table it belongs to; for a table or view, its own name.</param>
/// <param name="Unique">For an index: whether it is unique (primary keys and UNIQUE constraints included).</param>
public sealed record SchemaRelation(long Id, string Name, RelationKind Kind, string Table, bool Unique);

/// <summary>A column of a table or view, as declared.</summary>
/// <param name="Name">Its name.</param>
/// <param name="DeclaredType">The declared type as written (null when none was declared).</param>
/// <param name="NotNull">Declared NOT NULL.</param>
/// <param name="Default">The default expression as written, or null.</param>
/// <param name="PrimaryKey">Part of the primary key.</param>
public sealed record SchemaColumn(string Name, string? DeclaredType, bool NotNull, string? Default, bool PrimaryKey);

/// <summary>What an engine tells about the schema of the database a connection sees.</summary>
public interface IEngineSchema
{
    /// <summary>The user's relations (not the engine's or Wasql's own), ordered by name.</summary>
    IReadOnlyList<SchemaRelation> Relations();

    /// <summary>The columns of a table or view in declaration order (empty when there is none by that name).</summary>
    IReadOnlyList<SchemaColumn> Columns(string relation);

    /// <summary>The columns an index covers in key order; null for an expression.</summary>
    IReadOnlyList<string?> IndexColumns(string index);
}
