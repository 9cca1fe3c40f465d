// SQL type names: normalizes the Postgres spellings accepted in CREATE FUNCTION to canonical names, and maps each
// to how SQLite carries its values (INTEGER, REAL, TEXT, BLOB). See the README's type mapping table.
namespace Wasql.Database.Functions;

internal static class TypeNames
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["int2"] = "int2", ["smallint"] = "int2", ["int16"] = "int2",
        ["int4"] = "int4", ["int"] = "int4", ["integer"] = "int4", ["int32"] = "int4", ["serial"] = "int4",
        ["int8"] = "int8", ["bigint"] = "int8", ["int64"] = "int8", ["bigserial"] = "int8",
        ["float4"] = "float4", ["real"] = "float4", ["float32"] = "float4",
        ["float8"] = "float8", ["double precision"] = "float8", ["double"] = "float8", ["float"] = "float8", ["float64"] = "float8",
        ["boolean"] = "boolean", ["bool"] = "boolean",
        ["text"] = "text", ["varchar"] = "text", ["character varying"] = "text", ["char"] = "text", ["character"] = "text",
        ["string"] = "text", ["utf8"] = "text", ["name"] = "text",
        ["bytea"] = "bytea", ["blob"] = "bytea", ["binary"] = "bytea", ["varbinary"] = "bytea",
        ["decimal"] = "decimal", ["numeric"] = "decimal",
        ["json"] = "json", ["jsonb"] = "json",
        ["date"] = "date", ["date32"] = "date",
        ["time"] = "time", ["time without time zone"] = "time", ["time64"] = "time",
        ["timestamp"] = "timestamp", ["timestamp without time zone"] = "timestamp",
        ["timestamptz"] = "timestamptz", ["timestamp with time zone"] = "timestamptz",
        ["interval"] = "interval",
        ["void"] = "void",
    };

    private static readonly HashSet<string> MultiWordStarts = new(StringComparer.OrdinalIgnoreCase)
    { "double", "character", "timestamp", "time", "bit", "national", "interval" };

    /// <summary>True when <paramref name="word"/> can begin a multi-word type (so it is not an argument name).</summary>
    public static bool StartsMultiWordType(string word) => MultiWordStarts.Contains(word);

    /// <summary>The canonical name of a type (<c>int4</c>, <c>float8</c>, <c>text</c>, <c>int4[]</c>, <c>struct point</c>...).
    /// Length/precision modifiers are dropped. Unknown names throw 42704-like errors at <paramref name="position"/>.</summary>
    public static string Normalize(string text, int position)
    {
        var t = text.Trim();
        if (t.EndsWith("[]", StringComparison.Ordinal))
            return Normalize(t[..^2], position) + "[]";
        if (t.StartsWith("struct ", StringComparison.OrdinalIgnoreCase) || t.StartsWith("struct<", StringComparison.OrdinalIgnoreCase))
            return "struct " + string.Join(' ', t[6..].Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Replace(" ,", ",");
        var paren = t.IndexOf('(');
        if (paren > 0) t = t[..paren].Trim() + t[(t.IndexOf(')') + 1)..];
        t = string.Join(' ', t.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (Aliases.TryGetValue(t, out var canonical)) return canonical;
        throw new WasqlException(SqlStates.UndefinedObject, $"type \"{text}\" does not exist", position);
    }

    /// <summary>The declared type SQLite records for a result column of this type (shown in column metadata).</summary>
    public static string SqliteDeclared(string type) => type;

    /// <summary>The SQL types whose values a direct-ABI function gets and returns as their text form.</summary>
    private static readonly HashSet<string> TextForms = ["decimal", "date", "time", "timestamp", "timestamptz", "interval", "json"];

    /// <summary>The direct-ABI type that carries values of <paramref name="type"/> (text for decimal, date, time,
    /// timestamp[tz], interval and json, and JSON text for arrays and structs), or null when it cannot carry it.</summary>
    public static Wasql.Udf.SqlType? DirectCarrier(string type) =>
        TextForms.Contains(type) || IsJson(type) ? Wasql.Udf.SqlType.Text : Wasql.Udf.SqlTypes.TryParse(type, out var t) ? t : null;

    /// <summary>True for arrays and structs, which SQLite holds as JSON text (arrays as JSON arrays, structs as objects).</summary>
    public static bool IsJson(string type) => type.EndsWith("[]", StringComparison.Ordinal) || type.StartsWith("struct", StringComparison.Ordinal);

    /// <summary>Splits a comma-joined list of types (the catalog's arg_types) at the commas outside STRUCT&lt;...&gt;.</summary>
    public static string[] SplitList(string text)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '<') depth++;
            else if (text[i] == '>') depth--;
            else if (text[i] == ',' && depth == 0) { parts.Add(text[start..i]); start = i + 1; }
        }
        parts.Add(text[start..]);
        return [.. parts];
    }

    /// <summary>True when values of <paramref name="type"/> travel in SQLite as INTEGER.</summary>
    public static bool IsInteger(string type) => type is "int2" or "int4" or "int8" or "boolean";

    /// <summary>True when values of <paramref name="type"/> travel in SQLite as REAL.</summary>
    public static bool IsFloat(string type) => type is "float4" or "float8";
}
