// Result types of expression columns (no declared type), for clients that must type a column before or without
// reading its values (the server's Describe, the ADO.NET provider's field types): inferred from the select list only
// when certain (count(), CAST, literals, $n with a known type, functions of the catalog and SQLite built-ins with a
// fixed type); else null, and the client falls back to the stored values.
using System.Text.RegularExpressions;

namespace Wasql.Database.Sql;

/// <summary>Infers the types of a SELECT's expression columns.</summary>
public static partial class ResultTypes
{
    private static readonly HashSet<string> IntFunctions = ["count", "length", "instr", "unicode", "random", "changes", "total_changes", "last_insert_rowid", "octet_length"];
    private static readonly HashSet<string> TextFunctions = ["lower", "upper", "substr", "substring", "trim", "ltrim", "rtrim", "replace", "printf", "format", "hex", "quote", "typeof", "group_concat", "string_agg", "char", "concat", "concat_ws", "date", "time", "datetime", "strftime", "json"];
    private static readonly HashSet<string> FloatFunctions = ["avg", "total", "julianday"];

    /// <summary>One type or null per select-list item; null everywhere when the list cannot be matched to the
    /// columns. <paramref name="functionReturnType"/> gives a catalog function's declared return type by name;
    /// <paramref name="parameterType"/> the type of <c>$n</c> (1-based), when the caller knows it.</summary>
    public static WasqlType?[] Infer(string sql, int columnCount, Func<string, string?> functionReturnType, Func<int, WasqlType?>? parameterType = null)
    {
        var result = new WasqlType?[columnCount];
        var items = SelectList(sql);
        if (items is null || items.Count != columnCount) return result;
        for (int i = 0; i < items.Count; i++)
        {
            try { result[i] = InferOne(items[i], parameterType, functionReturnType); }
            catch (RegexMatchTimeoutException) { }
        }
        return result;
    }

    private static WasqlType? InferOne(string item, Func<int, WasqlType?>? parameterType, Func<string, string?> functionReturnType)
    {
        var e = AliasRegex().Replace(item.Trim(), "").Trim();
        if (IntLiteral().IsMatch(e)) return WasqlType.Int8;
        if (FloatLiteral().IsMatch(e)) return WasqlType.Float8;
        if (StringLiteral().IsMatch(e)) return WasqlType.Text;
        if (ParamRegex().Match(e) is { Success: true } pm)
            return int.TryParse(pm.Groups[1].Value, out var n) ? parameterType?.Invoke(n) : null;
        if (CastRegex().Match(e) is { Success: true } cm && WholeCall(e)) return ColumnTypes.FromDeclared(cm.Groups[1].Value);
        if (CallRegex().Match(e) is { Success: true } fm && WholeCall(e))
        {
            var name = fm.Groups[1].Value.ToLowerInvariant();
            if (functionReturnType(name) is { } rt) return rt.StartsWith("TABLE", StringComparison.OrdinalIgnoreCase) || rt.StartsWith("SETOF", StringComparison.OrdinalIgnoreCase) ? null : ColumnTypes.FromDeclared(rt);
            if (IntFunctions.Contains(name)) return WasqlType.Int8;
            if (TextFunctions.Contains(name)) return WasqlType.Text;
            if (FloatFunctions.Contains(name)) return WasqlType.Float8;
        }
        return null;
    }

    /// <summary>True when the first '(' closes at the very end (so "f(a) + g(b)" is not a call of f).</summary>
    private static bool WholeCall(string e)
    {
        int open = e.IndexOf('(');
        int depth = 0;
        for (int i = open; i < e.Length; i++)
        {
            char c = e[i];
            if (c == '\'') { int q = e.IndexOf('\'', i + 1); if (q < 0) return false; i = q; continue; }
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i == e.Length - 1;
        }
        return false;
    }

    /// <summary>The top-level items between SELECT and FROM (or the end), or null for other statement shapes.</summary>
    internal static List<string>? SelectList(string sql)
    {
        var m = SelectStart().Match(sql);
        if (!m.Success) return null;
        var items = new List<string>();
        int depth = 0, start = m.Length;
        for (int i = start; i <= sql.Length; i++)
        {
            if (i == sql.Length || (depth == 0 && (sql[i] == ';' || (IsWordStart(sql, i) && EndWord().IsMatch(sql.AsSpan(i))))))
            {
                items.Add(sql[start..i]);
                return items.Any(s => s.Trim() is "" or "*" || s.TrimEnd().EndsWith(".*")) ? null : items;
            }
            char c = sql[i];
            if (c is '\'' or '"') { int q = sql.IndexOf(c, i + 1); if (q < 0) return null; i = q; }
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) { items.Add(sql[start..i]); start = i + 1; }
        }
        return null;
    }

    private static bool IsWordStart(string s, int i) => i > 0 && !char.IsLetterOrDigit(s[i - 1]) && s[i - 1] != '_' && s[i - 1] != '.';

    [GeneratedRegex(@"^\s*SELECT\s+(?:DISTINCT\s+|ALL\s+)?", RegexOptions.IgnoreCase)]
    private static partial Regex SelectStart();
    [GeneratedRegex(@"^(FROM|WHERE|GROUP|HAVING|ORDER|LIMIT|UNION|EXCEPT|INTERSECT|WINDOW)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EndWord();
    [GeneratedRegex(@"\s+AS\s+(""[^""]+""|[A-Za-z_][A-Za-z0-9_]*)$", RegexOptions.IgnoreCase)]
    private static partial Regex AliasRegex();
    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntLiteral();
    [GeneratedRegex(@"^[+-]?(\d*\.\d+([eE][+-]?\d+)?|\d+\.?[eE][+-]?\d+|\d+\.)$")]
    private static partial Regex FloatLiteral();
    [GeneratedRegex(@"^'(?:[^']|'')*'$")]
    private static partial Regex StringLiteral();
    [GeneratedRegex(@"^\$(\d+)$")]
    private static partial Regex ParamRegex();
    [GeneratedRegex(@"^CAST\s*\(.*\s+AS\s+([A-Za-z][A-Za-z0-9_ ]*(?:\(\s*\d+\s*(?:,\s*\d+\s*)?\))?)\s*\)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex CastRegex();
    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex CallRegex();
}
