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

    /// <summary>Whether the statement at <paramref name="start"/> is [EXPLAIN [FILTERS | QUERY PLAN]] CREATE [TEMP]
    /// TRIGGER. Reads the leading words as spans: it runs once per statement of every batch, point reads included.</summary>
    private static bool DecideTrigger(string sql, int start)
    {
        var scanner = new SqlScanner(sql, start);
        var word = NextWord(sql, ref scanner);
        // EXPLAIN [FILTERS | QUERY PLAN] CREATE TRIGGER ...: the body's ';' belong to the explained statement
        if (word.Equals("EXPLAIN", StringComparison.OrdinalIgnoreCase))
        {
            word = NextWord(sql, ref scanner);
            if (word.Equals("FILTERS", StringComparison.OrdinalIgnoreCase)) word = NextWord(sql, ref scanner);
            else if (word.Equals("QUERY", StringComparison.OrdinalIgnoreCase))
            {
                if (!NextWord(sql, ref scanner).Equals("PLAN", StringComparison.OrdinalIgnoreCase)) return false;
                word = NextWord(sql, ref scanner);
            }
        }
        if (!word.Equals("CREATE", StringComparison.OrdinalIgnoreCase)) return false;
        word = NextWord(sql, ref scanner);
        if (word.Equals("TEMP", StringComparison.OrdinalIgnoreCase) || word.Equals("TEMPORARY", StringComparison.OrdinalIgnoreCase))
            word = NextWord(sql, ref scanner);
        return word.Equals("TRIGGER", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The next token if it is a word, else empty.</summary>
    private static ReadOnlySpan<char> NextWord(string sql, ref SqlScanner scanner)
    {
        var t = scanner.Next();
        return t.Kind == TokenKind.Word ? sql.AsSpan(t.Offset, t.Length) : default;
    }

    private static void Add(List<SqlPiece> pieces, string sql, int start, int end)
    {
        if (SqlScanner.SkipTrivia(sql, start) < end)
            pieces.Add(new SqlPiece(sql[start..end], start));
    }
}
