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
            case "SELECT" or "VALUES" or "WITH" or "EXPLAIN": return "SELECT";
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

    public static string Tag(string verb, bool returnsRows, int rows, long affected) => verb switch
    {
        "INSERT" => $"INSERT 0 {affected}",
        "UPDATE" or "DELETE" => $"{verb} {affected}",
        _ when returnsRows => $"SELECT {rows}",
        _ => verb,
    };
}
