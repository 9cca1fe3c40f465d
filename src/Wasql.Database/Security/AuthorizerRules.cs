// What SQLite may do on behalf of a role, decided action by action from SQLite's authorizer callback. Pure functions of
// (action, role, privileges): no I/O, no state, so each rule can be read and tested on its own.
//
// Invariants:
//  - Catalog tables (wasql_*) are never written, dropped, altered, indexed or triggered by a SQL statement, whoever
//    runs it; the role verifiers in wasql_roles are readable by superusers only. Wasql's DDL writes the catalog
//    outside statement checking (SessionAuthorizer.Checking is off then).
//  - An ordinary user reaches a table only through a privilege it holds on that table (as owner, by grant, or through
//    PUBLIC), also when the access comes from inside a view or trigger (the invoker needs the rights, as in PostgreSQL
//    without SECURITY DEFINER); its own temporary objects are its own.
//  - Host files are reached by superusers only (ATTACH, file-touching PRAGMAs), and by nobody through load_extension.
namespace Wasql.Database.Security;

/// <summary>SQLite's authorizer action codes (sqlite3.h).</summary>
internal enum AuthorizerAction
{
    CreateIndex = 1, CreateTable = 2, CreateTempIndex = 3, CreateTempTable = 4, CreateTempTrigger = 5, CreateTempView = 6,
    CreateTrigger = 7, CreateView = 8, Delete = 9, DropIndex = 10, DropTable = 11, DropTempIndex = 12, DropTempTable = 13,
    DropTempTrigger = 14, DropTempView = 15, DropTrigger = 16, DropView = 17, Insert = 18, Pragma = 19, Read = 20,
    Select = 21, Transaction = 22, Update = 23, Attach = 24, Detach = 25, AlterTable = 26, Reindex = 27, Analyze = 28,
    CreateVtable = 29, DropVtable = 30, Function = 31, Savepoint = 32, Recursive = 33,
}

/// <summary>One authorizer call: the action and SQLite's four strings (see sqlite3_set_authorizer).</summary>
internal readonly record struct AccessRequest(AuthorizerAction Action, string? Arg1, string? Arg2, string? Database, string? Inner)
{
    public bool InTempSchema => string.Equals(Database, "temp", StringComparison.OrdinalIgnoreCase);
}

internal static class AuthorizerRules
{
    private const string TempSchema = "temp";

    /// <summary>PRAGMAs an ordinary user may run: reading the schema, and settings that affect only its own session.</summary>
    public static readonly IReadOnlySet<string> UserPragmas = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        "foreign_key_check", "function_list", "collation_list", "pragma_list", "module_list", "compile_options",
        "encoding", "data_version", "schema_version", "user_version", "foreign_keys", "case_sensitive_like",
        "recursive_triggers", "query_only", "busy_timeout", "cache_size", "defer_foreign_keys", "integrity_check",
        "quick_check",
    };

    /// <summary>PRAGMAs that only read when given no argument (with one they change the database file).</summary>
    private static readonly IReadOnlySet<string> ReadOnlyUnlessAssigned = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "user_version", "schema_version", "encoding",
    };

    /// <summary>Eponymous virtual tables any role may read (besides the pragma_* tables of allowed pragmas and the
    /// database's table functions); sqlite_dbpage and dbstat read raw pages and stay with superusers.</summary>
    private static readonly IReadOnlySet<string> PublicVirtualTables = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "json_each", "json_tree", "sqlite_schema", "sqlite_master", "sqlite_temp_schema", "sqlite_temp_master",
    };

    /// <summary>Catalog tables whose rows describe superuser-only objects (plugins, filters): hidden from ordinary users.</summary>
    private static readonly IReadOnlySet<string> SuperuserCatalogTables = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "wasql_plugins", "wasql_filters",
    };

    /// <summary>Null when the access is allowed, else why not (the text of the 42501 error).</summary>
    public static string? Check(in AccessRequest r, SessionRole role, PrivilegeSnapshot privileges, Func<string, bool> isTableFunction)
    {
        if (CatalogRule(r) is { } catalog) return catalog;
        if (role.Superuser) return null;
        return r.Action switch
        {
            AuthorizerAction.Read => ReadRule(r, role, privileges, isTableFunction),
            AuthorizerAction.Insert => TableRule(r, role, privileges, Privilege.Insert),
            AuthorizerAction.Update => TableRule(r, role, privileges, Privilege.Update),
            AuthorizerAction.Delete => TableRule(r, role, privileges, Privilege.Delete),
            AuthorizerAction.CreateTable or AuthorizerAction.CreateView or AuthorizerAction.CreateVtable =>
                privileges.Holds(role, SecuredObjectKind.Database, SecurityNames.Database, Privilege.Create) ? null
                    : $"permission denied to create \"{r.Arg1}\": CREATE on the database is needed",
            AuthorizerAction.CreateTempTable or AuthorizerAction.CreateTempView or AuthorizerAction.CreateTempIndex
                or AuthorizerAction.DropTempTable or AuthorizerAction.DropTempView or AuthorizerAction.DropTempIndex
                or AuthorizerAction.DropTempTrigger => null,
            AuthorizerAction.CreateIndex or AuthorizerAction.CreateTrigger or AuthorizerAction.CreateTempTrigger
                or AuthorizerAction.DropIndex or AuthorizerAction.DropTrigger => OwnerRule(r.Arg2, role, privileges),
            AuthorizerAction.DropTable or AuthorizerAction.DropView or AuthorizerAction.DropVtable => OwnerRule(r.Arg1, role, privileges),
            AuthorizerAction.AlterTable => OwnerRule(r.Arg2, role, privileges),
            AuthorizerAction.Pragma => PragmaRule(r),
            AuthorizerAction.Attach or AuthorizerAction.Detach => "permission denied: only superusers may ATTACH or DETACH databases",
            AuthorizerAction.Select or AuthorizerAction.Transaction or AuthorizerAction.Savepoint or AuthorizerAction.Recursive
                or AuthorizerAction.Function or AuthorizerAction.Analyze or AuthorizerAction.Reindex => null,
            _ => $"permission denied: operation {r.Action} is reserved to superusers",
        };
    }

    /// <summary>Rules that hold for every role, superusers included.</summary>
    public static string? CatalogRule(in AccessRequest r)
    {
        switch (r.Action)
        {
            case AuthorizerAction.Insert or AuthorizerAction.Update or AuthorizerAction.Delete or AuthorizerAction.DropTable
                when SecurityNames.IsCatalogTable(r.Arg1):
                return $"permission denied for table {r.Arg1}: Wasql's catalog changes only through its DDL (CREATE/DROP FUNCTION, PLUGIN, FILTER, USER, GRANT)";
            case AuthorizerAction.AlterTable or AuthorizerAction.CreateIndex or AuthorizerAction.CreateTrigger
                or AuthorizerAction.CreateTempTrigger or AuthorizerAction.DropIndex or AuthorizerAction.DropTrigger
                when SecurityNames.IsCatalogTable(r.Arg2):
                return $"permission denied for table {r.Arg2}: Wasql's catalog tables cannot be altered, indexed or given triggers";
            case AuthorizerAction.CreateTable or AuthorizerAction.CreateView or AuthorizerAction.CreateVtable
                or AuthorizerAction.CreateTempTable or AuthorizerAction.CreateTempView when SecurityNames.IsCatalogTable(r.Arg1):
                return $"permission denied to create \"{r.Arg1}\": names starting with {SecurityNames.CatalogPrefix} are reserved for Wasql's catalog";
            case AuthorizerAction.Pragma when string.Equals(r.Arg1, "writable_schema", StringComparison.OrdinalIgnoreCase):
                return "permission denied: PRAGMA writable_schema would let SQL rewrite the schema and the catalog";
            case AuthorizerAction.Function when string.Equals(r.Arg2, "load_extension", StringComparison.OrdinalIgnoreCase):
                return "permission denied: load_extension() would load native code into the server";
        }
        return null;
    }

    private static string? ReadRule(in AccessRequest r, SessionRole role, PrivilegeSnapshot privileges, Func<string, bool> isTableFunction)
    {
        string table = r.Arg1 ?? "";
        if (r.InTempSchema || table.Length == 0) return null;
        if (string.Equals(table, SecurityCatalog.RolesTable, StringComparison.OrdinalIgnoreCase))
            return string.Equals(r.Arg2, "verifier", StringComparison.OrdinalIgnoreCase)
                ? $"permission denied for column verifier of {SecurityCatalog.RolesTable}: password verifiers are for superusers" : null;
        if (SuperuserCatalogTables.Contains(table)) return $"permission denied for table {table}: plugins and filters are for superusers";
        if (SecurityNames.IsCatalogTable(table) || PublicVirtualTables.Contains(table) || isTableFunction(table)) return null;
        if (table.StartsWith("pragma_", StringComparison.OrdinalIgnoreCase) && UserPragmas.Contains(table["pragma_".Length..])) return null;
        if (table.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase) && !table.Equals("sqlite_dbpage", StringComparison.OrdinalIgnoreCase)
            && !table.Equals("sqlite_stmt", StringComparison.OrdinalIgnoreCase)) return null;
        return privileges.Holds(role, SecuredObjectKind.Table, table.ToLowerInvariant(), Privilege.Select) ? null
            : $"permission denied for table {table}{Via(r)}: SELECT is needed";
    }

    private static string? TableRule(in AccessRequest r, SessionRole role, PrivilegeSnapshot privileges, Privilege needed)
    {
        string table = r.Arg1 ?? "";
        if (r.InTempSchema) return null;
        // DDL reports its own writes to the schema table (SQLite refuses direct ones without writable_schema, which
        // nobody gets) and to sqlite_sequence; raw page access is another matter.
        if (table.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
            return table.Equals("sqlite_dbpage", StringComparison.OrdinalIgnoreCase)
                ? $"permission denied for table {table}: raw pages are for superusers" : null;
        return privileges.Holds(role, SecuredObjectKind.Table, table.ToLowerInvariant(), needed) ? null
            : $"permission denied for table {table}{Via(r)}: {SecurityNames.ToSql(needed)} is needed";
    }

    private static string? OwnerRule(string? table, SessionRole role, PrivilegeSnapshot privileges)
    {
        if (table is null) return null;
        return privileges.OwnerOf(SecuredObjectKind.Table, table.ToLowerInvariant()) == role.Name ? null
            : $"must be owner of table {table}";
    }

    private static string? PragmaRule(in AccessRequest r)
    {
        string name = r.Arg1 ?? "";
        if (!UserPragmas.Contains(name)) return $"permission denied: PRAGMA {name} is reserved to superusers";
        if (r.Arg2 is not null && ReadOnlyUnlessAssigned.Contains(name)) return $"permission denied: setting PRAGMA {name} is reserved to superusers";
        return null;
    }

    private static string Via(in AccessRequest r) =>
        r.Inner is { Length: > 0 } inner ? $" (used by view or trigger {inner})" : "";
}
