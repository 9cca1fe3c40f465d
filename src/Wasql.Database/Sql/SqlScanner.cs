// The one SQL tokenizer of Wasql: the database, the server and plugins all read SQL through it (Npgsql's single
// SqlQueryParser is the model). It knows PostgreSQL's and SQLite's lexical forms: 'strings', "identifiers",
// [identifiers] and `identifiers` (SQLite), $tag$ dollar quotes$tag$, nested /* comments */ and -- comments,
// $n / ?n / ? parameters, numbers, words and punctuation. It never fails: an unterminated literal is a token with
// Terminated = false (what to do with it is the caller's choice), and every token has its offset, for positions.
namespace Wasql.Database.Sql;

/// <summary>A token's place in the text, without its value (reading it allocates nothing).</summary>
public readonly record struct SqlSpan(TokenKind Kind, int Offset, int Length, bool Terminated = true)
{
    public int End => Offset + Length;
}

/// <summary>Walks <c>sql</c> token by token, skipping whitespace and comments.</summary>
public ref struct SqlScanner(string sql, int start = 0)
{
    private int _pos = start;

    /// <summary>Where the scanner stands (the offset after the last token read).</summary>
    public readonly int Position => _pos;

    /// <summary>The next token; at the end, a token of kind <see cref="TokenKind.End"/> (again on every call).</summary>
    public SqlSpan Next()
    {
        int n = sql.Length;
        int i = _pos = SkipTrivia(sql, _pos);
        if (i >= n) return new SqlSpan(TokenKind.End, n, 0);
        char c = sql[i];
        SqlSpan t;
        if (IsWordStart(c))
        {
            int e = i + 1;
            while (e < n && IsWordPart(sql[e])) e++;
            t = new SqlSpan(TokenKind.Word, i, e - i);
        }
        else if (c is '"' or '`') t = Quoted(TokenKind.QuotedIdent, i, c);
        else if (c == '\'') t = Quoted(TokenKind.String, i, '\'');
        else if (c == '[')
        {
            // [name] is SQLite's quoted identifier; "[]" stays punctuation (array types: int[]).
            if (i + 1 < n && sql[i + 1] == ']') t = new SqlSpan(TokenKind.Punct, i, 2);
            else
            {
                int e = sql.IndexOf(']', i + 1);
                t = e < 0 ? new SqlSpan(TokenKind.QuotedIdent, i, n - i, false) : new SqlSpan(TokenKind.QuotedIdent, i, e + 1 - i);
            }
        }
        else if (c == '$' && i + 1 < n && char.IsAsciiDigit(sql[i + 1])) t = new SqlSpan(TokenKind.Parameter, i, Digits(i + 1) - i);
        else if (c == '$' && DollarTagLength(sql, i) is > 0 and var tagLength)
        {
            int e = sql.IndexOf(sql.Substring(i, tagLength), i + tagLength, StringComparison.Ordinal);
            t = e < 0 ? new SqlSpan(TokenKind.Dollar, i, n - i, false) : new SqlSpan(TokenKind.Dollar, i, e + tagLength - i);
        }
        else if (c == '?') t = new SqlSpan(TokenKind.Parameter, i, Digits(i + 1) - i);
        else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < n && char.IsAsciiDigit(sql[i + 1])))
        {
            int e = i;
            while (e < n && (char.IsLetterOrDigit(sql[e]) || sql[e] == '.' ||
                             (sql[e] is '+' or '-' && sql[e - 1] is 'e' or 'E' && e + 1 < n && char.IsAsciiDigit(sql[e + 1])))) e++;
            t = new SqlSpan(TokenKind.Number, i, e - i);
        }
        else if (i + 1 < n && sql.AsSpan(i, 2) is "->" or "::") t = new SqlSpan(TokenKind.Punct, i, 2);
        else t = new SqlSpan(TokenKind.Punct, i, 1);
        _pos = t.End;
        return t;
    }

    private readonly int Digits(int i)
    {
        while (i < sql.Length && char.IsAsciiDigit(sql[i])) i++;
        return i;
    }

    /// <summary>A literal closed by <paramref name="quote"/>, where a doubled quote stands for itself.</summary>
    private readonly SqlSpan Quoted(TokenKind kind, int s, char quote)
    {
        int i = s + 1, n = sql.Length;
        while (i < n)
        {
            if (sql[i] == quote)
            {
                if (i + 1 < n && sql[i + 1] == quote) { i += 2; continue; }
                return new SqlSpan(kind, s, i + 1 - s);
            }
            i++;
        }
        return new SqlSpan(kind, s, n - s, false);
    }

    public static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    public static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$';

    /// <summary>The offset of the first character at or after <paramref name="i"/> that is not whitespace or a
    /// comment. Block comments nest, as in PostgreSQL; an unterminated one runs to the end.</summary>
    public static int SkipTrivia(string sql, int i)
    {
        int n = sql.Length;
        while (i < n)
        {
            char c = sql[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '-' && i + 1 < n && sql[i + 1] == '-') { var e = sql.IndexOf('\n', i); i = e < 0 ? n : e + 1; continue; }
            if (c == '/' && i + 1 < n && sql[i + 1] == '*')
            {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0)
                {
                    if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') { depth--; i += 2; }
                    else if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') { depth++; i += 2; }
                    else i++;
                }
                continue;
            }
            break;
        }
        return i;
    }

    /// <summary>The length of the <c>$$</c> or <c>$tag$</c> opening at <paramref name="i"/>, or 0 when there is
    /// none there (a <c>$1</c> parameter, or a '$' glued to the identifier before it: x$y$ is a name).</summary>
    public static int DollarTagLength(string sql, int i)
    {
        if (i > 0 && IsWordPart(sql[i - 1])) return 0;
        int j = i + 1;
        if (j < sql.Length && char.IsAsciiDigit(sql[j])) return 0;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_')) j++;
        return j < sql.Length && sql[j] == '$' ? j - i + 1 : 0;
    }
}
