// Splits a batch of SQL into statements at top-level ';' on SqlScanner's tokens (so quotes of every kind, dollar
// quotes and comments never split) and keeps CREATE TRIGGER ... BEGIN ... END bodies whole. Keeps each offset.
// The database (ExecuteBatch, `wasql sql`) and the server (simple and extended protocol) both split here.
namespace Wasql.Database.Sql;

/// <summary>One statement of a batch: its text (without the ';') and its 0-based offset in the batch.</summary>
public readonly record struct SqlPiece(string Text, int Offset);

public static class StatementSplitter
{
    /// <summary>The non-empty statements of <paramref name="sql"/> (a statement of only comments is dropped).</summary>
    public static List<SqlPiece> Split(string sql)
    {
        var pieces = new List<SqlPiece>();
        Scan(sql, pieces);
        return pieces;
    }

    /// <summary>True when <paramref name="sql"/> ends with a ';' that ends a statement (not one inside a quote, a
    /// comment or a trigger body): what an interactive prompt waits for before it runs the text.</summary>
    public static bool IsComplete(string sql) => Scan(sql, null);

    /// <summary>Splits into <paramref name="pieces"/> (when given); returns whether the text ends at a statement end.</summary>
    private static bool Scan(string sql, List<SqlPiece>? pieces)
    {
        bool complete = false;
        int start = 0;
        int depth = 0;            // BEGIN/CASE ... END nesting inside CREATE TRIGGER
        bool? isTrigger = null;   // decided at the statement's first word
        var scanner = new SqlScanner(sql);
        for (var t = scanner.Next(); t.Kind != TokenKind.End; t = scanner.Next())
        {
            complete = false;
            if (!t.Terminated) break;
            if (t.Kind == TokenKind.Word)
            {
                isTrigger ??= DecideTrigger(sql, start);
                if (isTrigger == true)
                {
                    var word = sql.AsSpan(t.Offset, t.Length);
                    if (word.Equals("BEGIN", StringComparison.OrdinalIgnoreCase) || word.Equals("CASE", StringComparison.OrdinalIgnoreCase)) depth++;
                    else if (word.Equals("END", StringComparison.OrdinalIgnoreCase) && depth > 0) depth--;
                }
            }
            else if (t.Kind == TokenKind.Punct && sql[t.Offset] == ';' && depth == 0)
            {
                if (pieces is not null) Add(pieces, sql, start, t.Offset);
                start = t.End;
                isTrigger = null;
                complete = true;
            }
        }
        if (pieces is not null) Add(pieces, sql, start, sql.Length);
        return complete;
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
        if (SqlScanner.SkipTrivia(sql, start) < end)
            pieces.Add(new SqlPiece(sql[start..end], start));
    }
}
