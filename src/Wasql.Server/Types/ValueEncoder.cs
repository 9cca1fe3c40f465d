// Encodes SQLite values (long, double, string, byte[]) as Postgres text or binary field values for a
// given type OID: one method per type family (integers, floats, numeric, bool, bytea, date/time, text).
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Wasql.Server.Protocol;
using Wasql.Database;

namespace Wasql.Server.Types;

internal static class ValueEncoder
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    internal static readonly DateTime PgEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>Writes one DataRow field: int32 length (or -1 for NULL) and the bytes.</summary>
    public static void Write(MessageWriter w, int oid, object? v, bool binary)
    {
        if (v is null) { w.Int32(-1); return; }
        int at = w.BeginLength();
        if (binary) WriteBinary(w, oid, v); else WriteText(w, oid, v);
        w.EndLength(at);
    }

    // ---------- text ----------
    public static void WriteText(MessageWriter w, int oid, object v)
    {
        switch (oid)
        {
            case Oid.Bool: w.Byte(AsBool(v) ? (byte)'t' : (byte)'f'); return;
            case Oid.Bytea: WriteHex(w, v is byte[] b ? b : Encoding.UTF8.GetBytes(AsString(v))); return;
            case Oid.Int2: case Oid.Int4: case Oid.Int8:
                if (v is long l) { var s = w.Reserve(20); l.TryFormat(s, out int n, default, Inv); w.Advance(n); return; }
                if (v is double di && di == Math.Floor(di) && Math.Abs(di) < 9.2e18) { Utf8((long)di, w); return; }
                break;
            case Oid.Float4: case Oid.Float8:
                if (v is double d) { Str(w, FormatDouble(d, oid == Oid.Float4)); return; }
                if (v is long l2) { Utf8(l2, w); return; }
                break;
            case Oid.Numeric:
                if (v is double dn) { Str(w, NumericText(dn)); return; }
                break;
        }
        if (v is byte[] blob && oid is not (Oid.Text or Oid.Varchar or Oid.Json or Oid.Jsonb)) { WriteHex(w, blob); return; }
        Str(w, AsString(v));
    }

    private static void Utf8(long l, MessageWriter w) { var s = w.Reserve(20); l.TryFormat(s, out int n, default, Inv); w.Advance(n); }
    /// <summary>Postgres text cannot hold NUL (clients read it as a C string): such a value is an error, not a
    /// string silently cut short at the client.</summary>
    public const string CharacterNotInRepertoire = SqlStates.CharacterNotInRepertoire;

    private static void Str(MessageWriter w, string s)
    {
        if (s.Contains('\0')) throw new WasqlException(CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": 0x00");
        var span = w.Reserve(Encoding.UTF8.GetMaxByteCount(s.Length));
        w.Advance(Encoding.UTF8.GetBytes(s, span));
    }

    private static void WriteHex(MessageWriter w, byte[] b)
    {
        var s = w.Reserve(2 + b.Length * 2);
        s[0] = (byte)'\\'; s[1] = (byte)'x';
        const string hex = "0123456789abcdef";
        for (int i = 0; i < b.Length; i++) { s[2 + 2 * i] = (byte)hex[b[i] >> 4]; s[3 + 2 * i] = (byte)hex[b[i] & 15]; }
        w.Advance(2 + b.Length * 2);
    }

    public static string FormatDouble(double d, bool single)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        var s = single ? ((float)d).ToString("R", Inv) : d.ToString("R", Inv);
        return s.Replace("E", "e");
    }

    private static string NumericText(double d)
    {
        if (!double.IsFinite(d)) return "NaN";
        try { return ((decimal)d).ToString(Inv); } catch (OverflowException) { return d.ToString("F0", Inv); }
    }

    public static string AsString(object v) => v switch
    {
        string s => s,
        long l => l.ToString(Inv),
        double d => FormatDouble(d, false),
        byte[] b => Encoding.UTF8.GetString(b),
        bool bo => bo ? "t" : "f",
        _ => Convert.ToString(v, Inv) ?? "",
    };

    public static bool AsBool(object v) => v switch
    {
        long l => l != 0,
        double d => d != 0,
        string s => s.Trim().ToLowerInvariant() is "t" or "true" or "1" or "y" or "yes" or "on",
        bool b => b,
        _ => false,
    };

    // ---------- binary ----------
    public static void WriteBinary(MessageWriter w, int oid, object v)
    {
        switch (oid)
        {
            case Oid.Bool: w.Byte(AsBool(v) ? (byte)1 : (byte)0); return;
            case Oid.Int2: w.Int16(checked((short)AsLong(v))); return;
            case Oid.Int4: w.Int32(checked((int)AsLong(v))); return;
            case Oid.Int8: { var s = w.Reserve(8); BinaryPrimitives.WriteInt64BigEndian(s, AsLong(v)); w.Advance(8); return; }
            case Oid.Float4: { var s = w.Reserve(4); BinaryPrimitives.WriteSingleBigEndian(s, (float)AsDouble(v)); w.Advance(4); return; }
            case Oid.Float8: { var s = w.Reserve(8); BinaryPrimitives.WriteDoubleBigEndian(s, AsDouble(v)); w.Advance(8); return; }
            case Oid.Bytea: w.Bytes(v is byte[] b ? b : Encoding.UTF8.GetBytes(AsString(v))); return;
            case Oid.Numeric: Numeric.WriteBinary(w, v is double dn ? NumericText(dn) : AsString(v)); return;
            case Oid.Date:
                {
                    var dt = DateTimes.ParseDate(AsString(v));
                    w.Int32((int)(dt - PgEpoch.Date).TotalDays); return;
                }
            case Oid.Time:
                {
                    var t = DateTimes.ParseTime(AsString(v));
                    var s = w.Reserve(8); BinaryPrimitives.WriteInt64BigEndian(s, t.Ticks / 10); w.Advance(8); return;
                }
            case Oid.Timestamp: case Oid.TimestampTz:
                {
                    var ts = DateTimes.ParseTimestamp(AsString(v), oid == Oid.TimestampTz);
                    var s = w.Reserve(8); BinaryPrimitives.WriteInt64BigEndian(s, (ts - PgEpoch).Ticks / 10); w.Advance(8); return;
                }
            case Oid.Jsonb: w.Byte(1); Str(w, AsString(v)); return;
            case Oid.Uuid: w.Bytes(Guid.Parse(AsString(v)).ToByteArray(bigEndian: true)); return;
            default: Str(w, AsString(v)); return;   // text, varchar, json, name...: the UTF-8 text
        }
    }

    public static long AsLong(object v) => v switch
    {
        long l => l,
        double d when d == Math.Floor(d) => checked((long)d),
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, Inv, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, Inv, out var d) && d == Math.Floor(d) => checked((long)d),
        _ => throw new WasqlException(SqlStates.InvalidTextRepresentation, $"invalid input syntax for type integer: \"{AsString(v)}\""),
    };

    public static double AsDouble(object v) => v switch
    {
        double d => d,
        long l => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, Inv, out var d) => d,
        string s when s.Trim() is "NaN" => double.NaN,
        string s when s.Trim() is "Infinity" => double.PositiveInfinity,
        string s when s.Trim() is "-Infinity" => double.NegativeInfinity,
        _ => throw new WasqlException(SqlStates.InvalidTextRepresentation, $"invalid input syntax for type double precision: \"{AsString(v)}\""),
    };
}

/// <summary>Parsing of the date/time strings SQLite stores (ISO 8601, space or 'T' separator, optional zone).</summary>
internal static class DateTimes
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static DateTime ParseDate(string s)
    {
        if (DateTime.TryParseExact(s.Trim(), "yyyy-MM-dd", Inv, DateTimeStyles.None, out var d)) return d;
        return ParseTimestamp(s, false).Date;
    }

    public static TimeSpan ParseTime(string s)
    {
        if (TimeSpan.TryParse(s.Trim(), Inv, out var t) && t >= TimeSpan.Zero && t <= TimeSpan.FromHours(24)) return t;
        throw new WasqlException(SqlStates.InvalidDatetimeFormat, $"invalid input syntax for type time: \"{s}\"");
    }

    public static DateTime ParseTimestamp(string s, bool withZone)
    {
        s = s.Trim();
        if (withZone || s.EndsWith('Z') || HasOffset(s))
        {
            var z = s.Length > 3 && (s[^3] is '+' or '-') ? s + ":00" : s;
            if (DateTimeOffset.TryParse(z, Inv, DateTimeStyles.AssumeUniversal, out var dto)) return dto.UtcDateTime;
        }
        if (DateTime.TryParse(s, Inv, DateTimeStyles.None, out var dt)) return dt;
        throw new WasqlException(SqlStates.InvalidDatetimeFormat, $"invalid input syntax for type timestamp: \"{s}\"");
    }

    private static bool HasOffset(string s) => s.Length > 19 && s.LastIndexOfAny(['+', '-']) > 10;

    public static string FormatTimestamp(DateTime dt, bool utcZone)
    {
        var s = dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", Inv).TrimEnd('.');
        return utcZone ? s + "+00" : s;
    }

    public static string FormatTime(TimeSpan t) =>
        new DateTime(t.Ticks % TimeSpan.TicksPerDay).ToString("HH:mm:ss.FFFFFF", Inv).TrimEnd('.');
}
