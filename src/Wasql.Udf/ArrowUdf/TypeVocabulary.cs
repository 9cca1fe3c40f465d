// Type names of the arrow-udf ABI by version (ABI 3: int8..int64, string, binary, ...; ABI 1-2: int2/int4/int8,
// varchar, bytea, ...) mapped to Arrow fields, plus the SQL aliases the guest macro normalises.
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Wasql.Udf.ArrowUdf;

internal static class TypeVocabulary
{

    private const string ExtensionNameKey = "ARROW:extension:name";
    private static readonly TimeUnit Micros = TimeUnit.Microsecond;

    private static Field F(IArrowType t, string? ext = null) =>
        new("", t, true, ext is null ? null : new Dictionary<string, string> { [ExtensionNameKey] = ext });

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
        new(name, F(new ListType(new Field("item", element.ArrowType, true, element.Field.HasMetadata ? element.Field.Metadata : null))), element);

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
            "null" => F(NullType.Default),
            "boolean" => F(BooleanType.Default),
            "int8" => F(Int8Type.Default),
            "int16" => F(Int16Type.Default),
            "int32" => F(Int32Type.Default),
            "int64" => F(Int64Type.Default),
            "uint8" => F(UInt8Type.Default),
            "uint16" => F(UInt16Type.Default),
            "uint32" => F(UInt32Type.Default),
            "uint64" => F(UInt64Type.Default),
            "float32" => F(FloatType.Default),
            "float64" => F(DoubleType.Default),
            "date32" => F(Date32Type.Default),
            "time64" => F(new Time64Type(Micros)),
            "timestamp" => F(new TimestampType(Micros, (string?)null)),
            "interval" => F(IntervalType.MonthDayNanosecond),
            "decimal" => F(StringType.Default, "arrowudf.decimal"),
            "json" => F(StringType.Default, "arrowudf.json"),
            "string" => F(StringType.Default),
            "binary" => F(BinaryType.Default),
            "largestring" => F(LargeStringType.Default),
            "largebinary" => F(LargeBinaryType.Default),
            _ => null,
        } : name switch
        {
            "void" => F(NullType.Default),
            "boolean" => F(BooleanType.Default),
            "int2" => F(Int16Type.Default),
            "int4" => F(Int32Type.Default),
            "int8" => F(Int64Type.Default),
            "float4" => F(FloatType.Default),
            "float8" => F(DoubleType.Default),
            "decimal" => F(LargeBinaryType.Default),
            "date" => F(Date32Type.Default),
            "time" => F(new Time64Type(Micros)),
            "timestamp" => F(new TimestampType(Micros, (string?)null)),
            "interval" => F(IntervalType.MonthDayNanosecond),
            "json" => F(LargeStringType.Default),
            "varchar" => F(StringType.Default),
            "bytea" => F(BinaryType.Default),
            _ => null,
        };
        return f is null ? null : new UdfType(name, f);
    }

    public static UdfType Struct(string name, string? structName, List<(string Name, UdfType Type)> fields) =>
        new(name, F(new StructType(fields.Select(x => new Field(x.Name, x.Type.ArrowType, true, x.Type.Field.HasMetadata ? x.Type.Field.Metadata : null)).ToList())),
            null, structName, fields);
}
