// The cursor every DDL parser walks tokens with (functions, roles and grants here; plugins and filters in
// Wasql.Plugins): one place for peeking, keywords, punctuation and the positioned syntax errors.
namespace Wasql.Database.Sql;

public abstract class TokenCursor(List<Token> tokens)
{
    /// <summary>Index of the next token; parsers may skip ahead over tokens they have already looked at.</summary>
    protected int _i;

    protected Token Peek => tokens[_i];

    /// <summary>The next token (the End token repeats at the end).</summary>
    protected Token Next() => tokens[_i < tokens.Count - 1 ? _i++ : _i];

    /// <summary>A syntax error (42601) at <paramref name="at"/>'s 1-based position.</summary>
    protected static WasqlException Error(string message, Token at) => new(SqlStates.SyntaxError, message, at.Offset + 1);

    protected static string Show(Token t) => t.Kind == TokenKind.End ? "end of input" : t.Value;

    protected bool Accept(string keyword)
    {
        if (!Peek.Is(keyword)) return false;
        _i++;
        return true;
    }

    protected bool AcceptPunct(string p)
    {
        if (!Peek.IsPunct(p)) return false;
        _i++;
        return true;
    }

    protected void Expect(string keyword)
    {
        var t = Next();
        if (!t.Is(keyword)) throw Error($"syntax error at or near \"{Show(t)}\": expected {keyword}", t);
    }

    protected void ExpectPunct(string p)
    {
        var t = Next();
        if (!t.IsPunct(p)) throw Error($"syntax error at or near \"{Show(t)}\": expected '{p}'", t);
    }
}
