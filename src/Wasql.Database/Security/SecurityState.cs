// The database-wide privilege state: the current snapshot of roles, grants and owners, reloaded from the catalog
// after every change Wasql makes to it.
using Microsoft.Data.Sqlite;

namespace Wasql.Database.Security;

internal sealed class SecurityState
{
    private volatile PrivilegeSnapshot _snapshot = PrivilegeSnapshot.Empty;
    private readonly List<string> _warnings = [];

    public PrivilegeSnapshot Snapshot => _snapshot;

    /// <summary>Malformed catalog rows found at the last load (each skipped, never fatal).</summary>
    public IReadOnlyList<string> Warnings
    {
        get { lock (_warnings) return [.. _warnings]; }
    }

    public void Reload(SqliteConnection c)
    {
        var warnings = new List<string>();
        _snapshot = SecurityCatalog.Read(c, warnings);
        lock (_warnings)
        {
            _warnings.Clear();
            _warnings.AddRange(warnings);
        }
    }
}

/// <summary>A change of ownership a statement makes when it succeeds (found while planning it).</summary>
internal readonly record struct OwnershipChange(OwnershipChangeKind Kind, string Name, string? NewName = null);

internal enum OwnershipChangeKind
{
    Created,
    Dropped,
    Renamed,
}
