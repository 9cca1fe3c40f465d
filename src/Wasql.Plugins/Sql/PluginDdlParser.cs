// Parses the plugin and filter statements into commands (everything else is not ours):
//   CREATE [OR REPLACE] PLUGIN name USING BASE64 '...' | USING FILE '...' [WITH (key = value, ...)]
//   DROP PLUGIN [IF EXISTS] name          SHOW PLUGINS          SHOW PLUGIN LOG
//   CREATE [OR REPLACE] FILTER name [(options)] [WITH_PATTERN (pattern)] EXECUTE (plugin = name [, config...])
//   ALTER FILTER name [(options)] [WITH_PATTERN (pattern)] [EXECUTE (...)]      ALTER FILTER name RESET
//   DROP FILTER [IF EXISTS] name          SHOW FILTERS          EXPLAIN FILTERS <statement>
// Errors are 42601 with 1-based positions in the statement.
using Wasql.Database;
using Wasql.Database.Extensions;
using Wasql.Database.Sql;

namespace Wasql.Plugins.Sql;

internal static class PluginDdlParser
{
    public static readonly string[] OptionKeys = ["priority", "status", "description", "fail", "max_failures"];
    public static readonly string[] PatternKeys = ["kinds", "tables", "query_regex", "user_regex", "client_address", "database"];

    public static ExtensionCommand? TryParse(string sql, PluginHost host)
    {
        var w = Lexer.LeadingWords(sql, 0, 4);
        if (w.Count < 2) return null;
        bool orReplace = w.Count >= 4 && w[0] == "CREATE" && w[1] == "OR" && w[2] == "REPLACE";
        string what = orReplace ? w[3] : w[1];
        bool ours = (w[0], what) switch
        {
            ("CREATE", "PLUGIN" or "FILTER") or ("DROP", "PLUGIN" or "FILTER") or ("ALTER", "FILTER") => true,
            ("SHOW", "PLUGINS" or "FILTERS") => true,
            ("SHOW", "PLUGIN") => w.Count >= 3 && w[2] == "LOG",
            ("EXPLAIN", "FILTERS") => true,
            _ => false,
        };
        if (!ours) return null;
        var p = new Parser(sql, Lexer.Tokenize(sql), host);
        return p.Statement();
    }

    private sealed class Parser(string sql, List<Token> tokens, PluginHost host) : TokenCursor(tokens)
    {





        private void End()
        {
            AcceptPunct(";");
            if (Peek.Kind != TokenKind.End) throw Error($"syntax error at or near \"{Show(Peek)}\": expected end of statement", Peek);
        }

        /// <summary>An identifier: unquoted words are lower-cased (as in Postgres), quoted ones kept.</summary>
        private string Name(string what)
        {
            var t = Next();
            return t.Kind switch
            {
                TokenKind.Word => t.Value.ToLowerInvariant(),
                TokenKind.QuotedIdent when t.Value.Length > 0 => t.Value,
                _ => throw Error($"syntax error at or near \"{Show(t)}\": expected a {what} name", t),
            };
        }

        private string Literal(string what)
        {
            var t = Next();
            return t.Kind is TokenKind.String or TokenKind.Dollar ? t.Value
                : throw Error($"syntax error at or near \"{Show(t)}\": expected {what} as a quoted string", t);
        }

        public ExtensionCommand Statement()
        {
            var first = Next();
            switch (first.Upper)
            {
                case "CREATE":
                    bool orReplace = Accept("OR") && Expect2("REPLACE");
                    if (Accept("PLUGIN")) return CreatePlugin(orReplace);
                    Expect("FILTER");
                    return CreateFilter(orReplace);
                case "DROP":
                    bool plugin = Accept("PLUGIN");
                    if (!plugin) Expect("FILTER");
                    bool ifExists = Accept("IF") && Expect2("EXISTS");
                    var dropName = Name(plugin ? "plugin" : "filter");
                    End();
                    return plugin ? new DropPluginCommand(host, dropName, ifExists) : new DropFilterCommand(host, dropName, ifExists);
                case "ALTER":
                    Expect("FILTER");
                    return AlterFilter();
                case "SHOW":
                    if (Accept("PLUGINS")) { End(); return new ShowPluginsCommand(host); }
                    if (Accept("FILTERS")) { End(); return new ShowFiltersCommand(host); }
                    Expect("PLUGIN");
                    Expect("LOG");
                    End();
                    return new ShowPluginLogCommand(host);
                default:
                    Expect("FILTERS");
                    var rest = Peek;
                    if (rest.Kind == TokenKind.End) throw Error("EXPLAIN FILTERS needs a statement after it", rest);
                    return new ExplainFiltersCommand(host, sql[rest.Offset..]);
            }
        }

        private bool Expect2(string keyword)
        {
            Expect(keyword);
            return true;
        }

        private ExtensionCommand CreatePlugin(bool orReplace)
        {
            var name = Name("plugin");
            Expect("USING");
            var how = Next();
            string? base64 = null, file = null;
            int sourcePosition = Peek.Offset + 1;
            if (how.Is("BASE64")) base64 = Literal("the module in base64");
            else if (how.Is("FILE")) file = Literal("a file path");
            else throw Error($"syntax error at or near \"{Show(how)}\": expected BASE64 or FILE", how);
            var config = Accept("WITH") ? Options(null, "WITH") : new Dictionary<string, string>();
            End();
            return new CreatePluginCommand(host, name, orReplace, base64, file, sourcePosition, config);
        }

        private ExtensionCommand CreateFilter(bool orReplace)
        {
            var name = Name("filter");
            var (options, pattern, execute) = FilterClauses();
            End();
            if (execute is null)
                throw Error("CREATE FILTER needs EXECUTE (plugin = name): which plugin the filter runs", Peek);
            return new CreateFilterCommand(host, name, orReplace, options ?? [], pattern ?? [], execute);
        }

        private ExtensionCommand AlterFilter()
        {
            var name = Name("filter");
            var at = Peek;
            if (Accept("RESET"))
            {
                End();
                return new AlterFilterCommand(host, name, null, null, null);
            }
            var (options, pattern, execute) = FilterClauses();
            End();
            if (options is null && pattern is null && execute is null)
                throw Error("ALTER FILTER needs RESET, options (...), WITH_PATTERN (...) or EXECUTE (...)", at);
            return new AlterFilterCommand(host, name, options, pattern, execute);
        }

        private (Dictionary<string, string>?, Dictionary<string, string>?, Dictionary<string, string>?) FilterClauses()
        {
            Dictionary<string, string>? options = null, pattern = null, execute = null;
            if (Peek.IsPunct("(")) options = Options(OptionKeys, "filter options");
            if (Accept("WITH_PATTERN")) pattern = Options(PatternKeys, "WITH_PATTERN");
            if (Accept("EXECUTE")) execute = Options(null, "EXECUTE");
            return (options, pattern, execute);
        }

        /// <summary>( key = value, ... ) with string, number or word values; <paramref name="allowed"/> null = any key.</summary>
        private Dictionary<string, string> Options(string[]? allowed, string clause)
        {
            var open = Next();
            if (!open.IsPunct("(")) throw Error($"syntax error at or near \"{Show(open)}\": expected '(' after {clause}", open);
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            if (AcceptPunct(")")) return map;
            do
            {
                var keyToken = Peek;
                var key = Name("option");
                if (allowed is not null && !allowed.Contains(key))
                    throw Error($"unknown {clause} key \"{key}\"; expected one of: {string.Join(", ", allowed)}", keyToken);
                var eq = Next();
                if (!eq.IsPunct("=")) throw Error($"syntax error at or near \"{Show(eq)}\": expected '=' after {key}", eq);
                var v = Next();
                bool negative = v.IsPunct("-") && Peek.Kind == TokenKind.Number;
                if (negative) v = Next();
                if (v.Kind is not (TokenKind.String or TokenKind.Dollar or TokenKind.Number or TokenKind.Word))
                    throw Error($"syntax error at or near \"{Show(v)}\": expected a value for {key}", v);
                // Unquoted words fold to lower case, like identifiers (EXECUTE (plugin = Audit) names plugin "audit");
                // quote a value to keep its case.
                var value = v.Kind == TokenKind.Word ? v.Value.ToLowerInvariant() : v.Value;
                if (!map.TryAdd(key, negative ? "-" + value : value)) throw Error($"{key} is given twice", keyToken);
            } while (AcceptPunct(","));
            var close = Next();
            if (!close.IsPunct(")")) throw Error($"syntax error at or near \"{Show(close)}\": expected ',' or ')'", close);
            return map;
        }
    }
}
