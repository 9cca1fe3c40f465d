// A small SQL tokenizer for Wasql's own statements: words, quoted identifiers, 'strings', $$dollar quotes$$,
// numbers and punctuation, each with its offset (for error positions). Comments and whitespace are skipped.
namespace Wasql.Database.Sql;

public enum TokenKind { Word, QuotedIdent, String, Dollar, Number, Punct, End }

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
        int i = 0, n = sql.Length;
        while (true)
        {
            i = SkipTrivia(sql, i);
            if (i >= n) break;
            char c = sql[i];
            int s = i;
            if (char.IsLetter(c) || c == '_')
            {
                while (i < n && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_')) i++;
                // E'...' escape strings are read as plain strings (backslashes kept).
                tokens.Add(new Token(TokenKind.Word, sql[s..i], s));
            }
            else if (c == '"')
            {
                i = StatementSplitter.SkipQuoted(sql, i, '"');
                if (i > n || sql[i - 1] != '"' || i - s < 2) throw Unterminated("quoted identifier", s);
                tokens.Add(new Token(TokenKind.QuotedIdent, sql[(s + 1)..(i - 1)].Replace("\"\"", "\""), s));
            }
            else if (c == '\'')
            {
                i = StatementSplitter.SkipQuoted(sql, i, '\'');
                if (sql[i - 1] != '\'' || i - s < 2) throw Unterminated("quoted string", s);
                tokens.Add(new Token(TokenKind.String, sql[(s + 1)..(i - 1)].Replace("''", "'"), s));
            }
            else if (c == '$' && StatementSplitter.TryDollarTag(sql, i, out var tag))
            {
                var e = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                if (e < 0) throw Unterminated("dollar-quoted string", s);
                tokens.Add(new Token(TokenKind.Dollar, sql[(i + tag.Length)..e], s));
                i = e + tag.Length;
            }
            else if (char.IsDigit(c))
            {
                while (i < n && (char.IsLetterOrDigit(sql[i]) || sql[i] == '.')) i++;
                tokens.Add(new Token(TokenKind.Number, sql[s..i], s));
            }
            else
            {
                // Two-character operators that matter here: ->, ::, [].
                if (i + 1 < n && (sql.AsSpan(i, 2) is "->" or "::" or "[]")) { tokens.Add(new Token(TokenKind.Punct, sql.Substring(i, 2), s)); i += 2; }
                else { tokens.Add(new Token(TokenKind.Punct, c.ToString(), s)); i++; }
            }
        }
        tokens.Add(new Token(TokenKind.End, "", n));
        return tokens;
    }

    private static WasqlException Unterminated(string what, int offset) =>
        new(SqlStates.SyntaxError, $"unterminated {what}", offset + 1);

    public static int SkipTrivia(string sql, int i)
    {
        int n = sql.Length;
        while (i < n)
        {
            char c = sql[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '-' && i + 1 < n && sql[i + 1] == '-') { var e = sql.IndexOf('\n', i); i = e < 0 ? n : e + 1; continue; }
            if (c == '/' && i + 1 < n && sql[i + 1] == '*') { var e = sql.IndexOf("*/", i + 2, StringComparison.Ordinal); i = e < 0 ? n : e + 2; continue; }
            break;
        }
        return i;
    }

    public static bool IsBlank(string sql) => SkipTrivia(sql, 0) >= sql.Length;

    /// <summary>Up to <paramref name="count"/> leading words (upper case) from <paramref name="start"/>, stopping at a non-word.</summary>
    public static List<string> LeadingWords(string sql, int start, int count)
    {
        var words = new List<string>();
        int i = start;
        while (words.Count < count)
        {
            i = SkipTrivia(sql, i);
            if (i >= sql.Length || !(char.IsLetter(sql[i]) || sql[i] == '_')) break;
            int s = i;
            while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_')) i++;
            words.Add(sql[s..i].ToUpperInvariant());
        }
        return words;
    }
}
