// The statement kinds a filter's WITH_PATTERN (kinds = ...) may name: what StatementContext.Kind can be (see
// CommandTags.Verb). A kind names a whole verb ("select", "create") or a verb and its object ("create table").
namespace Wasql.Database.Extensions;

public static class StatementKinds
{
    /// <summary>Verbs standing alone.</summary>
    public static IReadOnlyList<string> Verbs { get; } =
    [
        "SELECT", "INSERT", "UPDATE", "DELETE", "PRAGMA", "VACUUM", "ANALYZE", "ATTACH", "DETACH", "REINDEX",
        "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK", "CREATE", "DROP", "ALTER", "SHOW",
    ];

    /// <summary>Verbs that take an object (CREATE TABLE, DROP VIEW...).</summary>
    public static IReadOnlyList<string> DdlVerbs { get; } = ["CREATE", "DROP", "ALTER"];

    /// <summary>The objects DDL verbs take.</summary>
    public static IReadOnlyList<string> Objects { get; } = ["TABLE", "VIEW", "INDEX", "TRIGGER", "FUNCTION"];

    /// <summary>True when <paramref name="kind"/> (normalised: upper case, single spaces) is a kind statements can have.</summary>
    public static bool IsKnown(string kind)
    {
        var parts = kind.Split(' ');
        return parts.Length switch
        {
            1 => Verbs.Contains(parts[0]),
            2 => DdlVerbs.Contains(parts[0]) && Objects.Contains(parts[1]),
            _ => false,
        };
    }

    /// <summary>The valid kinds, for error messages.</summary>
    public static string Describe() =>
        string.Join(", ", Verbs.Select(v => v.ToLowerInvariant())) + "; or create/drop/alter followed by " +
        string.Join(", ", Objects.Select(o => o.ToLowerInvariant()));
}
