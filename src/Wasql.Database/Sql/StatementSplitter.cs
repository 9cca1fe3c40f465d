// Splits a batch of SQL into statements at top-level ';', respecting '...' "..." `...` [...] strings, $tag$ dollar
// quotes, -- and /* */ comments, and CREATE TRIGGER ... BEGIN ... END bodies. Keeps each statement's offset.
namespace Wasql.Database.Sql;

/// <summary>One statement of a batch: its text (without the ';') and its 0-based offset in the batch.</summary>
internal readonly record struct SqlPiece(string Text, int Offset);

internal static class StatementSplitter
{
    /// <summary>The non-empty statements of <paramref name="sql"/> (a statement of only comments is dropped).</summary>
    public static List<SqlPiece> Split(string sql)
    {
        var pieces = new List<SqlPiece>();
        int start = 0, i = 0, n = sql.Length;
        int depth = 0;            // BEGIN/CASE ... END nesting inside CREATE TRIGGER
        bool? isTrigger = null;   // decided at the statement's first words
        while (i < n)
        {
            char c = sql[i];
            if (c == '\'' || c == '"' || c == '`') { i = SkipQuoted(sql, i, c); continue; }
            if (c == '[') { var e = sql.IndexOf(']', i + 1); i = e < 0 ? n : e + 1; continue; }
            if (c == '-' && i + 1 < n && sql[i + 1] == '-') { var e = sql.IndexOf('\n', i); i = e < 0 ? n : e + 1; continue; }
            if (c == '/' && i + 1 < n && sql[i + 1] == '*') { var e = sql.IndexOf("*/", i + 2, StringComparison.Ordinal); i = e < 0 ? n : e + 2; continue; }
            if (c == '$' && TryDollarTag(sql, i, out var tag))
            {
                var e = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = e < 0 ? n : e + tag.Length;
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                int s = i;
                while (i < n && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_' || sql[i] == '$')) i++;
                var word = sql.AsSpan(s, i - s);
                isTrigger ??= DecideTrigger(sql, start);
                if (isTrigger == true)
                {
                    if (word.Equals("BEGIN", StringComparison.OrdinalIgnoreCase) || word.Equals("CASE", StringComparison.OrdinalIgnoreCase)) depth++;
                    else if (word.Equals("END", StringComparison.OrdinalIgnoreCase) && depth > 0) depth--;
                }
                continue;
            }
            if (c == ';' && depth == 0)
            {
                Add(pieces, sql, start, i);
                start = i + 1;
                isTrigger = null;
            }
            i++;
        }
        Add(pieces, sql, start, n);
        return pieces;
    }

    private static bool DecideTrigger(string sql, int start)
    {
        var words = Lexer.LeadingWords(sql, start, 6);
        int k = 0;
        // EXPLAIN [FILTERS | QUERY PLAN] CREATE TRIGGER ...: the body's ';' belong to the explained statement
        if (k < words.Count && words[k] == "EXPLAIN")
        {
            k++;
            if (k < words.Count && words[k] == "FILTERS") k++;
            else if (k + 1 < words.Count && words[k] == "QUERY" && words[k + 1] == "PLAN") k += 2;
        }
        if (k < words.Count && words[k] == "CREATE") k++; else return false;
        if (k < words.Count && words[k] is "TEMP" or "TEMPORARY") k++;
        return k < words.Count && words[k] == "TRIGGER";
    }

    private static void Add(List<SqlPiece> pieces, string sql, int start, int end)
    {
        var text = sql[start..end];
        if (!Lexer.IsBlank(text))
            pieces.Add(new SqlPiece(text, start));
    }

    internal static int SkipQuoted(string sql, int i, char quote)
    {
        int n = sql.Length;
        i++;
        while (i < n)
        {
            if (sql[i] == quote)
            {
                if (i + 1 < n && sql[i + 1] == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    /// <summary>Recognizes <c>$$</c> or <c>$tag$</c> at <paramref name="i"/> (not a <c>$1</c> parameter).</summary>
    internal static bool TryDollarTag(string sql, int i, out string tag)
    {
        tag = "";
        int j = i + 1;
        if (j < sql.Length && (char.IsDigit(sql[j]))) return false;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_')) j++;
        if (j < sql.Length && sql[j] == '$')
        {
            // Must not be glued to an identifier before it (x$y$ is not a quote).
            if (i > 0 && (char.IsLetterOrDigit(sql[i - 1]) || sql[i - 1] == '_')) return false;
            tag = sql.Substring(i, j - i + 1);
            return true;
        }
        return false;
    }
}
