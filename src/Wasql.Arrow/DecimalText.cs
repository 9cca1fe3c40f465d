// Decimal128 values are 16-byte little-endian unscaled integers (value = unscaled * 10^-scale). Conversions to and from
// System.Decimal and exact text for any value, which the package's Decimal128Array does not give for out-of-range values.
using System.Globalization;

namespace Wasql.Arrow;

internal static class DecimalText
{
    private static readonly Int128 Max96 = (Int128.One << 96) - 1;

    /// <summary>Whether System.Decimal holds the value exactly (|unscaled| &lt; 2^96, scale 0..28).</summary>
    public static bool Fits(Int128 v, int scale) => scale is >= 0 and <= 28 && v <= Max96 && v >= -Max96;

    public static decimal ToDecimal(Int128 v, int scale)
    {
        if (!Fits(v, scale)) throw new OverflowException($"decimal128 value {Format(v, scale)} does not fit System.Decimal");
        bool neg = v < 0;
        var m = (UInt128)(neg ? -v : v);
        return new decimal((int)(uint)m, (int)(uint)(m >> 32), (int)(uint)(m >> 64), neg, (byte)scale);
    }

    public static Int128 FromDecimal(decimal d, int scale)
    {
        if (scale < 0 || scale > 28) throw new ArgumentOutOfRangeException(nameof(scale), "scale must be 0..28 to convert from System.Decimal");
        decimal r = decimal.Round(d, scale, MidpointRounding.ToEven);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(r, bits);
        var m = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        Int128 v = (Int128)m;
        int have = (bits[3] >> 16) & 0xFF;
        for (int i = have; i < scale; i++) v *= 10;
        return (bits[3] & int.MinValue) != 0 ? -v : v;
    }

    public static string Format(Int128 v, int scale)
    {
        UInt128 magnitude = v < 0 ? (UInt128)(-(v + 1)) + 1 : (UInt128)v;
        string digits = magnitude.ToString(CultureInfo.InvariantCulture);
        string sign = v < 0 ? "-" : "";
        if (scale <= 0) return sign + digits + new string('0', -scale);
        if (digits.Length <= scale) digits = new string('0', scale - digits.Length + 1) + digits;
        return $"{sign}{digits[..^scale]}.{digits[^scale..]}";
    }
}
