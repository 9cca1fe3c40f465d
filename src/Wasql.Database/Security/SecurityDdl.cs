// Runs the privilege statements (roles, GRANT/REVOKE, SHOW GRANTS/USERS) and keeps owners in step with the statements
// that create, drop and rename tables and functions. Every change is written to the catalog outside statement
// checking and followed by a reload of the database's privilege snapshot.
using Microsoft.Data.Sqlite;
using Wasql.Database.Sql;

namespace Wasql.Database.Security;

internal static class SecurityDdl
{
    public static readonly IReadOnlyList<ColumnInfo> GrantColumns =
        [new("object_kind", "text"), new("object_name", "text"), new("grantee", "text"), new("privilege", "text"), new("owner", "text")];

    public static readonly IReadOnlyList<ColumnInfo> UserColumns = [new("name", "text"), new("superuser", "bool"), new("password", "bool")];

    public static QueryResult Execute(WasqlConnection connection, SecurityCommand command)
    {
        if (command is not (ShowGrantsCommand or ShowUsersCommand) && connection.InTransaction)
            throw new WasqlException(SqlStates.ActiveSqlTransaction, $"{command.Verb} cannot run inside a transaction block");
        var result = command switch
        {
            CreateRoleCommand c => CreateRole(connection, c),
            AlterRoleCommand a => AlterRole(connection, a),
            DropRoleCommand d => DropRoles(connection, d),
            GrantCommand g => Grant(connection, g),
            ShowGrantsCommand => ShowGrants(connection),
            ShowUsersCommand => ShowUsers(connection),
            _ => throw new WasqlException(SqlStates.FeatureNotSupported, "unsupported statement"),
        };
        return result;
    }

    private static PrivilegeSnapshot Snapshot(WasqlConnection c) => c.Database.SecurityState.Snapshot;

    private static void Changed(WasqlConnection c)
    {
        c.Database.SecurityState.Reload(c.SqliteConnection);
        c.RefreshRole();
    }

    private static void RequireSuperuser(WasqlConnection c, string what)
    {
        if (!c.Role.Superuser) throw new WasqlException(SqlStates.InsufficientPrivilege, $"permission denied: only superusers may {what}");
    }

    private static QueryResult Tag(string tag) => new([], [], 0, tag);

    private static QueryResult CreateRole(WasqlConnection c, CreateRoleCommand cmd)
    {
        RequireSuperuser(c, "create roles");
        if (Snapshot(c).Roles.ContainsKey(cmd.Name))
        {
            if (cmd.IfNotExists) return Tag("CREATE ROLE");
            throw new WasqlException(SqlStates.DuplicateObject, $"role \"{cmd.Name}\" already exists");
        }
        if (cmd.Name == SecurityNames.Public) throw new WasqlException(SqlStates.ReservedName, "role name \"public\" is reserved");
        var verifier = cmd.Options.Password is { } pw ? PasswordVerifier.Create(pw) : null;
        SecurityCatalog.UpsertRole(c.SqliteConnection, cmd.Name, cmd.Options.Superuser ?? false, verifier, create: true);
        Changed(c);
        return Tag("CREATE ROLE");
    }

    private static QueryResult AlterRole(WasqlConnection c, AlterRoleCommand cmd)
    {
        // Any role may change its own password (as in PostgreSQL); everything else is for superusers.
        bool ownPasswordOnly = cmd.Name == c.Role.Name && cmd.Options.Superuser is null;
        if (!ownPasswordOnly) RequireSuperuser(c, "alter other roles or superuser status");
        if (!Snapshot(c).Roles.ContainsKey(cmd.Name)) throw new WasqlException(SqlStates.UndefinedObject, $"role \"{cmd.Name}\" does not exist");
        var verifier = cmd.Options.Password is { } pw ? PasswordVerifier.Create(pw) : null;
        SecurityCatalog.UpsertRole(c.SqliteConnection, cmd.Name, cmd.Options.Superuser, verifier, create: false);
        if (cmd.Options.ClearPassword) ClearPassword(c.SqliteConnection, cmd.Name);
        Changed(c);
        return Tag("ALTER ROLE");
    }

    private static void ClearPassword(SqliteConnection c, string name)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"UPDATE {SecurityCatalog.RolesTable} SET verifier = NULL WHERE name = $1";
        cmd.Parameters.AddWithValue("$1", name);
        cmd.ExecuteNonQuery();
    }

    private static QueryResult DropRoles(WasqlConnection c, DropRoleCommand cmd)
    {
        RequireSuperuser(c, "drop roles");
        var snapshot = Snapshot(c);
        foreach (var name in cmd.Names)
        {
            if (!snapshot.Roles.ContainsKey(name))
            {
                if (cmd.IfExists) continue;
                throw new WasqlException(SqlStates.UndefinedObject, $"role \"{name}\" does not exist");
            }
            if (name == c.Role.Name) throw new WasqlException(SqlStates.ObjectInUse, "current user cannot be dropped");
            var owned = snapshot.Owners.Where(o => o.Value == name).Select(o => $"{o.Key.Item1.ToString().ToLowerInvariant()} {o.Key.Item2}").ToList();
            if (owned.Count > 0)
                throw new WasqlException(SqlStates.DependentObjectsStillExist, $"role \"{name}\" cannot be dropped because it owns objects")
                    { Detail = "owner of " + string.Join(", ", owned), Hint = "Drop those objects first." };
            SecurityCatalog.DropRole(c.SqliteConnection, name);
        }
        Changed(c);
        return Tag("DROP ROLE");
    }

    private static QueryResult Grant(WasqlConnection c, GrantCommand g)
    {
        var snapshot = Snapshot(c);
        foreach (var grantee in g.Grantees)
            if (grantee != SecurityNames.Public && !snapshot.Roles.ContainsKey(grantee))
                throw new WasqlException(SqlStates.UndefinedObject, $"role \"{grantee}\" does not exist");
        foreach (var obj in g.Objects)
        {
            switch (g.Kind)
            {
                case SecuredObjectKind.Table:
                    if (!TableExists(c.SqliteConnection, obj))
                        throw new WasqlException(SqlStates.UndefinedTable, $"relation \"{obj}\" does not exist", g.ObjectPosition);
                    if (SecurityNames.IsCatalogTable(obj))
                        throw new WasqlException(SqlStates.InsufficientPrivilege, $"permission denied for table {obj}: catalog tables cannot be granted");
                    if (!c.Role.Superuser && snapshot.OwnerOf(SecuredObjectKind.Table, obj) != c.Role.Name)
                        throw new WasqlException(SqlStates.InsufficientPrivilege, $"must be owner of table {obj}");
                    break;
                case SecuredObjectKind.Language:
                    RequireSuperuser(c, "grant languages");
                    if (obj is not ("wasm" or "rust" or "c"))
                        throw new WasqlException(SqlStates.UndefinedObject, $"language \"{obj}\" does not exist (wasm, rust, c)", g.ObjectPosition);
                    break;
                default:
                    RequireSuperuser(c, "grant CREATE on the database");
                    break;
            }
            foreach (var grantee in g.Grantees)
                foreach (var p in g.Privileges)
                {
                    var key = new GrantKey(g.Kind, obj, grantee, p);
                    if (g.Revoke) SecurityCatalog.Revoke(c.SqliteConnection, key);
                    else SecurityCatalog.Grant(c.SqliteConnection, key);
                }
        }
        Changed(c);
        return Tag(g.Verb);
    }

    private static bool TableExists(SqliteConnection c, string name)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND lower(name) = $1";
        cmd.Parameters.AddWithValue("$1", name);
        return cmd.ExecuteScalar() is not null;
    }

    private static QueryResult ShowGrants(WasqlConnection c)
    {
        var snapshot = Snapshot(c);
        var rows = new List<object?[]>();
        foreach (var g in snapshot.Grants.OrderBy(g => g.Kind).ThenBy(g => g.Object, StringComparer.Ordinal)
                     .ThenBy(g => g.Grantee, StringComparer.Ordinal).ThenBy(g => g.Privilege))
            rows.Add([Lower(g.Kind), g.Object, g.Grantee, SecurityNames.ToSql(g.Privilege), snapshot.OwnerOf(g.Kind, g.Object)]);
        foreach (var ((kind, obj), owner) in snapshot.Owners.OrderBy(o => o.Key.Item1).ThenBy(o => o.Key.Item2, StringComparer.Ordinal))
            rows.Add([Lower(kind), obj, owner, "OWNER", owner]);
        return new QueryResult(GrantColumns, rows, 0, $"SHOW {rows.Count}");
    }

    private static QueryResult ShowUsers(WasqlConnection c)
    {
        var rows = Snapshot(c).Roles.Values.OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new object?[] { r.Name, r.Superuser, r.Verifier is not null }).ToList();
        return new QueryResult(UserColumns, rows, 0, $"SHOW {rows.Count}");
    }

    private static string Lower(SecuredObjectKind k) => k.ToString().ToLowerInvariant();

    /// <summary>Records who owns what a successful statement created, and forgets what it dropped or moves what it
    /// renamed. Only ordinary users' objects get an owner: superusers hold every privilege anyway.</summary>
    public static void ApplyOwnership(WasqlConnection c, IReadOnlyList<OwnershipChange> changes)
    {
        if (changes.Count == 0) return;
        var snapshot = Snapshot(c);
        bool changed = false;
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case OwnershipChangeKind.Created when !c.Role.Superuser:
                    SecurityCatalog.SetOwner(c.SqliteConnection, SecuredObjectKind.Table, change.Name, c.Role.Name);
                    changed = true;
                    break;
                case OwnershipChangeKind.Dropped when snapshot.OwnerOf(SecuredObjectKind.Table, change.Name) is not null
                                                       || snapshot.Grants.Any(g => g.Kind == SecuredObjectKind.Table && g.Object == change.Name):
                    SecurityCatalog.Forget(c.SqliteConnection, SecuredObjectKind.Table, change.Name);
                    changed = true;
                    break;
                case OwnershipChangeKind.Renamed when change.NewName is { } to:
                    SecurityCatalog.Rename(c.SqliteConnection, SecuredObjectKind.Table, change.Name, to);
                    changed = true;
                    break;
            }
        }
        if (changed) Changed(c);
    }

    /// <summary>After CREATE FUNCTION by an ordinary user: it owns the function (all overloads of the name). After DROP
    /// FUNCTION: the owner is forgotten once no overload is left.</summary>
    public static void AfterFunctionCommand(WasqlConnection c, WasqlCommand command)
    {
        switch (command)
        {
            case CreateFunctionCommand create when !c.Role.Superuser:
                SecurityCatalog.SetOwner(c.SqliteConnection, SecuredObjectKind.Function, create.Name, c.Role.Name);
                Changed(c);
                break;
            case DropFunctionCommand drop when !c.Database.Registry.Functions.Any(f => f.Name == drop.Name)
                                               && Snapshot(c).OwnerOf(SecuredObjectKind.Function, drop.Name) is not null:
                SecurityCatalog.Forget(c.SqliteConnection, SecuredObjectKind.Function, drop.Name);
                Changed(c);
                break;
        }
    }
}
