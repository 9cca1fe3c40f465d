// How a result value reaches .NET: the column's declared type (ColumnTypes) picks the CLR type, and the SQLite
// storage value (long, double, string, byte[]) is converted to it; a value that does not fit its declaration (SQLite
// stores what it is given) stays as stored rather than failing the read. Columns without a declaration (expressions,
// function calls) keep their storage type.
using System.Globalization;
using Wasql.Database;

namespace Wasql.Data;

internal static class FieldValues
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The CLR type of a declared type.</summary>
    public static Type ClrType(WasqlType type) => type switch
    {
        WasqlType.Int2 => typeof(short),
        WasqlType.Int4 => typeof(int),
        WasqlType.Int8 => typeof(long),
        WasqlType.Float4 => typeof(float),
        WasqlType.Float8 => typeof(double),
        WasqlType.Numeric => typeof(decimal),
        WasqlType.Boolean => typeof(bool),
        WasqlType.Bytea => typeof(byte[]),
        WasqlType.Date or WasqlType.Timestamp => typeof(DateTime),
        WasqlType.TimestampTz => typeof(DateTimeOffset),
        WasqlType.Time => typeof(TimeSpan),
        WasqlType.Uuid => typeof(Guid),
        _ => typeof(string),
    };

    /// <summary>The CLR type of a stored value without a declaration.</summary>
    public static Type StorageType(object? value) => value switch
    {
        long => typeof(long),
        double => typeof(double),
        byte[] => typeof(byte[]),
        _ => typeof(string),
    };

    /// <summary>The stored value as its declared type, or as stored when it does not convert exactly.</summary>
    public static object Convert(object stored, WasqlType type)
    {
        switch (type)
        {
            case WasqlType.Int2 when stored is long l && l is >= short.MinValue and <= short.MaxValue: return (short)l;
            case WasqlType.Int4 when stored is long l && l is >= int.MinValue and <= int.MaxValue: return (int)l;
            case WasqlType.Float4 when stored is double d: return (float)d;
            case WasqlType.Float4 when stored is long l: return (float)l;
            case WasqlType.Float8 when stored is long l: return (double)l;
            case WasqlType.Boolean when stored is long l && l is 0 or 1: return l == 1;
            case WasqlType.Numeric when stored is long l: return (decimal)l;
            case WasqlType.Numeric when stored is double d && Math.Abs(d) < 7.9e28: return (decimal)d;
            case WasqlType.Numeric when stored is string s && decimal.TryParse(s, NumberStyles.Float, Inv, out var m): return m;
            case WasqlType.Date or WasqlType.Timestamp when stored is string s && DateTime.TryParse(s, Inv, DateTimeStyles.None, out var dt): return dt;
            case WasqlType.TimestampTz when stored is string s && DateTimeOffset.TryParse(s, Inv, DateTimeStyles.AssumeUniversal, out var dto): return dto;
            case WasqlType.Time when stored is string s && TimeSpan.TryParse(s, Inv, out var ts): return ts;
            case WasqlType.Uuid when stored is string s && Guid.TryParse(s, out var g): return g;
            case WasqlType.Uuid when stored is byte[] { Length: 16 } b: return new Guid(b, bigEndian: true);
            default: return stored;
        }
    }

    /// <summary>A value read as <typeparamref name="T"/> (the typed getters): exact conversions only.</summary>
    public static T As<T>(object value, string column)
    {
        if (value is T t) return t;
        try
        {
            object converted = typeof(T) switch
            {
                var x when x == typeof(int) => checked((int)ToInt64(value)),
                var x when x == typeof(long) => ToInt64(value),
                var x when x == typeof(short) => checked((short)ToInt64(value)),
                var x when x == typeof(byte) => checked((byte)ToInt64(value)),
                var x when x == typeof(bool) => ToInt64(value) != 0,
                var x when x == typeof(double) => System.Convert.ToDouble(value, Inv),
                var x when x == typeof(float) => System.Convert.ToSingle(value, Inv),
                var x when x == typeof(decimal) => value is string s ? decimal.Parse(s, NumberStyles.Float, Inv) : System.Convert.ToDecimal(value, Inv),
                var x when x == typeof(string) => System.Convert.ToString(value, Inv)!,
                var x when x == typeof(Guid) => value is byte[] { Length: 16 } b ? new Guid(b, bigEndian: true) : Guid.Parse((string)value),
                var x when x == typeof(DateTime) => DateTime.Parse((string)value, Inv),
                var x when x == typeof(DateTimeOffset) => DateTimeOffset.Parse((string)value, Inv, DateTimeStyles.AssumeUniversal),
                var x when x == typeof(TimeSpan) => TimeSpan.Parse((string)value, Inv),
                var x when x == typeof(char) => ((string)value).Length == 1 ? ((string)value)[0] : throw new FormatException("not one character"),
                _ => throw new InvalidCastException(),
            };
            return (T)converted;
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new InvalidCastException($"column '{column}': cannot read a {value.GetType().Name} value ({Shown(value)}) as {typeof(T).Name}", e);
        }
    }

    private static long ToInt64(object value) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) && d is >= long.MinValue and <= long.MaxValue => (long)d,
        string s => long.Parse(s, NumberStyles.Integer, Inv),
        _ => throw new InvalidCastException(),
    };

    private static string Shown(object value) => value is string s ? (s.Length > 40 ? $"'{s[..40]}...'" : $"'{s}'") : value is byte[] b ? $"{b.Length} bytes" : System.Convert.ToString(value, Inv) ?? "";
}
