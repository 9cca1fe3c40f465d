// The logical type of a result column from its declared type (SQLite keeps the declaration text verbatim): one
// mapping for every client of the database (the ADO.NET provider's field types, the wire server's type OIDs). Known Postgres and SQLite spellings first, then SQLite's affinity rules.
namespace Wasql.Database;

/// <summary>What a column's values mean, beyond SQLite's storage class.</summary>
public enum WasqlType
{
    /// <summary>16-bit integer (int2, smallint).</summary>
    Int2,
    /// <summary>32-bit integer (int, int4, integer).</summary>
    Int4,
    /// <summary>64-bit integer (int8, bigint, and other names containing "int").</summary>
    Int8,
    /// <summary>Single precision (float4, real).</summary>
    Float4,
    /// <summary>Double precision (float8, double, float).</summary>
    Float8,
    /// <summary>Exact decimal (numeric, decimal; SQLite's NUMERIC affinity).</summary>
    Numeric,
    /// <summary>Boolean, stored as 0/1.</summary>
    Boolean,
    /// <summary>Text.</summary>
    Text,
    /// <summary>Text declared varchar / character varying.</summary>
    Varchar,
    /// <summary>Text declared char / character (blank-padded in PostgreSQL; stored as given here).</summary>
    Char,
    /// <summary>Bytes.</summary>
    Bytea,
    /// <summary>Calendar date, stored as text (yyyy-MM-dd).</summary>
    Date,
    /// <summary>Time of day, stored as text.</summary>
    Time,
    /// <summary>Timestamp without time zone, stored as text.</summary>
    Timestamp,
    /// <summary>Timestamp with time zone, stored as text.</summary>
    TimestampTz,
    /// <summary>JSON text.</summary>
    Json,
    /// <summary>JSON text declared jsonb.</summary>
    Jsonb,
    /// <summary>UUID, stored as text.</summary>
    Uuid,
}

/// <summary>Maps declared column types to <see cref="WasqlType"/>.</summary>
public static class ColumnTypes
{
    /// <summary>The type a declaration names, or null for no declaration (expression columns).</summary>
    public static WasqlType? FromDeclared(string? declared)
    {
        if (string.IsNullOrWhiteSpace(declared)) return null;
        var d = declared.Trim().ToLowerInvariant();
        int paren = d.IndexOf('(');
        if (paren > 0) d = d[..paren].Trim();
        switch (d)
        {
            case "int2": case "smallint": case "tinyint": return WasqlType.Int2;
            case "int": case "int4": case "integer": case "mediumint": case "serial": return WasqlType.Int4;
            case "int8": case "bigint": case "bigserial": case "long": return WasqlType.Int8;
            case "float4": case "real": return WasqlType.Float4;
            case "float8": case "float": case "double": case "double precision": return WasqlType.Float8;
            case "numeric": case "decimal": return WasqlType.Numeric;
            case "bool": case "boolean": return WasqlType.Boolean;
            case "bytea": case "blob": return WasqlType.Bytea;
            case "text": case "clob": case "string": return WasqlType.Text;
            case "varchar": case "character varying": case "nvarchar": return WasqlType.Varchar;
            case "char": case "character": case "bpchar": case "nchar": return WasqlType.Char;
            case "date": return WasqlType.Date;
            case "time": case "time without time zone": return WasqlType.Time;
            case "timestamp": case "datetime": case "timestamp without time zone": return WasqlType.Timestamp;
            case "timestamptz": case "timestamp with time zone": return WasqlType.TimestampTz;
            case "json": return WasqlType.Json;
            case "jsonb": return WasqlType.Jsonb;
            case "uuid": return WasqlType.Uuid;
        }
        // SQLite's affinity rules for any other name
        if (d.Contains("int")) return WasqlType.Int8;
        if (d.Contains("char") || d.Contains("clob") || d.Contains("text")) return WasqlType.Text;
        if (d.Contains("blob")) return WasqlType.Bytea;
        if (d.Contains("real") || d.Contains("floa") || d.Contains("doub")) return WasqlType.Float8;
        return WasqlType.Numeric;
    }
}
