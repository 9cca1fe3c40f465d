// Users for SCRAM authentication, kept in the database file in the catalog table wasql_users
// (name, SCRAM verifier). Written by `wasql serve --user NAME=PASSWORD` and by CREATE/ALTER/DROP USER.
using Wasql.Server.Backend;

namespace Wasql.Server.Auth;

public sealed class UserStore(ISqlBackend backend)
{
    public const string Table = "wasql_users";
    private readonly object _lock = new();
    private bool _created;

    private T With<T>(Func<ISqlSession, T> f)
    {
        lock (_lock)
        {
            using var s = backend.Connect();
            if (!_created)
            {
                s.Execute($"CREATE TABLE IF NOT EXISTS {Table} (name TEXT PRIMARY KEY, verifier TEXT NOT NULL)");
                _created = true;
            }
            return f(s);
        }
    }

    public void SetPassword(string user, string password) => With(s =>
        s.Execute($"INSERT INTO {Table}(name, verifier) VALUES ($1, $2) ON CONFLICT(name) DO UPDATE SET verifier = excluded.verifier",
            [user, Scram.CreateVerifier(password)]));

    public bool Drop(string user) => With(s => s.Execute($"DELETE FROM {Table} WHERE name = $1", [user]).RecordsAffected > 0);

    public bool Exists(string user) => GetVerifier(user) is not null;

    public string? GetVerifier(string user) => With(s =>
        s.Execute($"SELECT verifier FROM {Table} WHERE name = $1", [user]).Rows is [var row, ..] ? row[0] as string : null);
}
