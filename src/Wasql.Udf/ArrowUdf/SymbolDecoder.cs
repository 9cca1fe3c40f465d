// Decodes arrow-udf export names: `arrowudf_<b64>` (function text `name(t1,...)->ret` or `->>ret`) and
// `arrowudt_<b64>` (struct text `Name=field:type,...`); b64 is standard base64 with + -> $, / -> _, no padding.
using System.Text;

namespace Wasql.Udf.ArrowUdf;

internal static class SymbolDecoder
{
    public const string FunctionPrefix = "arrowudf_";
    public const string StructPrefix = "arrowudt_";

    /// <summary>The UTF-8 text encoded after the prefix, or null when it is not valid base64/UTF-8.</summary>
    public static string? DecodeText(string encoded)
    {
        var b64 = new StringBuilder(encoded.Length + 3);
        foreach (char c in encoded)
            b64.Append(c switch { '$' => '+', '_' => '/', _ => c });
        while (b64.Length % 4 != 0) b64.Append('=');
        try
        {
            return new UTF8Encoding(false, true).GetString(Convert.FromBase64String(b64.ToString()));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Encodes text the way the guest macro does (for tests and tools).</summary>
    public static string EncodeText(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '$').Replace('/', '_');

    /// <summary>Splits <c>name(a,b)->ret</c> / <c>name(a,b)->>ret</c>; null when malformed.</summary>
    public static (string Name, List<string> Args, string Return, bool Table)? ParseFunction(string text)
    {
        int open = text.IndexOf('(');
        if (open <= 0) return null;
        int depth = 0, close = -1;
        for (int i = open + 1; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '<' or '(') depth++;
            else if (c == '>' && depth > 0) depth--;
            else if (c == ')')
            {
                if (depth == 0) { close = i; break; }
                depth--;
            }
        }
        if (close < 0 || !text.AsSpan(close + 1).StartsWith("->")) return null;
        bool table = close + 3 < text.Length && text[close + 3] == '>';
        string ret = text[(close + (table ? 4 : 3))..];
        if (ret.Length == 0) return null;
        return (text[..open], SplitTopLevel(text[(open + 1)..close]), ret, table);
    }

    /// <summary>Splits at commas outside <c>&lt;...&gt;</c>.</summary>
    public static List<string> SplitTopLevel(string s)
    {
        var parts = new List<string>();
        if (s.Length == 0) return parts;
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '<') depth++;
            else if (s[i] == '>') depth--;
            else if (s[i] == ',' && depth == 0)
            {
                parts.Add(s[start..i]);
                start = i + 1;
            }
        }
        parts.Add(s[start..]);
        return parts;
    }
}
