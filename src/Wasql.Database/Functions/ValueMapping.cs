// Converts values between SQLite storage classes (long, double, string, byte[], null) and the CLR values the UDF
// runtime takes and returns for each SQL type; results SQLite cannot hold natively become text (dates, decimals, JSON).
using System.Collections;
using System.Globalization;
using System.Text.Json;
using Wasql.Udf;

namespace Wasql.Database.Functions;

internal static class ValueMapping
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static object? ToDirectArgument(object? v, SqlType t) => (v, t) switch
    {
        (null, _) => null,
        (long l, SqlType.Float4 or SqlType.Float8) => (double)l,
        (double d, SqlType.Int2 or SqlType.Int4 or SqlType.Int8 or SqlType.Boolean) when d == Math.Floor(d) && Math.Abs(d) < 9.2e18 => (long)d,
        (double, SqlType.Int2 or SqlType.Int4 or SqlType.Int8 or SqlType.Boolean) => throw new InvalidCastException($"invalid input for {SqlTypes.Name(t)}: {v}"),
        (long l, SqlType.Boolean) => l != 0,
        (long or double, SqlType.Text) => Convert.ToString(v, Inv),
        (string s, SqlType.Bytea) => System.Text.Encoding.UTF8.GetBytes(s),
        (byte[] b, SqlType.Text) => System.Text.Encoding.UTF8.GetString(b),
        (string s, SqlType.Int2 or SqlType.Int4 or SqlType.Int8) => long.TryParse(s, NumberStyles.Integer, Inv, out var l) ? l : throw new InvalidCastException($"invalid input syntax for type {SqlTypes.Name(t)}: \"{s}\""),
        (string s, SqlType.Float4 or SqlType.Float8) => double.TryParse(s, NumberStyles.Float, Inv, out var d) ? d : throw new InvalidCastException($"invalid input syntax for type {SqlTypes.Name(t)}: \"{s}\""),
        _ => v,
    };

    public static object? ToArrowArgument(object? v, string type)
    {
        if (v is null) return null;
        switch (type)
        {
            case "int2" or "int4" or "int8":
                return v switch
                {
                    long l => l,
                    double d when d == Math.Floor(d) => (long)d,
                    string s when long.TryParse(s, NumberStyles.Integer, Inv, out var l) => l,
                    _ => throw new InvalidCastException($"invalid input for {type}: {Show(v)}"),
                };
            case "float4" or "float8":
                return v switch
                {
                    long l => (double)l,
                    double d => d,
                    string s when double.TryParse(s, NumberStyles.Float, Inv, out var d) => d,
                    _ => throw new InvalidCastException($"invalid input for {type}: {Show(v)}"),
                };
            case "boolean":
                return v switch
                {
                    long l => l != 0,
                    double d => d != 0,
                    string s when s is "t" or "true" or "1" => true,
                    string s when s is "f" or "false" or "0" => false,
                    _ => throw new InvalidCastException($"invalid input for boolean: {Show(v)}"),
                };
            case "decimal":
                return v switch
                {
                    long l => (decimal)l,
                    double d => (decimal)d,
                    string s when decimal.TryParse(s, NumberStyles.Float, Inv, out var m) => m,
                    _ => throw new InvalidCastException($"invalid input for decimal: {Show(v)}"),
                };
            case "bytea":
                return v is string str ? System.Text.Encoding.UTF8.GetBytes(str) : v;
            case "date":
                return v is string ds && DateOnly.TryParse(ds, Inv, out var date) ? date : v;
            case "timestamp" or "timestamptz":
                return v is string ts && DateTime.TryParse(ts, Inv, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt) ? dt : v;
            case "time":
                return v is string tt && TimeOnly.TryParse(tt, Inv, out var t) ? t : v;
            default:
                return v is long or double ? Convert.ToString(v, Inv) : v;
        }
    }

    private static string Show(object v) => v is byte[] ? "blob" : Convert.ToString(v, Inv) ?? "";

    /// <summary>A result value as a SQLite storage class.</summary>
    public static object? ToSqlite(object? v) => v switch
    {
        null or DBNull => null,
        long or double or string or byte[] => v,
        int i => (long)i,
        short s => (long)s,
        sbyte s => (long)s,
        byte b => (long)b,
        ushort u => (long)u,
        uint u => (long)u,
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        bool b => b ? 1L : 0L,
        float f => (double)f,
        Half h => (double)h,
        decimal m => m.ToString(Inv),
        DateOnly d => d.ToString("yyyy-MM-dd", Inv),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", Inv),
        DateTime dt => dt.ToString(dt.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFF", Inv),
        DateTimeOffset dto => dto.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", Inv),
        TimeSpan ts => ts.ToString("c", Inv),
        ReadOnlyMemory<byte> m => m.ToArray(),
        _ => ToJson(v),
    };

    /// <summary>Lists, structs and other composite values travel as JSON text.</summary>
    public static string ToJson(object? v)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) WriteJson(w, v);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter w, object? v)
    {
        switch (ToSqlite2(v))
        {
            case null: w.WriteNullValue(); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            case bool b: w.WriteBooleanValue(b); break;
            case string s: w.WriteStringValue(s); break;
            case byte[] bytes: w.WriteStringValue(Convert.ToBase64String(bytes)); break;
            case IDictionary dict:
                w.WriteStartObject();
                foreach (DictionaryEntry e in dict) { w.WritePropertyName(Convert.ToString(e.Key, Inv) ?? ""); WriteJson(w, e.Value); }
                w.WriteEndObject();
                break;
            case IEnumerable seq:
                w.WriteStartArray();
                foreach (var e in seq) WriteJson(w, e);
                w.WriteEndArray();
                break;
            default: w.WriteStringValue(v!.ToString()); break;
        }
    }

    private static object? ToSqlite2(object? v) => v switch
    {
        bool b => b,
        string or byte[] or null or long or double => v,
        IDictionary or IEnumerable => v,
        _ when ToSqlite(v) is var x && x is not string || v is decimal or DateOnly or DateTime or TimeOnly => ToSqlite(v),
        _ => v,
    };

    /// <summary>How well a SQLite value fits an argument type: higher is better, negative is no fit.</summary>
    public static int Fit(object? v, string type) => v switch
    {
        null => 1,
        long => type switch { "int8" => 4, "int4" or "int2" => 3, "boolean" => 2, "float8" or "float4" or "decimal" => 1, _ => -1 },
        double => type switch { "float8" => 4, "float4" => 3, "decimal" => 2, _ => -1 },
        string => type switch { "text" => 4, "json" or "decimal" or "date" or "time" or "timestamp" or "timestamptz" or "interval" => 2, _ => type.EndsWith("[]") || type.StartsWith("struct") ? 1 : -1 },
        byte[] => type == "bytea" ? 4 : -1,
        _ => -1,
    };

    public static string SqliteTypeName(object? v) => v switch
    {
        null => "null",
        long => "integer",
        double => "real",
        string => "text",
        _ => "blob",
    };
}
