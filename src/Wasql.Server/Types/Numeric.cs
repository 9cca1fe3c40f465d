// The binary wire format of numeric: int16 ndigits, weight, sign, dscale, then base-10000 digits.
// Converts to and from decimal strings without losing digits.
using System.Text;
using Wasql.Server.Protocol;
using Wasql.Database;

namespace Wasql.Server.Types;

internal static class Numeric
{
    public static void WriteBinary(MessageWriter w, string text)
    {
        var s = text.Trim();
        if (s.Equals("NaN", StringComparison.OrdinalIgnoreCase)) { w.Int16(0); w.Int16(0); w.Int16(unchecked((short)0xC000)); w.Int16(0); return; }
        if (s.Contains('e') || s.Contains('E'))
        {
            if (!decimal.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var dec))
                throw new WasqlException(SqlStates.InvalidTextRepresentation, $"invalid input syntax for type numeric: \"{text}\"");
            s = dec.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        bool neg = false;
        if (s.StartsWith('-')) { neg = true; s = s[1..]; } else if (s.StartsWith('+')) s = s[1..];
        int dot = s.IndexOf('.');
        string ip = dot < 0 ? s : s[..dot], fp = dot < 0 ? "" : s[(dot + 1)..];
        if ((ip.Length == 0 && fp.Length == 0) || !ip.All(char.IsAsciiDigit) || !fp.All(char.IsAsciiDigit))
            throw new WasqlException(SqlStates.InvalidTextRepresentation, $"invalid input syntax for type numeric: \"{text}\"");
        ip = ip.TrimStart('0');
        int dscale = fp.Length;
        ip = new string('0', (4 - ip.Length % 4) % 4) + ip;
        fp += new string('0', (4 - fp.Length % 4) % 4);
        var groups = new List<short>();
        for (int i = 0; i < ip.Length; i += 4) groups.Add(short.Parse(ip.AsSpan(i, 4)));
        for (int i = 0; i < fp.Length; i += 4) groups.Add(short.Parse(fp.AsSpan(i, 4)));
        int weight = ip.Length / 4 - 1;
        int start = 0;
        while (start < groups.Count && groups[start] == 0) { start++; weight--; }
        int end = groups.Count;
        while (end > start && groups[end - 1] == 0) end--;
        if (start == end) { weight = 0; neg = false; }
        w.Int16((short)(end - start)); w.Int16((short)weight); w.Int16(neg ? (short)0x4000 : (short)0); w.Int16((short)dscale);
        for (int i = start; i < end; i++) w.Int16(groups[i]);
    }

    public static string ReadBinary(ReadOnlySpan<byte> b)
    {
        var r = new BodyReader(b);
        int ndigits = r.Int16(), weight = r.Int16();
        ushort sign = (ushort)r.Int16();
        int dscale = r.Int16();
        if (sign == 0xC000) return "NaN";
        if (ndigits < 0 || dscale < 0) throw new ProtocolException("invalid numeric");
        var digits = new short[ndigits];
        for (int i = 0; i < ndigits; i++) digits[i] = r.Int16();
        var sb = new StringBuilder();
        if (sign == 0x4000) sb.Append('-');
        if (weight < 0) sb.Append('0');
        for (int i = 0; i <= weight; i++)
        {
            int d = i < ndigits ? digits[i] : 0;
            sb.Append(i == 0 ? d.ToString() : d.ToString("D4"));
        }
        if (dscale > 0)
        {
            var frac = new StringBuilder();
            for (int i = weight + 1; frac.Length < dscale; i++)
            {
                int d = i >= 0 && i < ndigits ? digits[i] : 0;
                frac.Append(d.ToString("D4"));
            }
            sb.Append('.').Append(frac.ToString(0, dscale));
        }
        return sb.ToString();
    }
}
