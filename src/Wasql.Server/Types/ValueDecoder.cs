// Decodes Bind parameter values (text or binary, by the parameter's type OID) into the values the
// database takes: long, double, string, byte[] or null.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Wasql.Server.Protocol;
using Wasql.Database;

namespace Wasql.Server.Types;

internal static class ValueDecoder
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static object? Decode(int oid, ReadOnlySpan<byte> data, bool binary)
    {
        try { return binary ? Binary(oid, data) : Text(oid, Encoding.UTF8.GetString(data)); }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or ProtocolException)
        {
            throw new WasqlException(SqlStates.InvalidTextRepresentation, $"invalid {(binary ? "binary" : "text")} value for parameter of type {PgType.Name(oid)}: {e.Message}");
        }
    }

    private static object? Text(int oid, string s) => oid switch
    {
        Oid.Int2 or Oid.Int4 or Oid.Int8 or Oid.OidT => TextInteger(oid, s),
        Oid.Float4 or Oid.Float8 => ValueEncoder.AsDouble(s),
        Oid.Bool => ValueEncoder.AsBool(s) ? 1L : 0L,
        Oid.Bytea => DecodeByteaText(s),
        _ => s,
    };

    /// <summary>A text integer parameter within its type's range; out of range is 22003 as in Postgres, never a
    /// silent wrap-around when the value is later used as the narrower type.</summary>
    private static long TextInteger(int oid, string s)
    {
        var t = s.Trim();
        if (!System.Numerics.BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, Inv, out var v))
            throw new FormatException($"invalid input syntax for type {PgType.Name(oid)}: \"{s}\"");
        var (min, max) = oid switch
        {
            Oid.Int2 => ((long)short.MinValue, (long)short.MaxValue),
            Oid.Int4 => (int.MinValue, int.MaxValue),
            Oid.OidT => (int.MinValue, uint.MaxValue),          // Postgres' oid input accepts both signed and unsigned 32-bit
            _ => (long.MinValue, long.MaxValue),
        };
        if (v < min || v > max) throw new WasqlException(SqlStates.NumericValueOutOfRange, $"value \"{t}\" is out of range for type {PgType.Name(oid)}");
        return (long)v;
    }

    private static byte[] DecodeByteaText(string s) =>
        s.StartsWith("\\x", StringComparison.Ordinal) ? Convert.FromHexString(s.AsSpan(2)) : Encoding.UTF8.GetBytes(s);

    private static object? Binary(int oid, ReadOnlySpan<byte> b)
    {
        switch (oid)
        {
            case Oid.Bool: Need(b, 1); return b[0] != 0 ? 1L : 0L;
            case Oid.Int2: Need(b, 2); return (long)BinaryPrimitives.ReadInt16BigEndian(b);
            case Oid.Int4: case Oid.OidT: Need(b, 4); return (long)BinaryPrimitives.ReadInt32BigEndian(b);
            case Oid.Int8: Need(b, 8); return BinaryPrimitives.ReadInt64BigEndian(b);
            case Oid.Float4: Need(b, 4); return (double)BinaryPrimitives.ReadSingleBigEndian(b);
            case Oid.Float8: Need(b, 8); return BinaryPrimitives.ReadDoubleBigEndian(b);
            case Oid.Bytea: return b.ToArray();
            case Oid.Numeric: return Numeric.ReadBinary(b);
            case Oid.Date: Need(b, 4); return BinaryDateTimes.Date(BinaryPrimitives.ReadInt32BigEndian(b));
            case Oid.Time: Need(b, 8); return BinaryDateTimes.Time(BinaryPrimitives.ReadInt64BigEndian(b));
            case Oid.Timestamp: case Oid.TimestampTz:
                Need(b, 8);
                return BinaryDateTimes.Timestamp(BinaryPrimitives.ReadInt64BigEndian(b), oid == Oid.TimestampTz);
            case Oid.Jsonb: Need(b, 1); return Encoding.UTF8.GetString(b[1..]);
            case Oid.Uuid: Need(b, 16); return new Guid(b[..16], bigEndian: true).ToString();
            default: return Encoding.UTF8.GetString(b);
        }
    }

    private static void Need(ReadOnlySpan<byte> b, int n)
    {
        if (b.Length != n) throw new ProtocolException($"binary value has {b.Length} bytes, expected {n}");
    }
}
