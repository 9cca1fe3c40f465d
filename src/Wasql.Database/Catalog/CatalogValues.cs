// Typed reads of catalog columns that never trust what is stored: SQLite keeps whatever a statement (or a tool editing
// the file) put there, so every value is checked for its storage class, range or shape, and a bad one becomes a
// WasqlException (XX001) naming the column, which the loaders turn into a warning for that one row.
using System.Text.Json;
using System.Data.Common;

namespace Wasql.Database.Catalog;

/// <summary>Checked readers for catalog rows (function, plugin and filter catalogs).</summary>
public static class CatalogValues
{
    /// <summary>The error for a stored value that is not what the catalog writes.</summary>
    public static WasqlException Malformed(string column, string why) =>
        new(SqlStates.DataCorrupted, $"catalog column {column} is malformed: {why}");

    /// <summary>A non-NULL TEXT value.</summary>
    public static string Text(DbDataReader r, int ordinal) => r.GetValue(ordinal) switch
    {
        string s => s,
        DBNull => throw Malformed(r.GetName(ordinal), "NULL where a value is required"),
        var v => throw Malformed(r.GetName(ordinal), $"{Describe(v)} where text is required"),
    };

    /// <summary>A non-empty TEXT value.</summary>
    public static string NonEmptyText(DbDataReader r, int ordinal)
    {
        var s = Text(r, ordinal);
        return s.Length > 0 ? s : throw Malformed(r.GetName(ordinal), "empty text");
    }

    /// <summary>NULL or TEXT.</summary>
    public static string? NullableText(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Text(r, ordinal);

    /// <summary>A non-NULL INTEGER within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static long Integer(DbDataReader r, int ordinal, long min = long.MinValue, long max = long.MaxValue) => r.GetValue(ordinal) switch
    {
        long n when n >= min && n <= max => n,
        long n => throw Malformed(r.GetName(ordinal), $"{n} is out of range [{min}, {max}]"),
        DBNull => throw Malformed(r.GetName(ordinal), "NULL where a value is required"),
        var v => throw Malformed(r.GetName(ordinal), $"{Describe(v)} where an integer is required"),
    };

    /// <summary>NULL or an INTEGER within range.</summary>
    public static long? NullableInteger(DbDataReader r, int ordinal, long min = long.MinValue, long max = long.MaxValue) =>
        r.IsDBNull(ordinal) ? null : Integer(r, ordinal, min, max);

    /// <summary>0 or 1.</summary>
    public static bool Boolean(DbDataReader r, int ordinal) => Integer(r, ordinal, 0, 1) == 1;

    /// <summary>A non-NULL BLOB.</summary>
    public static byte[] Blob(DbDataReader r, int ordinal) => r.GetValue(ordinal) switch
    {
        byte[] b => b,
        DBNull => throw Malformed(r.GetName(ordinal), "NULL where a value is required"),
        var v => throw Malformed(r.GetName(ordinal), $"{Describe(v)} where a blob is required"),
    };

    /// <summary>A TEXT value that is one of <paramref name="allowed"/> (the catalog's enums).</summary>
    public static string OneOf(DbDataReader r, int ordinal, IReadOnlyCollection<string> allowed)
    {
        var s = Text(r, ordinal);
        return allowed.Contains(s) ? s : throw Malformed(r.GetName(ordinal), $"'{Clip(s)}' is not one of {string.Join(", ", allowed)}");
    }

    /// <summary>A JSON object of string values (plugin and filter configuration).</summary>
    public static IReadOnlyDictionary<string, string> StringMap(DbDataReader r, int ordinal)
    {
        var json = Text(r, ordinal);
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? throw Malformed(r.GetName(ordinal), "null instead of an object");
        }
        catch (JsonException e) { throw Malformed(r.GetName(ordinal), $"not a JSON object of strings ({e.Message})"); }
    }

    /// <summary>NULL, or a JSON object of string values (CREATE FUNCTION's WITH options).</summary>
    public static string? NullableStringMapText(DbDataReader r, int ordinal)
    {
        if (r.IsDBNull(ordinal)) return null;
        StringMap(r, ordinal);
        return Text(r, ordinal);
    }

    /// <summary>A short, safe rendering of a stored value for a message.</summary>
    private static string Describe(object v) => v switch
    {
        long n => $"integer {n}",
        double d => $"real {d}",
        byte[] b => $"a blob of {b.Length} bytes",
        _ => v.GetType().Name,
    };

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
