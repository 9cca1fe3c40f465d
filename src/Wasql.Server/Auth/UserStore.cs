// The server's view of the database's roles for authentication: SCRAM verifiers by name, and the superusers named by
// `wasql serve --user NAME=PASSWORD`. Roles themselves live in the database layer (wasql_roles, CREATE USER, GRANT).
using Wasql.Server.Sessions;
using Wasql.Database;

namespace Wasql.Server.Auth;

public sealed class UserStore(WasqlDatabase database)
{
    /// <summary>The database's role table (name, superuser, verifier).</summary>
    public const string Table = "wasql_roles";

    private T With<T>(Func<WasqlConnection, T> f)
    {
        using var s = DatabaseSessions.Open(database); // an internal session: a local superuser that query plugins do not see
        return f(s);
    }

    /// <summary>Creates or updates a superuser with this password.</summary>
    public void SetPassword(string user, string password) => With(s =>
    {
        string name = Quote(user), literal = password.Replace("'", "''");
        s.Execute($"CREATE USER IF NOT EXISTS {name} SUPERUSER");
        return s.Execute($"ALTER USER {name} WITH SUPERUSER PASSWORD '{literal}'");
    });

    public bool Exists(string user) => With(s => s.Execute($"SELECT 1 FROM {Table} WHERE name = $1", [user.ToLowerInvariant()]).Rows.Count > 0);

    public string? GetVerifier(string user) => With(s =>
        s.Execute($"SELECT verifier FROM {Table} WHERE name = $1", [user.ToLowerInvariant()]).Rows is [var row, ..] ? row[0] as string : null);

    private static string Quote(string name) => "\"" + name.ToLowerInvariant().Replace("\"", "\"\"") + "\"";
}
