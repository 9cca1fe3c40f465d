// Postgres-style command tags ("SELECT 3", "INSERT 0 1", "CREATE TABLE"...) from a statement's leading words.
namespace Wasql.Database.Sql;

internal static class CommandTags
{
    /// <summary>The verb of a plain SQL statement: SELECT, INSERT, CREATE TABLE, BEGIN...</summary>
    public static string Verb(string sql)
    {
        var w = Lexer.LeadingWords(sql, 0, 4);
        if (w.Count == 0) return "";
        switch (w[0])
        {
            case "WITH": return AfterCommonTableExpressions(sql);
            case "SELECT" or "VALUES" or "EXPLAIN": return "SELECT";
            case "INSERT" or "REPLACE": return "INSERT";
            case "UPDATE" or "DELETE" or "PRAGMA" or "VACUUM" or "ANALYZE" or "ATTACH" or "DETACH" or "REINDEX" or "SAVEPOINT" or "RELEASE": return w[0];
            case "BEGIN" or "START": return "BEGIN";
            case "COMMIT" or "END": return "COMMIT";
            case "ROLLBACK" or "ABORT": return w.Count > 1 && w[1] == "TO" ? "ROLLBACK" : "ROLLBACK";
            case "CREATE" or "DROP" or "ALTER":
                var rest = w.Skip(1).Where(x => x is not ("TEMP" or "TEMPORARY" or "UNIQUE" or "VIRTUAL" or "OR" or "REPLACE" or "IF")).FirstOrDefault();
                return rest is null ? w[0] : $"{w[0]} {rest}";
            default: return w[0];
        }
    }

    /// <summary>The verb of the statement a WITH clause introduces: the first keyword at parenthesis depth 0 that
    /// starts a statement (the CTE bodies are parenthesised).</summary>
    private static string AfterCommonTableExpressions(string sql)
    {
        List<Token> tokens;
        try { tokens = Lexer.Tokenize(sql); }
        catch (WasqlException) { return "SELECT"; }
        int depth = 0;
        for (int i = 1; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.IsPunct("(")) depth++;
            else if (t.IsPunct(")")) depth--;
            else if (depth == 0 && t.Kind == TokenKind.Word && t.Upper is "SELECT" or "VALUES" or "INSERT" or "REPLACE" or "UPDATE" or "DELETE")
                return t.Upper switch { "VALUES" => "SELECT", "REPLACE" => "INSERT", var u => u };
        }
        return "SELECT";
    }

    public static string Tag(string verb, bool returnsRows, int rows, long affected) => verb switch
    {
        "INSERT" => $"INSERT 0 {affected}",
        "UPDATE" or "DELETE" => $"{verb} {affected}",
        _ when returnsRows => $"SELECT {rows}",
        _ => verb,
    };
}
