// Questions about a statement's text that every layer asks, answered from SqlScanner's tokens: is it blank, what is
// its leading keyword, how many $n parameters does it take.
namespace Wasql.Database.Sql;

public static class SqlText
{
    /// <summary>True when the text holds only whitespace and comments.</summary>
    public static bool IsBlank(string sql) => SqlScanner.SkipTrivia(sql, 0) >= sql.Length;

    /// <summary>The statement's first keyword in upper case, looking through opening parentheses
    /// (<c>(SELECT 1)</c> is a SELECT); "" when it does not start with a word.</summary>
    public static string FirstKeyword(string sql)
    {
        var scanner = new SqlScanner(sql);
        var t = scanner.Next();
        while (t.Kind == TokenKind.Punct && sql[t.Offset] == '(') t = scanner.Next();
        return t.Kind == TokenKind.Word ? sql.Substring(t.Offset, t.Length).ToUpperInvariant() : "";
    }

    /// <summary>The highest <c>$n</c> parameter number the statement uses (0 for none). A <c>$1</c> inside a string,
    /// a quoted identifier or a comment is not a parameter.</summary>
    public static int MaxParameterNumber(string sql)
    {
        int max = 0;
        var scanner = new SqlScanner(sql);
        for (var t = scanner.Next(); t.Kind != TokenKind.End; t = scanner.Next())
        {
            if (t.Kind == TokenKind.Parameter && sql[t.Offset] == '$' &&
                int.TryParse(sql.AsSpan(t.Offset + 1, t.Length - 1), out var number))
                max = Math.Max(max, number);
        }
        return max;
    }
}
