// The vocabulary of the privilege model (PostgreSQL's, reduced to what a single-schema SQLite database has): roles are
// superusers or ordinary users; ordinary users act on tables they own or were granted, create objects with the
// database-wide CREATE privilege, and use the untrusted languages (rust, c) only when granted USAGE.
namespace Wasql.Database.Security;

/// <summary>What a privilege is granted on.</summary>
public enum SecuredObjectKind
{
    Table,
    Function,
    Language,
    Database,
}

/// <summary>A grantable privilege.</summary>
public enum Privilege
{
    Select,
    Insert,
    Update,
    Delete,
    /// <summary>On the database: create tables, views, indexes, triggers and functions in the trusted language.</summary>
    Create,
    /// <summary>On a language: create functions in it.</summary>
    Usage,
}

/// <summary>Names the privilege model reserves.</summary>
public static class SecurityNames
{
    /// <summary>The grantee that means every role.</summary>
    public const string Public = "public";

    /// <summary>The object name of the database in grants (there is one database per file).</summary>
    public const string Database = "database";

    /// <summary>Table names starting with this are Wasql's catalog: no SQL statement may write them.</summary>
    public const string CatalogPrefix = "wasql_";

    /// <summary>Languages that run code only inside the wasm sandbox; CREATE on the database is enough for them.</summary>
    public static readonly IReadOnlySet<string> TrustedLanguages = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "wasm" };

    public static bool IsCatalogTable(string? table) =>
        table is not null && table.StartsWith(CatalogPrefix, StringComparison.OrdinalIgnoreCase);

    public static string ToSql(Privilege p) => p.ToString().ToUpperInvariant();
}

/// <summary>A role: who a session acts as.</summary>
/// <param name="Name">Lower-case role name.</param>
/// <param name="Superuser">Superusers pass every privilege check (catalog tables stay read-only to them too).</param>
/// <param name="Verifier">The SCRAM-SHA-256 verifier of the role's password, or null when it has none.</param>
public sealed record RoleInfo(string Name, bool Superuser, string? Verifier);

/// <summary>The role a session acts as.</summary>
public sealed record SessionRole(string Name, bool Superuser)
{
    /// <summary>An embedded session (the process owner): a superuser.</summary>
    public static SessionRole Local { get; } = new("local", true);
}
