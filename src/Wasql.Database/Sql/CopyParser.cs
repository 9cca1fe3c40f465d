// COPY statements, parsed with the Lexer: COPY table [(cols)] FROM STDIN | COPY table [(cols)] | (query) TO STDOUT,
// options in PostgreSQL's current form (WITH (FORMAT csv, HEADER, ...)) and its old form (WITH CSV HEADER ...),
// checked by PostgreSQL's rules.
using Wasql.Database.Copy;

namespace Wasql.Database.Sql;

internal static class CopyParser
{
    /// <summary>Parses a COPY statement; null when the text does not start with COPY.</summary>
    public static CopyStatement? TryParse(string text)
    {
        var words = Lexer.LeadingWords(text, 0, 1);
        if (words.Count == 0 || words[0] != "COPY") return null;
        var t = new Cursor(Lexer.Tokenize(text), text);
        t.Expect("COPY");
        string? table = null, query = null;
        var columns = new List<string>();
        if (t.Peek.IsPunct("("))
        {
            int start = t.Next().Offset + 1, depth = 1;
            while (depth > 0)
            {
                var tok = t.Next();
                if (tok.Kind == TokenKind.End) throw t.Error("unterminated query in COPY", tok);
                if (tok.IsPunct("(")) depth++;
                else if (tok.IsPunct(")") && --depth == 0) { query = text[start..tok.Offset].Trim(); break; }
            }
            if (string.IsNullOrEmpty(query)) throw t.Error("COPY needs a query between the parentheses", t.Peek);
        }
        else
        {
            table = t.Name("table name");
            if (t.Peek.IsPunct(".")) { t.Next(); table = table + "." + t.Name("table name"); }
            if (t.Peek.IsPunct("("))
            {
                t.Next();
                do columns.Add(t.Name("column name")); while (t.Accept(","));
                t.ExpectPunct(")");
            }
        }
        CopyDirection direction;
        if (t.Accept("FROM"))
        {
            direction = CopyDirection.From;
            if (query is not null) throw t.Error("COPY (query) FROM is not supported: COPY FROM needs a table", t.Peek);
            if (!t.Accept("STDIN"))
                throw new WasqlException(SqlStates.FeatureNotSupported, "COPY FROM reads only STDIN (the server reads no files); use psql's \\copy for a client file", t.Peek.Offset + 1);
        }
        else if (t.Accept("TO"))
        {
            direction = CopyDirection.To;
            if (!t.Accept("STDOUT"))
                throw new WasqlException(SqlStates.FeatureNotSupported, "COPY TO writes only STDOUT (the server writes no files); use psql's \\copy for a client file", t.Peek.Offset + 1);
        }
        else throw t.Error("COPY needs FROM STDIN or TO STDOUT", t.Peek);
        var options = ParseOptions(t);
        if (t.Peek.IsPunct(";")) t.Next();
        if (t.Peek.Kind != TokenKind.End) throw t.Error($"syntax error at or near \"{t.Peek.Value}\"", t.Peek);
        options.Validate(direction);
        return new CopyStatement(direction, table, columns, query, options);
    }

    private static CopyOptions ParseOptions(Cursor t)
    {
        var o = new CopyOptions();
        bool with = t.Accept("WITH");
        if (t.Peek.IsPunct("("))
        {
            t.Next();
            do
            {
                var name = t.Name("option name").ToUpperInvariant();
                switch (name)
                {
                    case "FORMAT": o.SetFormat(t.Name("format").ToUpperInvariant() switch
                    {
                        "TEXT" => CopyFormat.Text, "CSV" => CopyFormat.Csv, "BINARY" => CopyFormat.Binary,
                        var f => throw t.Error($"COPY format \"{f.ToLowerInvariant()}\" not recognized", t.Peek),
                    }); break;
                    case "DELIMITER": o.Delimiter = t.StringValue("DELIMITER"); break;
                    case "NULL": o.Null = t.StringValue("NULL"); break;
                    case "HEADER": o.Header = OptionalBoolean(t); break;
                    case "QUOTE": o.Quote = t.StringValue("QUOTE"); break;
                    case "ESCAPE": o.Escape = t.StringValue("ESCAPE"); break;
                    case "FORCE_QUOTE": o.ForceQuote = ColumnListOrStar(t); break;
                    case "ENCODING":
                        var enc = t.StringValue("ENCODING");
                        if (enc.Replace("-", "").ToUpperInvariant() is not ("UTF8" or "UNICODE"))
                            throw new WasqlException(SqlStates.FeatureNotSupported, $"COPY encoding \"{enc}\" is not supported: Wasql speaks UTF8");
                        break;
                    case "FREEZE": OptionalBoolean(t); break;   // a hint SQLite has no use for
                    default: throw new WasqlException(SqlStates.SyntaxError, $"option \"{name.ToLowerInvariant()}\" not recognized");
                }
            } while (t.Accept(","));
            t.ExpectPunct(")");
            return o;
        }
        // The old syntax: [BINARY] [DELIMITER [AS] 'c'] [NULL [AS] 's'] [CSV [HEADER] [QUOTE [AS] 'q'] [ESCAPE [AS] 'e'] [FORCE QUOTE cols | *]]
        _ = with;
        while (t.Peek.Kind == TokenKind.Word)
        {
            var word = t.Next().Upper;
            switch (word)
            {
                case "BINARY": o.SetFormat(CopyFormat.Binary); break;
                case "CSV": o.SetFormat(CopyFormat.Csv); break;
                case "HEADER": o.Header = true; break;
                case "DELIMITER": t.Accept("AS"); o.Delimiter = t.StringValue("DELIMITER"); break;
                case "NULL": t.Accept("AS"); o.Null = t.StringValue("NULL"); break;
                case "QUOTE": t.Accept("AS"); o.Quote = t.StringValue("QUOTE"); break;
                case "ESCAPE": t.Accept("AS"); o.Escape = t.StringValue("ESCAPE"); break;
                case "FORCE":
                    if (t.Accept("QUOTE")) o.ForceQuote = ColumnListOrStar(t);
                    else throw t.Error("FORCE NOT NULL / FORCE NULL are not supported", t.Peek);
                    break;
                default: throw new WasqlException(SqlStates.SyntaxError, $"syntax error at or near \"{word}\"");
            }
        }
        return o;
    }

    private static bool OptionalBoolean(Cursor t)
    {
        if (t.Peek.IsPunct(",") || t.Peek.IsPunct(")")) return true;
        var v = t.Next();
        return v.Value.ToLowerInvariant() switch
        {
            "true" or "on" or "1" => true,
            "false" or "off" or "0" => false,
            "match" => throw new WasqlException(SqlStates.FeatureNotSupported, "HEADER MATCH is not supported"),
            _ => throw new WasqlException(SqlStates.SyntaxError, $"{v.Value} requires a Boolean value"),
        };
    }

    /// <summary>FORCE_QUOTE (a, b) or *; the empty list means every column.</summary>
    private static IReadOnlyList<string> ColumnListOrStar(Cursor t)
    {
        if (t.Peek.IsPunct("*")) { t.Next(); return []; }
        var cols = new List<string>();
        bool paren = t.Accept("(");
        do cols.Add(t.Name("column name")); while (t.Accept(","));
        if (paren) t.ExpectPunct(")");
        return cols;
    }

    /// <summary>A position in the token list with the small helpers the grammar needs.</summary>
    private sealed class Cursor(List<Token> tokens, string text)
    {
        private int _i;
        public Token Peek => tokens[_i];
        public Token Next() => tokens[_i < tokens.Count - 1 ? _i++ : _i];

        public bool Accept(string keywordOrPunct)
        {
            var p = Peek;
            if (p.Is(keywordOrPunct) || p.IsPunct(keywordOrPunct)) { _i++; return true; }
            return false;
        }

        public void Expect(string keyword)
        {
            if (!Accept(keyword)) throw Error($"expected {keyword}", Peek);
        }

        public void ExpectPunct(string p)
        {
            if (!Peek.IsPunct(p)) throw Error($"expected \"{p}\"", Peek);
            _i++;
        }

        public string Name(string what)
        {
            var tok = Next();
            return tok.Kind switch
            {
                TokenKind.Word => tok.Value.ToLowerInvariant(),
                TokenKind.QuotedIdent => tok.Value,
                _ => throw Error($"expected a {what}", tok),
            };
        }

        public string StringValue(string option)
        {
            var tok = Next();
            if (tok.Kind is TokenKind.String or TokenKind.Dollar) return tok.Value;
            throw Error($"{option} needs a quoted string", tok);
        }

        public WasqlException Error(string message, Token at) =>
            new(SqlStates.SyntaxError, at.Kind == TokenKind.End ? message + " at end of input" : message, at.Offset + 1);

        public string Text => text;
    }
}
