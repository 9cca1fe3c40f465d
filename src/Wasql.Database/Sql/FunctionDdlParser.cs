// Parses Wasql's own statements (CREATE [OR REPLACE] FUNCTION, DROP FUNCTION, SHOW FUNCTIONS) into commands;
// anything else is not ours and goes to SQLite unchanged. Errors carry 1-based positions in the statement.
using Wasql.Database.Functions;

namespace Wasql.Database.Sql;

internal abstract record WasqlCommand(string Verb);

/// <summary>CREATE FUNCTION. Types are normalized (see <see cref="TypeNames"/>). <c>IfNotExists</c> (RisingWave's
/// <c>CREATE FUNCTION IF NOT EXISTS</c>): an existing function of the same name and argument types is kept.</summary>
internal sealed record CreateFunctionCommand(
    bool OrReplace, bool IfNotExists, string Name, IReadOnlyList<string> ArgumentTypes, string ReturnType,
    IReadOnlyList<ColumnInfo>? TableColumns, bool SetOf, string Language,
    string? Base64, string? FilePath, string? Body, IReadOnlyDictionary<string, string> With,
    int NamePosition, int LanguagePosition, int SourcePosition) : WasqlCommand("CREATE FUNCTION")
{
    public bool IsTable => TableColumns is not null || SetOf;
}

internal sealed record DropFunctionCommand(bool IfExists, string Name, IReadOnlyList<string>? ArgumentTypes, int NamePosition)
    : WasqlCommand("DROP FUNCTION");

internal sealed record ShowFunctionsCommand() : WasqlCommand("SHOW");

internal static class FunctionDdlParser
{
    /// <summary>The command for one statement, or null when the statement is plain SQL.</summary>
    public static WasqlCommand? TryParse(string sql)
    {
        var words = Lexer.LeadingWords(sql, 0, 4);
        if (words.Count < 2) return null;
        bool create = words[0] == "CREATE" && (words[1] == "FUNCTION" || (words.Count >= 4 && words[1] == "OR" && words[2] == "REPLACE" && words[3] == "FUNCTION"));
        bool drop = words[0] == "DROP" && words[1] == "FUNCTION";
        bool show = words[0] == "SHOW" && words[1] == "FUNCTIONS";
        if (!create && !drop && !show) return null;
        var p = new Parser(Lexer.Tokenize(sql));
        return create ? p.Create() : drop ? p.Drop() : p.Show();
    }

    private sealed class Parser(List<Token> tokens) : TokenCursor(tokens)
    {






        private (string Name, int Position) Name()
        {
            var t = Next();
            if (t.Kind == TokenKind.QuotedIdent) return (t.Value, t.Offset + 1);
            if (t.Kind != TokenKind.Word) throw Error($"syntax error at or near \"{Show(t)}\": expected a function name", t);
            var name = t.Value;
            // schema-qualified names: keep the last part (public.f, main.f).
            while (Peek.IsPunct(".")) { _i++; var part = Next(); name = part.Value; }
            return (name.ToLowerInvariant(), t.Offset + 1);
        }

        public WasqlCommand Show()
        {
            Expect("SHOW"); Expect("FUNCTIONS");
            EndOfStatement();
            return new ShowFunctionsCommand();
        }

        private void EndOfStatement()
        {
            if (Peek.IsPunct(";")) _i++;
            if (Peek.Kind != TokenKind.End) throw Error($"syntax error at or near \"{Show(Peek)}\"", Peek);
        }

        public WasqlCommand Drop()
        {
            Expect("DROP"); Expect("FUNCTION");
            bool ifExists = false;
            if (Accept("IF")) { Expect("EXISTS"); ifExists = true; }
            var (name, pos) = Name();
            List<string>? args = null;
            if (Peek.IsPunct("("))
                args = ArgumentList().Select(a => a.Type).ToList();
            Accept("CASCADE"); Accept("RESTRICT");
            EndOfStatement();
            return new DropFunctionCommand(ifExists, name, args, pos);
        }

        public WasqlCommand Create()
        {
            Expect("CREATE");
            bool orReplace = false;
            if (Accept("OR")) { Expect("REPLACE"); orReplace = true; }
            Expect("FUNCTION");
            bool ifNotExists = false;
            if (Accept("IF")) { Expect("NOT"); Expect("EXISTS"); ifNotExists = true; }
            if (orReplace && ifNotExists) throw Error("CREATE OR REPLACE FUNCTION cannot be combined with IF NOT EXISTS", Peek);
            var (name, namePos) = Name();
            var args = ArgumentList().Select(a => a.Type).ToList();
            Expect("RETURNS");
            List<ColumnInfo>? table = null;
            bool setOf = false;
            string returnType;
            if (Peek.Is("TABLE"))
            {
                _i++;
                table = ArgumentList(requireNames: true).Select(a => new ColumnInfo(a.Name!, a.Type)).ToList();
                if (table.Count == 0) throw Error("RETURNS TABLE needs at least one column", Peek);
                returnType = $"TABLE({string.Join(", ", table.Select(c => $"{c.Name} {c.DeclaredType}"))})";
            }
            else
            {
                if (Accept("SETOF")) setOf = true;
                var typeStart = Peek;
                returnType = TypeNames.Normalize(TypeText(), typeStart.Offset + 1);
                if (setOf) { table = [new ColumnInfo(name, returnType)]; }
            }

            string? language = null, base64 = null, file = null, body = null;
            int languagePos = 0, sourcePos = 0;
            var with = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (Peek.Kind != TokenKind.End && !Peek.IsPunct(";"))
            {
                var t = Next();
                if (t.Is("LANGUAGE"))
                {
                    var l = Next();
                    if (l.Kind is not (TokenKind.Word or TokenKind.String or TokenKind.QuotedIdent)) throw Error("expected a language name", l);
                    language = l.Value.ToLowerInvariant();
                    languagePos = l.Offset + 1;
                }
                else if (t.Is("USING"))
                {
                    var kind = Next();
                    var lit = Next();
                    if (lit.Kind is not (TokenKind.String or TokenKind.Dollar)) throw Error("expected a quoted string after USING " + kind.Value.ToUpperInvariant(), lit);
                    if (kind.Is("BASE64")) base64 = lit.Value;
                    else if (kind.Is("FILE") || kind.Is("LINK")) file = lit.Value;
                    else throw Error($"syntax error at or near \"{kind.Value}\": expected USING BASE64 '...' or USING FILE '...'", kind);
                    sourcePos = lit.Offset + 1;
                }
                else if (t.Is("AS"))
                {
                    var lit = Next();
                    if (lit.Kind is not (TokenKind.String or TokenKind.Dollar)) throw Error("expected the function body as $$...$$ or '...'", lit);
                    body = lit.Value;
                    sourcePos = lit.Offset + 1;
                }
                else if (t.Is("WITH"))
                {
                    ExpectPunct("(");
                    while (true)
                    {
                        var k = Next();
                        if (k.Kind is not (TokenKind.Word or TokenKind.QuotedIdent)) throw Error("expected an option name", k);
                        ExpectPunct("=");
                        var v = Next();
                        if (v.Kind is TokenKind.End) throw Error("expected an option value", v);
                        with[k.Value] = v.Value;
                        if (Peek.IsPunct(",")) { _i++; continue; }
                        ExpectPunct(")");
                        break;
                    }
                }
                else if (t.Kind == TokenKind.Word && t.Upper is "IMMUTABLE" or "STABLE" or "VOLATILE" or "STRICT" or "LEAKPROOF"
                         or "PARALLEL" or "SAFE" or "UNSAFE" or "RESTRICTED" or "CALLED" or "ON" or "NULL" or "INPUT" or "RETURNS")
                {
                    // Postgres attributes: accepted and ignored (functions are strict: NULL in, NULL out).
                }
                else throw Error($"syntax error at or near \"{Show(t)}\"", t);
            }
            EndOfStatement();
            if (language is null) throw Error("no language specified (LANGUAGE wasm, rust or c)", tokens[^1]);
            return new CreateFunctionCommand(orReplace, ifNotExists, name, args, returnType, table, setOf, language, base64, file, body,
                with, namePos, languagePos, sourcePos);
        }

        /// <summary>( [name] type, ... ) — names are optional for arguments, required for TABLE columns.</summary>
        private List<(string? Name, string Type)> ArgumentList(bool requireNames = false)
        {
            ExpectPunct("(");
            var list = new List<(string?, string)>();
            if (Peek.IsPunct(")")) { _i++; return list; }
            while (true)
            {
                var start = Peek;
                var words = new List<Token>();
                int depth = 0;
                while (true)
                {
                    var t = Peek;
                    if (t.Kind == TokenKind.End) throw Error("syntax error at end of input: unclosed '('", t);
                    if (depth == 0 && (t.IsPunct(",") || t.IsPunct(")"))) break;
                    // STRUCT<a int, b text> nests with angle brackets (">>" closes two).
                    if (t.IsPunct("(") || t.IsPunct("<")) depth++;
                    if (t.IsPunct(")") || t.IsPunct(">")) depth--;
                    if (t.IsPunct(">>")) depth -= 2;
                    words.Add(t);
                    _i++;
                }
                if (words.Count == 0) throw Error($"syntax error at or near \"{Show(Peek)}\": expected a type", Peek);
                string? argName = null;
                // Postgres argument modes.
                if (words.Count > 1 && words[0].Kind == TokenKind.Word && words[0].Upper is "IN") words.RemoveAt(0);
                if (words.Count > 1 && (words[0].Kind == TokenKind.QuotedIdent ||
                    (words[0].Kind == TokenKind.Word && !TypeNames.StartsMultiWordType(words[0].Value) && words[1].Kind == TokenKind.Word)))
                {
                    argName = words[0].Value;
                    words.RemoveAt(0);
                }
                if (requireNames && argName is null)
                    throw Error("RETURNS TABLE columns need a name and a type, e.g. TABLE (x int)", start);
                var text = Join(words);
                list.Add((argName?.ToLowerInvariant(), TypeNames.Normalize(text, words[0].Offset + 1)));
                var sep = Next();
                if (sep.IsPunct(")")) break;
            }
            return list;
        }

        /// <summary>A type's words up to the next clause keyword (LANGUAGE, AS, USING, WITH...).</summary>
        private string TypeText()
        {
            var words = new List<Token>();
            int depth = 0;
            while (Peek.Kind != TokenKind.End && !Peek.IsPunct(";"))
            {
                var t = Peek;
                if (depth == 0 && t.Kind == TokenKind.Word && t.Upper is "LANGUAGE" or "AS" or "USING" or "WITH" or "IMMUTABLE"
                        or "STABLE" or "VOLATILE" or "STRICT" or "CALLED" or "RETURNS" or "PARALLEL" or "LEAKPROOF") break;
                if (t.IsPunct("(")) depth++;
                if (t.IsPunct(")")) depth--;
                words.Add(t);
                _i++;
            }
            if (words.Count == 0) throw Error($"syntax error at or near \"{Show(Peek)}\": expected a return type", Peek);
            return Join(words);
        }

        private static string Join(List<Token> words)
        {
            var sb = new System.Text.StringBuilder();
            foreach (var w in words)
            {
                if (sb.Length > 0 && w.Kind == TokenKind.Word && sb[^1] != '(') sb.Append(' ');
                sb.Append(w.Value);
            }
            return sb.ToString();
        }
    }
}
