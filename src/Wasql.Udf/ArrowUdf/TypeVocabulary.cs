// Type names of the arrow-udf ABI by version (ABI 3: int8..int64, string, binary, ...; ABI 1-2: int2/int4/int8,
// varchar, bytea, ...) mapped to Arrow fields, plus the SQL aliases the guest macro normalises.
using Wasql.Arrow.Types;

namespace Wasql.Udf.ArrowUdf;

internal static class TypeVocabulary
{

    private static Field F(ArrowType t, string? ext = null) =>
        new("", t, true, ext is null ? null : new Dictionary<string, string> { ["ARROW:extension:name"] = ext });

    /// <summary>Parses a type of the given ABI major version; throws FormatException when unknown.</summary>
    public static UdfType Parse(string name, int major, IReadOnlyDictionary<string, UdfType> structs) =>
        ParseStrict(name, major, structs) ?? throw new FormatException($"unknown arrow-udf type '{name}' (ABI {major})");

    /// <summary>Lenient lookup for callers: the module's vocabulary, then the other one, then SQL aliases.</summary>
    public static UdfType? TryParse(string name, int major, IReadOnlyDictionary<string, UdfType> structs)
    {
        string n = string.Join(' ', name.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return ParseStrict(n, major, structs) ?? ParseStrict(n, major >= 3 ? 2 : 3, structs)
            ?? Alias(n.ToLowerInvariant(), major, structs);
    }

    private static UdfType? Alias(string n, int major, IReadOnlyDictionary<string, UdfType> structs)
    {
        if (n.EndsWith("[]")) return Alias(n[..^2], major, structs) is { } e ? List(n, e) : null;
        string? v3 = n switch
        {
            "bool" => "boolean",
            "smallint" => "int16",
            "int" or "integer" => "int32",
            "bigint" => "int64",
            "real" => "float32",
            "double" or "double precision" or "float" => "float64",
            "numeric" => "decimal",
            "varchar" or "character varying" or "text" => "string",
            "bytea" or "blob" => "binary",
            "jsonb" => "json",
            "date" => "date32",
            "time" => "time64",
            _ => null,
        };
        if (v3 is null) return null;
        // decimal/json keep the module's own representation.
        if (v3 is "decimal" or "json") return ParseStrict(v3, major, structs);
        return ParseStrict(v3, 3, structs);
    }

    private static UdfType List(string name, UdfType element) =>
        new(name, F(new ListType(new Field("item", element.ArrowType, true, element.Field.Metadata))), element);

    private static UdfType? ParseStrict(string name, int major, IReadOnlyDictionary<string, UdfType> structs)
    {
        if (name.EndsWith("[]"))
            return ParseStrict(name[..^2], major, structs) is { } e ? List(name, e) : null;
        if (name.StartsWith("struct ", StringComparison.Ordinal) && major >= 2)
            return structs.TryGetValue(name[7..], out var s) ? s : null;
        if (name.StartsWith("struct<", StringComparison.Ordinal) && name.EndsWith('>'))
        {
            var fields = new List<(string, UdfType)>();
            foreach (var part in SymbolDecoder.SplitTopLevel(name[7..^1]))
            {
                int colon = part.IndexOf(':');
                if (colon <= 0) return null;
                var ft = ParseStrict(part[(colon + 1)..], major, structs);
                if (ft is null) return null;
                fields.Add((part[..colon], ft));
            }
            return Struct(name, null, fields);
        }
        Field? f = major >= 3 ? name switch
        {
            "null" => F(ArrowType.Null),
            "boolean" => F(ArrowType.Boolean),
            "int8" => F(ArrowType.Int8),
            "int16" => F(ArrowType.Int16),
            "int32" => F(ArrowType.Int32),
            "int64" => F(ArrowType.Int64),
            "uint8" => F(ArrowType.UInt8),
            "uint16" => F(ArrowType.UInt16),
            "uint32" => F(ArrowType.UInt32),
            "uint64" => F(ArrowType.UInt64),
            "float32" => F(ArrowType.Float32),
            "float64" => F(ArrowType.Float64),
            "date32" => F(ArrowType.Date32),
            "time64" => F(new TimeType(TimeUnit.Microsecond)),
            "timestamp" => F(new TimestampType(TimeUnit.Microsecond)),
            "interval" => F(IntervalType.MonthDayNano),
            "decimal" => F(ArrowType.Utf8, "arrowudf.decimal"),
            "json" => F(ArrowType.Utf8, "arrowudf.json"),
            "string" => F(ArrowType.Utf8),
            "binary" => F(ArrowType.Binary),
            "largestring" => F(ArrowType.LargeUtf8),
            "largebinary" => F(ArrowType.LargeBinary),
            _ => null,
        } : name switch
        {
            "void" => F(ArrowType.Null),
            "boolean" => F(ArrowType.Boolean),
            "int2" => F(ArrowType.Int16),
            "int4" => F(ArrowType.Int32),
            "int8" => F(ArrowType.Int64),
            "float4" => F(ArrowType.Float32),
            "float8" => F(ArrowType.Float64),
            "decimal" => F(ArrowType.LargeBinary),
            "date" => F(ArrowType.Date32),
            "time" => F(new TimeType(TimeUnit.Microsecond)),
            "timestamp" => F(new TimestampType(TimeUnit.Microsecond)),
            "interval" => F(IntervalType.MonthDayNano),
            "json" => F(ArrowType.LargeUtf8),
            "varchar" => F(ArrowType.Utf8),
            "bytea" => F(ArrowType.Binary),
            _ => null,
        };
        return f is null ? null : new UdfType(name, f);
    }

    public static UdfType Struct(string name, string? structName, List<(string Name, UdfType Type)> fields) =>
        new(name, F(new StructType(fields.Select(x => new Field(x.Name, x.Type.ArrowType, true, x.Type.Field.Metadata)).ToArray())),
            null, structName, fields);
}
