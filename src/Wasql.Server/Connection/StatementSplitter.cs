// Splits a simple-query string into statements at top-level semicolons (skipping quotes, identifiers,
// dollar quotes, comments, and CREATE TRIGGER ... BEGIN ... END bodies), keeping each statement's offset.
namespace Wasql.Server.Connection;

internal static class StatementSplitter
{
    public readonly record struct Piece(string Sql, int Offset);

    public static List<Piece> Split(string sql)
    {
        var result = new List<Piece>();
        int start = 0, i = 0, n = sql.Length;
        int beginDepth = 0;
        bool trigger = false;
        while (i < n)
        {
            char c = sql[i];
            if (c is '\'' or '"' or '`')
            {
                i++;
                while (i < n) { if (sql[i] == c) { if (i + 1 < n && sql[i + 1] == c) { i += 2; continue; } break; } i++; }
                i++;
            }
            else if (c == '-' && i + 1 < n && sql[i + 1] == '-') { while (i < n && sql[i] != '\n') i++; }
            else if (c == '/' && i + 1 < n && sql[i + 1] == '*')
            {
                int e = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = e < 0 ? n : e + 2;
            }
            else if (c == '$' && (i == 0 || !IsIdent(sql[i - 1])))
            {
                int j = i + 1;
                while (j < n && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_') && !char.IsDigit(sql[i + 1])) j++;
                if (j < n && sql[j] == '$' && !(j > i + 1 && char.IsDigit(sql[i + 1])))
                {
                    string tag = sql[i..(j + 1)];
                    int e = sql.IndexOf(tag, j + 1, StringComparison.Ordinal);
                    i = e < 0 ? n : e + tag.Length;
                }
                else i++;
            }
            else if (char.IsLetter(c) && (i == 0 || !IsIdent(sql[i - 1])))
            {
                int j = i;
                while (j < n && IsIdent(sql[j])) j++;
                var word = sql.AsSpan(i, j - i);
                if (word.Equals("TRIGGER", StringComparison.OrdinalIgnoreCase) && IsCreate(sql, start, i)) trigger = true;
                else if (trigger && word.Equals("BEGIN", StringComparison.OrdinalIgnoreCase)) beginDepth++;
                else if (trigger && beginDepth > 0 && word.Equals("END", StringComparison.OrdinalIgnoreCase)) beginDepth--;
                i = j;
            }
            else if (c == ';' && beginDepth == 0)
            {
                Add(result, sql, start, i);
                start = i + 1; i++; trigger = false;
            }
            else i++;
        }
        Add(result, sql, start, n);
        return result;
    }

    private static bool IsCreate(string sql, int start, int at) =>
        sql.AsSpan(start, at - start).TrimStart().StartsWith("CREATE", StringComparison.OrdinalIgnoreCase);

    private static bool IsIdent(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static void Add(List<Piece> list, string sql, int from, int to)
    {
        var s = sql[from..to];
        if (IsBlank(s)) return;
        list.Add(new Piece(s, from));
    }

    /// <summary>True when the text is only whitespace and comments.</summary>
    public static bool IsBlank(string s)
    {
        int i = 0, n = s.Length;
        while (i < n)
        {
            if (char.IsWhiteSpace(s[i])) i++;
            else if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') { while (i < n && s[i] != '\n') i++; }
            else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') { int e = s.IndexOf("*/", i + 2, StringComparison.Ordinal); i = e < 0 ? n : e + 2; }
            else return false;
        }
        return true;
    }
}
