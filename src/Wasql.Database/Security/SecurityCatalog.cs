// Roles, grants and owners in catalog tables of the database file (wasql_roles, wasql_grants, wasql_owners). Only
// Wasql's own code writes them: the session authorizer keeps every SQL statement from doing so.
using Microsoft.Data.Sqlite;

namespace Wasql.Database.Security;

internal static class SecurityCatalog
{
    public const string RolesTable = "wasql_roles";
    public const string GrantsTable = "wasql_grants";
    public const string OwnersTable = "wasql_owners";
    /// <summary>The server's user table before roles existed; its users become superusers (they had every right).</summary>
    private const string LegacyUsersTable = "wasql_users";

    public static void EnsureSchema(SqliteConnection c)
    {
        Exec(c, $"CREATE TABLE IF NOT EXISTS {RolesTable} (name TEXT PRIMARY KEY, superuser INTEGER NOT NULL DEFAULT 0, verifier TEXT)");
        Exec(c, $"CREATE TABLE IF NOT EXISTS {GrantsTable} (object_kind TEXT NOT NULL, object_name TEXT NOT NULL, grantee TEXT NOT NULL, " +
                "privilege TEXT NOT NULL, PRIMARY KEY (object_kind, object_name, grantee, privilege))");
        Exec(c, $"CREATE TABLE IF NOT EXISTS {OwnersTable} (object_kind TEXT NOT NULL, object_name TEXT NOT NULL, owner TEXT NOT NULL, " +
                "PRIMARY KEY (object_kind, object_name))");
        using var probe = c.CreateCommand();
        probe.CommandText = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $n";
        probe.Parameters.AddWithValue("$n", LegacyUsersTable);
        if (probe.ExecuteScalar() is null) return;
        Exec(c, $"INSERT OR IGNORE INTO {RolesTable}(name, superuser, verifier) SELECT lower(name), 1, verifier FROM {LegacyUsersTable}");
        Exec(c, $"DROP TABLE {LegacyUsersTable}");
    }

    /// <summary>Reads everything; a malformed row is reported in <paramref name="warnings"/> and skipped.</summary>
    public static PrivilegeSnapshot Read(SqliteConnection c, List<string> warnings)
    {
        var roles = new Dictionary<string, RoleInfo>(StringComparer.Ordinal);
        foreach (var row in Rows(c, $"SELECT name, superuser, verifier FROM {RolesTable}"))
        {
            if (row[0] is not string name) { warnings.Add($"{RolesTable}: a role without a name was skipped"); continue; }
            roles[name] = new RoleInfo(name, row[1] is long s && s != 0, row[2] as string);
        }
        var grants = new HashSet<GrantKey>();
        foreach (var row in Rows(c, $"SELECT object_kind, object_name, grantee, privilege FROM {GrantsTable}"))
        {
            if (row[0] is string k && Enum.TryParse<SecuredObjectKind>(k, true, out var kind) && row[1] is string obj &&
                row[2] is string grantee && row[3] is string p && Enum.TryParse<Privilege>(p, true, out var privilege))
                grants.Add(new GrantKey(kind, obj, grantee, privilege));
            else warnings.Add($"{GrantsTable}: malformed grant ({string.Join(", ", row)}) was skipped");
        }
        var owners = new Dictionary<(SecuredObjectKind, string), string>();
        foreach (var row in Rows(c, $"SELECT object_kind, object_name, owner FROM {OwnersTable}"))
        {
            if (row[0] is string k && Enum.TryParse<SecuredObjectKind>(k, true, out var kind) && row[1] is string obj && row[2] is string owner)
                owners[(kind, obj)] = owner;
            else warnings.Add($"{OwnersTable}: malformed owner ({string.Join(", ", row)}) was skipped");
        }
        return new PrivilegeSnapshot(roles, grants, owners);
    }

    public static void UpsertRole(SqliteConnection c, string name, bool? superuser, string? verifier, bool create)
    {
        if (create)
            Exec(c, $"INSERT INTO {RolesTable}(name, superuser, verifier) VALUES ($1, $2, $3)", name, superuser == true ? 1 : 0, verifier);
        else
        {
            if (superuser is bool s) Exec(c, $"UPDATE {RolesTable} SET superuser = $2 WHERE name = $1", name, s ? 1 : 0);
            if (verifier is not null) Exec(c, $"UPDATE {RolesTable} SET verifier = $2 WHERE name = $1", name, verifier);
        }
    }

    public static void DropRole(SqliteConnection c, string name)
    {
        Exec(c, $"DELETE FROM {RolesTable} WHERE name = $1", name);
        Exec(c, $"DELETE FROM {GrantsTable} WHERE grantee = $1", name);
    }

    public static void Grant(SqliteConnection c, GrantKey g) =>
        Exec(c, $"INSERT OR IGNORE INTO {GrantsTable}(object_kind, object_name, grantee, privilege) VALUES ($1, $2, $3, $4)",
            g.Kind.ToString().ToLowerInvariant(), g.Object, g.Grantee, g.Privilege.ToString().ToLowerInvariant());

    public static void Revoke(SqliteConnection c, GrantKey g) =>
        Exec(c, $"DELETE FROM {GrantsTable} WHERE object_kind = $1 AND object_name = $2 AND grantee = $3 AND privilege = $4",
            g.Kind.ToString().ToLowerInvariant(), g.Object, g.Grantee, g.Privilege.ToString().ToLowerInvariant());

    public static void SetOwner(SqliteConnection c, SecuredObjectKind kind, string obj, string owner) =>
        Exec(c, $"INSERT OR REPLACE INTO {OwnersTable}(object_kind, object_name, owner) VALUES ($1, $2, $3)",
            kind.ToString().ToLowerInvariant(), obj, owner);

    /// <summary>Forgets an object's owner and grants (after it was dropped).</summary>
    public static void Forget(SqliteConnection c, SecuredObjectKind kind, string obj)
    {
        string k = kind.ToString().ToLowerInvariant();
        Exec(c, $"DELETE FROM {OwnersTable} WHERE object_kind = $1 AND object_name = $2", k, obj);
        Exec(c, $"DELETE FROM {GrantsTable} WHERE object_kind = $1 AND object_name = $2", k, obj);
    }

    /// <summary>Moves an object's owner and grants to a new name (after ALTER TABLE ... RENAME TO).</summary>
    public static void Rename(SqliteConnection c, SecuredObjectKind kind, string from, string to)
    {
        string k = kind.ToString().ToLowerInvariant();
        Exec(c, $"UPDATE OR REPLACE {OwnersTable} SET object_name = $3 WHERE object_kind = $1 AND object_name = $2", k, from, to);
        Exec(c, $"UPDATE OR REPLACE {GrantsTable} SET object_name = $3 WHERE object_kind = $1 AND object_name = $2", k, from, to);
    }

    private static void Exec(SqliteConnection c, string sql, params object?[] args)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        for (int i = 0; i < args.Length; i++) cmd.Parameters.AddWithValue("$" + (i + 1), args[i] ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private static List<object?[]> Rows(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
