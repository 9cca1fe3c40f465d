// Postgres type OIDs the server speaks, and the mapping from SQLite declared column types and storage
// classes (long, double, string, byte[]) to them.
using Wasql.Database;
namespace Wasql.Server.Types;

internal static class Oid
{
    public const int Bool = 16, Bytea = 17, Char = 18, Name = 19, Int8 = 20, Int2 = 21, Int4 = 23, Text = 25, OidT = 26,
        Json = 114, Float4 = 700, Float8 = 701, Unknown = 705, Bpchar = 1042, Varchar = 1043, Date = 1082, Time = 1083,
        Timestamp = 1114, TimestampTz = 1184, Numeric = 1700, Uuid = 2950, Jsonb = 3802, Regproc = 24, Void = 2278;
}

internal static class PgType
{
    /// <summary>The built-in types (oid, name, length, array oid) that Npgsql/psql may ask about.</summary>
    public static readonly (int Oid, string Name, short Len, int ArrayOid)[] BuiltIns =
    [
        (Oid.Bool, "bool", 1, 1000), (Oid.Bytea, "bytea", -1, 1001), (Oid.Char, "char", 1, 1002), (Oid.Name, "name", 64, 1003),
        (Oid.Int8, "int8", 8, 1016), (Oid.Int2, "int2", 2, 1005), (Oid.Int4, "int4", 4, 1007), (Oid.Regproc, "regproc", 4, 1008),
        (Oid.Text, "text", -1, 1009), (Oid.OidT, "oid", 4, 1028), (Oid.Json, "json", -1, 199), (Oid.Float4, "float4", 4, 1021),
        (Oid.Float8, "float8", 8, 1022), (Oid.Unknown, "unknown", -2, 0), (Oid.Bpchar, "bpchar", -1, 1014), (Oid.Varchar, "varchar", -1, 1015),
        (Oid.Date, "date", 4, 1182), (Oid.Time, "time", 8, 1183), (Oid.Timestamp, "timestamp", 8, 1115),
        (Oid.TimestampTz, "timestamptz", 8, 1185), (Oid.Numeric, "numeric", -1, 1231), (Oid.Uuid, "uuid", 16, 2951),
        (Oid.Jsonb, "jsonb", -1, 3807), (Oid.Void, "void", 4, 0),
    ];

    public static short Size(int oid) => oid switch
    {
        Oid.Bool or Oid.Char => 1, Oid.Int2 => 2, Oid.Int4 or Oid.Float4 or Oid.Date or Oid.OidT => 4,
        Oid.Int8 or Oid.Float8 or Oid.Time or Oid.Timestamp or Oid.TimestampTz => 8, Oid.Name => 64, Oid.Uuid => 16, _ => -1,
    };

    public static string Name(int oid)
    {
        foreach (var t in BuiltIns) if (t.Oid == oid) return t.Name;
        return "text";
    }

    /// <summary>Postgres display name (as format_type gives it).</summary>
    public static string DisplayName(int oid) => oid switch
    {
        Oid.Int2 => "smallint", Oid.Int4 => "integer", Oid.Int8 => "bigint", Oid.Float4 => "real", Oid.Float8 => "double precision",
        Oid.Bool => "boolean", Oid.Varchar => "character varying", Oid.Bpchar => "character", Oid.Time => "time without time zone",
        Oid.Timestamp => "timestamp without time zone", Oid.TimestampTz => "timestamp with time zone", _ => Name(oid),
    };

    /// <summary>The OID for a declared type (the database's one mapping, <see cref="Wasql.Database.ColumnTypes"/>), or
    /// null when there is no declaration.</summary>
    public static int? FromDeclared(string? declared) => Wasql.Database.ColumnTypes.FromDeclared(declared) is { } t ? FromType(t) : null;

    /// <summary>The OID of a type.</summary>
    public static int FromType(Wasql.Database.WasqlType type) => type switch
    {
        Wasql.Database.WasqlType.Int2 => Oid.Int2,
        Wasql.Database.WasqlType.Int4 => Oid.Int4,
        Wasql.Database.WasqlType.Int8 => Oid.Int8,
        Wasql.Database.WasqlType.Float4 => Oid.Float4,
        Wasql.Database.WasqlType.Float8 => Oid.Float8,
        Wasql.Database.WasqlType.Numeric => Oid.Numeric,
        Wasql.Database.WasqlType.Boolean => Oid.Bool,
        Wasql.Database.WasqlType.Bytea => Oid.Bytea,
        Wasql.Database.WasqlType.Text => Oid.Text,
        Wasql.Database.WasqlType.Varchar => Oid.Varchar,
        Wasql.Database.WasqlType.Char => Oid.Bpchar,
        Wasql.Database.WasqlType.Date => Oid.Date,
        Wasql.Database.WasqlType.Time => Oid.Time,
        Wasql.Database.WasqlType.Timestamp => Oid.Timestamp,
        Wasql.Database.WasqlType.TimestampTz => Oid.TimestampTz,
        Wasql.Database.WasqlType.Json => Oid.Json,
        Wasql.Database.WasqlType.Jsonb => Oid.Jsonb,
        Wasql.Database.WasqlType.Uuid => Oid.Uuid,
        _ => Oid.Text,
    };

    /// <summary>The type of an OID this server speaks, or null (for ResultTypes' $n parameters).</summary>
    public static Wasql.Database.WasqlType? ToType(int oid)
    {
        foreach (var t in Enum.GetValues<Wasql.Database.WasqlType>())
            if (FromType(t) == oid) return t;
        return null;
    }

    /// <summary>The OID for a value without a declared type (expression columns).</summary>
    public static int FromValue(object? v) => v switch
    {
        long => Oid.Int8, double => Oid.Float8, byte[] => Oid.Bytea, _ => Oid.Text,
    };

    /// <summary>Column types of a result: the declaration when there is one, else the first non-null value.</summary>
    public static int[] ForColumns(IReadOnlyList<ColumnInfo> columns, IReadOnlyList<object?[]>? rows)
    {
        var oids = new int[columns.Count];
        for (int i = 0; i < oids.Length; i++)
        {
            var o = FromDeclared(columns[i].DeclaredType);
            if (o is null && rows is not null)
                foreach (var r in rows)
                    if (i < r.Length && r[i] is not null) { o = FromValue(r[i]); break; }
            oids[i] = o ?? Oid.Text;
        }
        return oids;
    }
}
