// Transaction control statements (BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT / SET TRANSACTION),
// recognised with the Lexer so that the session can run them with Wasql's writer lock instead of handing them to SQLite.
namespace Wasql.Database.Sql;

/// <summary>What a transaction control statement does.</summary>
internal enum TransactionAction { Begin, Commit, Rollback, SetTransaction }

/// <summary>The access mode a statement asks for: unspecified (the session default), READ ONLY or READ WRITE.</summary>
internal enum AccessMode { Default, ReadOnly, ReadWrite }

/// <summary>A parsed transaction control statement.</summary>
internal sealed record TransactionStatement(TransactionAction Action, AccessMode Mode)
{
    /// <summary>Recognises a transaction control statement; null for anything else (ROLLBACK TO SAVEPOINT and
    /// SAVEPOINT/RELEASE are SQLite's own). Only the access mode is taken from the modes list: isolation levels are
    /// accepted and ignored, because every write transaction runs alone (serializable).</summary>
    public static TransactionStatement? TryParse(string text)
    {
        var words = Lexer.LeadingWords(text, 0, 3);
        if (words.Count == 0) return null;
        TransactionAction? action = words[0] switch
        {
            "BEGIN" => TransactionAction.Begin,
            "START" when words.Count > 1 && words[1] == "TRANSACTION" => TransactionAction.Begin,
            "COMMIT" or "END" => TransactionAction.Commit,
            "ROLLBACK" or "ABORT" when !words.Contains("TO") => TransactionAction.Rollback,
            "SET" when words.Count > 1 && words[1] == "TRANSACTION" => TransactionAction.SetTransaction,
            _ => null,
        };
        if (action is null) return null;
        if (action is TransactionAction.Commit or TransactionAction.Rollback) return new(action.Value, AccessMode.Default);
        List<Token> tokens;
        try { tokens = Lexer.Tokenize(text); }
        catch (WasqlException) { return null; }
        var mode = AccessMode.Default;
        for (int i = 0; i + 1 < tokens.Count; i++)
        {
            if (!tokens[i].Is("READ")) continue;
            if (tokens[i + 1].Is("ONLY")) mode = AccessMode.ReadOnly;
            else if (tokens[i + 1].Is("WRITE")) mode = AccessMode.ReadWrite;
        }
        return new(action.Value, mode);
    }
}
