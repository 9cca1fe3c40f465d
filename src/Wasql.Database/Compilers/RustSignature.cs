// Reads the signature of the user's `fn NAME(...) -> T` out of an inline Rust body, as text: enough to know what the
// wrapper must do (which arguments take NULL, whether the result can be NULL, whether it is an iterator) without
// parsing Rust. The conversions themselves are chosen by rustc through the wasql_gen traits (sdk/rust/wasql_udf.rs).
using System.Text.RegularExpressions;

namespace Wasql.Database.Compilers;

/// <summary>The user's function signature: parameter types and the return type, as written.</summary>
internal sealed partial record RustSignature(IReadOnlyList<string> Parameters, string Return)
{
    /// <summary>True when some parameter is an <c>Option</c>: the function then sees NULL inputs (not strict).</summary>
    public bool TakesNull => Parameters.Any(IsOption);

    /// <summary>True when the result may be NULL: an <c>Option</c> somewhere in the return type (also inside a
    /// Result), or a non-strict function whose non-Option argument was NULL.</summary>
    public bool ReturnsNull => TakesNull || OptionWord().IsMatch(Return);

    /// <summary>True for <c>impl Iterator&lt;Item = T&gt;</c> (or a boxed one): a table function.</summary>
    public bool IsIterator => IteratorWord().IsMatch(Return);

    private static bool IsOption(string type) => type.StartsWith("Option<", StringComparison.Ordinal)
        || type.StartsWith("std::option::Option<", StringComparison.Ordinal) || type.StartsWith("core::option::Option<", StringComparison.Ordinal);

    /// <summary>Finds <c>fn name</c> in <paramref name="body"/> and splits its parameter list at top-level commas
    /// (nesting counted over &lt;&gt;, (), []). Null when there is no such function or the signature is cut off.</summary>
    public static RustSignature? Find(string body, string name)
    {
        var m = Regex.Match(body, @"\bfn\s+" + Regex.Escape(name) + @"\s*(<[^(]*>)?\s*\(");
        if (!m.Success) return null;
        int i = m.Index + m.Length, depth = 0, start = i;
        var parameters = new List<string>();
        for (; i < body.Length; i++)
        {
            char ch = body[i];
            if (ch is '<' or '(' or '[') depth++;
            else if (ch == '>' && !(i > 0 && body[i - 1] == '-')) depth--;
            else if (ch is ')' or ']')
            {
                if (depth == 0 && ch == ')') break;
                depth--;
            }
            else if (ch == ',' && depth == 0) { AddParameter(parameters, body[start..i]); start = i + 1; }
        }
        if (i >= body.Length) return null;
        AddParameter(parameters, body[start..i]);
        // The return type runs from "->" to the body's "{" or a where clause, at nesting depth 0.
        int after = i + 1, end = after;
        depth = 0;
        for (; end < body.Length; end++)
        {
            char ch = body[end];
            if (ch is '<' or '(' or '[') depth++;
            else if (ch == '>' && !(end > 0 && body[end - 1] == '-')) depth--;
            else if (ch is ')' or ']') depth--;
            else if (depth == 0 && ch == '{') break;
        }
        var tail = WhereClause().Replace(body[after..end], "").Trim();
        var ret = tail.StartsWith("->", StringComparison.Ordinal) ? Normalize(tail[2..]) : "()";
        return new RustSignature(parameters, ret);
    }

    /// <summary>Splits at commas outside &lt;&gt;, (), [] (struct fields, tuple items).</summary>
    public static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch is '<' or '(' or '[') depth++;
            else if (ch is '>' or ')' or ']') depth--;
            else if (ch == ',' && depth == 0) { parts.Add(text[start..i]); start = i + 1; }
        }
        parts.Add(text[start..]);
        return parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).ToList();
    }

    /// <summary>True when a parameter type is an <c>Option</c> (the argument may be NULL).</summary>
    public static bool IsOptionType(string type) => IsOption(type);

    private static void AddParameter(List<string> parameters, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        // "mut x: T" / "(a, b): (T, U)": the type follows the first single ':' at depth 0.
        int depth = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch is '<' or '(' or '[') depth++;
            else if (ch is '>' or ')' or ']') depth--;
            else if (ch == ':' && depth == 0 && (i + 1 >= text.Length || text[i + 1] != ':') && (i == 0 || text[i - 1] != ':'))
            {
                parameters.Add(Normalize(text[(i + 1)..]));
                return;
            }
        }
        parameters.Add(Normalize(text));
    }

    private static string Normalize(string type) => Whitespace().Replace(type.Trim(), " ").Replace("< ", "<").Replace(" >", ">");

    [GeneratedRegex(@"\bOption\s*<")]
    private static partial Regex OptionWord();

    [GeneratedRegex(@"\bIterator\s*<")]
    private static partial Regex IteratorWord();

    [GeneratedRegex(@"\bwhere\b.*\z", RegexOptions.Singleline)]
    private static partial Regex WhereClause();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
