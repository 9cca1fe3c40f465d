// Tokens with their values, for parsers (Wasql's DDL, COPY, transaction control, plugins): SqlScanner's tokens
// with the quotes taken off. Strict: an unterminated literal is a syntax error (42601) at its position.
namespace Wasql.Database.Sql;

public enum TokenKind { Word, QuotedIdent, String, Dollar, Number, Parameter, Punct, End }

/// <summary>A token; <see cref="Value"/> is the unquoted text (upper-cased <see cref="Upper"/> for words).</summary>
public readonly record struct Token(TokenKind Kind, string Value, int Offset)
{
    public string Upper => Value.ToUpperInvariant();
    public bool Is(string keyword) => Kind == TokenKind.Word && Value.Equals(keyword, StringComparison.OrdinalIgnoreCase);
    public bool IsPunct(string p) => Kind == TokenKind.Punct && Value == p;
}

public static class Lexer
{
    public static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        var scanner = new SqlScanner(sql);
        while (true)
        {
            var s = scanner.Next();
            if (!s.Terminated) throw Unterminated(s);
            tokens.Add(new Token(s.Kind, ValueOf(sql, s), s.Offset));
            if (s.Kind == TokenKind.End) return tokens;
        }
    }

    /// <summary>The unquoted value of a token: identifiers and strings without their quotes (doubled quotes
    /// undone), a dollar-quoted string without its tags, other tokens as written.</summary>
    public static string ValueOf(string sql, SqlSpan s)
    {
        var text = sql.AsSpan(s.Offset, s.Length);
        switch (s.Kind)
        {
            case TokenKind.QuotedIdent when text[0] == '[': return text[1..^1].ToString();
            case TokenKind.QuotedIdent or TokenKind.String:
                var q = text[0].ToString();
                return text[1..^1].ToString().Replace(q + q, q);
            case TokenKind.Dollar:
                int tag = SqlScanner.DollarTagLength(sql, s.Offset);
                return text[tag..^tag].ToString();
            default: return text.ToString();
        }
    }

    private static WasqlException Unterminated(SqlSpan s) => new(SqlStates.SyntaxError, s.Kind switch
    {
        TokenKind.QuotedIdent => "unterminated quoted identifier",
        TokenKind.String => "unterminated quoted string",
        _ => "unterminated dollar-quoted string",
    }, s.Offset + 1);

    /// <summary>Up to <paramref name="count"/> leading words (upper case) from <paramref name="start"/>, stopping at a non-word.</summary>
    public static List<string> LeadingWords(string sql, int start, int count)
    {
        var words = new List<string>();
        var scanner = new SqlScanner(sql, start);
        while (words.Count < count)
        {
            var s = scanner.Next();
            if (s.Kind != TokenKind.Word) break;
            words.Add(sql.Substring(s.Offset, s.Length).ToUpperInvariant());
        }
        return words;
    }
}
