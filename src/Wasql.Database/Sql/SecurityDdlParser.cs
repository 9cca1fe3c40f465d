// Parses the privilege statements (PostgreSQL's syntax): CREATE/ALTER/DROP USER|ROLE, GRANT and REVOKE on tables, on
// the database (CREATE) and on languages (USAGE), SHOW GRANTS and SHOW USERS. Errors carry 1-based positions.
using Wasql.Database.Security;

namespace Wasql.Database.Sql;

/// <summary>A privilege statement (run by <see cref="SecurityDdl"/>).</summary>
internal abstract record SecurityCommand(string Verb) : WasqlCommand(Verb);

/// <summary>Role options: null means "not given".</summary>
internal sealed record RoleOptions(bool? Superuser, string? Password, bool ClearPassword);

internal sealed record CreateRoleCommand(string Name, RoleOptions Options, bool IfNotExists) : SecurityCommand("CREATE ROLE");
internal sealed record AlterRoleCommand(string Name, RoleOptions Options) : SecurityCommand("ALTER ROLE");
internal sealed record DropRoleCommand(IReadOnlyList<string> Names, bool IfExists) : SecurityCommand("DROP ROLE");
internal sealed record GrantCommand(bool Revoke, IReadOnlyList<Privilege> Privileges, SecuredObjectKind Kind,
    IReadOnlyList<string> Objects, IReadOnlyList<string> Grantees, int ObjectPosition) : SecurityCommand(Revoke ? "REVOKE" : "GRANT");
internal sealed record ShowGrantsCommand() : SecurityCommand("SHOW");
internal sealed record ShowUsersCommand() : SecurityCommand("SHOW");

internal static class SecurityDdlParser
{
    private static readonly Privilege[] TablePrivileges = [Privilege.Select, Privilege.Insert, Privilege.Update, Privilege.Delete];

    /// <summary>The command for one statement, or null when it is not a privilege statement.</summary>
    public static SecurityCommand? TryParse(string sql)
    {
        var words = Lexer.LeadingWords(sql, 0, 2);
        if (words.Count == 0) return null;
        bool role = words.Count == 2 && words[1] is "USER" or "ROLE";
        var p = new Parser(Lexer.Tokenize(sql));
        return words[0] switch
        {
            "CREATE" when role => p.CreateRole(),
            "ALTER" when role => p.AlterRole(),
            "DROP" when role => p.DropRole(),
            "GRANT" => p.Grant(revoke: false),
            "REVOKE" => p.Grant(revoke: true),
            "SHOW" when words.Count == 2 && words[1] == "GRANTS" => p.End(new ShowGrantsCommand(), 2),
            "SHOW" when words.Count == 2 && words[1] is "USERS" or "ROLES" => p.End(new ShowUsersCommand(), 2),
            _ => null,
        };
    }

    /// <summary>The rename an <c>ALTER TABLE old RENAME TO new</c> makes (ownership follows the table), if it is one.</summary>
    public static IEnumerable<OwnershipChange> RenamedTable(string sql)
    {
        var words = Lexer.LeadingWords(sql, 0, 2);
        if (words is not ["ALTER", "TABLE"]) yield break;
        var t = Lexer.Tokenize(sql);
        // ALTER TABLE [schema.]old RENAME TO new
        int i = 2;
        string? old = Ident(t, ref i);
        if (old is null || !t[i].Is("RENAME") || !t[i + 1].Is("TO")) yield break;
        i += 2;
        if (Ident(t, ref i) is { } renamed) yield return new OwnershipChange(OwnershipChangeKind.Renamed, old, renamed);

        static string? Ident(List<Token> t, ref int i)
        {
            if (t[i].Kind is not (TokenKind.Word or TokenKind.QuotedIdent)) return null;
            string name = t[i++].Value;
            if (t[i].IsPunct(".") && t[i + 1].Kind is TokenKind.Word or TokenKind.QuotedIdent) { name = t[i + 1].Value; i += 2; }
            return name.ToLowerInvariant();
        }
    }

    private sealed class Parser(List<Token> tokens) : TokenCursor(tokens)
    {




        public T End<T>(T command, int skip = 0) where T : SecurityCommand
        {
            _i += skip;
            while (Peek.IsPunct(";")) _i++;
            if (Peek.Kind != TokenKind.End) throw Error($"syntax error at or near \"{Show(Peek)}\"", Peek);
            return command;
        }

        private string Name(string what)
        {
            var t = Next();
            if (t.Kind == TokenKind.QuotedIdent) return t.Value.ToLowerInvariant();
            if (t.Kind != TokenKind.Word) throw Error($"syntax error at or near \"{Show(t)}\": expected {what}", t);
            return t.Value.ToLowerInvariant();
        }

        private List<string> Names(string what)
        {
            var names = new List<string> { Name(what) };
            while (Peek.IsPunct(",")) { _i++; names.Add(Name(what)); }
            return names;
        }

        private RoleOptions Options()
        {
            bool? superuser = null;
            string? password = null;
            bool clear = false;
            Accept("WITH");
            while (Peek.Kind == TokenKind.Word)
            {
                var t = Next();
                switch (t.Upper)
                {
                    case "SUPERUSER": superuser = true; break;
                    case "NOSUPERUSER": superuser = false; break;
                    // Accepted for compatibility with PostgreSQL tools; every role may log in and there is one database.
                    case "LOGIN" or "NOLOGIN" or "INHERIT" or "NOINHERIT" or "CREATEDB" or "NOCREATEDB" or "CREATEROLE" or "NOCREATEROLE":
                        break;
                    case "PASSWORD":
                        var v = Next();
                        if (v.Is("NULL")) clear = true;
                        else if (v.Kind == TokenKind.String) password = v.Value;
                        else throw Error($"syntax error at or near \"{Show(v)}\": expected a password string or NULL", v);
                        break;
                    default:
                        throw Error($"unrecognized role option \"{t.Value}\" (supported: SUPERUSER, NOSUPERUSER, PASSWORD)", t);
                }
            }
            return new RoleOptions(superuser, password, clear);
        }

        public SecurityCommand CreateRole()
        {
            _i += 2;
            bool ifNotExists = false;
            if (Peek.Is("IF")) { _i++; Expect("NOT"); Expect("EXISTS"); ifNotExists = true; }
            var name = Name("a role name");
            return End(new CreateRoleCommand(name, Options(), ifNotExists));
        }

        public SecurityCommand AlterRole()
        {
            _i += 2;
            var name = Name("a role name");
            return End(new AlterRoleCommand(name, Options()));
        }

        public SecurityCommand DropRole()
        {
            _i += 2;
            bool ifExists = false;
            if (Peek.Is("IF")) { _i++; Expect("EXISTS"); ifExists = true; }
            return End(new DropRoleCommand(Names("a role name"), ifExists));
        }

        public SecurityCommand Grant(bool revoke)
        {
            _i++;
            var privileges = new List<Privilege>();
            if (Accept("ALL")) { Accept("PRIVILEGES"); privileges.AddRange(TablePrivileges); }
            else
            {
                do
                {
                    var t = Next();
                    if (t.Kind != TokenKind.Word || !Enum.TryParse<Privilege>(t.Value, true, out var p) || !Enum.IsDefined(p))
                        throw Error($"unrecognized privilege \"{Show(t)}\" (supported: SELECT, INSERT, UPDATE, DELETE, ALL, CREATE, USAGE)", t);
                    privileges.Add(p);
                } while (Peek.IsPunct(",") && Next().IsPunct(","));
            }
            Expect("ON");
            var kind = SecuredObjectKind.Table;
            if (Accept("LANGUAGE")) kind = SecuredObjectKind.Language;
            else if (Accept("DATABASE") || Accept("SCHEMA")) kind = SecuredObjectKind.Database;
            else Accept("TABLE");
            int objectPosition = Peek.Offset + 1;
            var objects = Names(kind == SecuredObjectKind.Table ? "a table name" : kind == SecuredObjectKind.Language ? "a language" : "a database name");
            var allowed = kind switch
            {
                SecuredObjectKind.Table => TablePrivileges,
                SecuredObjectKind.Language => [Privilege.Usage],
                _ => [Privilege.Create],
            };
            foreach (var p in privileges)
                if (!allowed.Contains(p))
                    throw new WasqlException(SqlStates.InvalidGrantOperation, $"privilege {SecurityNames.ToSql(p)} is not valid on a {kind.ToString().ToLowerInvariant()}", objectPosition);
            var t2 = Next();
            if (!t2.Is(revoke ? "FROM" : "TO")) throw Error($"syntax error at or near \"{Show(t2)}\": expected {(revoke ? "FROM" : "TO")}", t2);
            var grantees = Names("a role name or PUBLIC");
            if (Peek.Is("WITH")) throw new WasqlException(SqlStates.FeatureNotSupported, "WITH GRANT OPTION is not supported", Peek.Offset + 1);
            if (kind == SecuredObjectKind.Database) objects = [SecurityNames.Database];
            return End(new GrantCommand(revoke, privileges, kind, objects, grantees, objectPosition));
        }
    }
}
