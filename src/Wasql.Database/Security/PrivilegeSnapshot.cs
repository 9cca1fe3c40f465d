// An immutable view of roles, grants and owners, swapped whole after every change: privilege checks run inside
// SQLite's authorizer callback, on every connection at once, without locks.
namespace Wasql.Database.Security;

/// <summary>One granted privilege.</summary>
public readonly record struct GrantKey(SecuredObjectKind Kind, string Object, string Grantee, Privilege Privilege);

internal sealed class PrivilegeSnapshot(
    IReadOnlyDictionary<string, RoleInfo> roles,
    IReadOnlySet<GrantKey> grants,
    IReadOnlyDictionary<(SecuredObjectKind, string), string> owners)
{
    public static PrivilegeSnapshot Empty { get; } = new(new Dictionary<string, RoleInfo>(), new HashSet<GrantKey>(),
        new Dictionary<(SecuredObjectKind, string), string>());

    public IReadOnlyDictionary<string, RoleInfo> Roles { get; } = roles;
    public IReadOnlySet<GrantKey> Grants { get; } = grants;
    public IReadOnlyDictionary<(SecuredObjectKind, string), string> Owners { get; } = owners;

    public string? OwnerOf(SecuredObjectKind kind, string obj) => Owners.GetValueOrDefault((kind, obj));

    /// <summary>Whether <paramref name="role"/> holds <paramref name="privilege"/> on the object: as a superuser, as its
    /// owner, or through a grant to it or to PUBLIC.</summary>
    public bool Holds(SessionRole role, SecuredObjectKind kind, string obj, Privilege privilege) =>
        role.Superuser
        || OwnerOf(kind, obj) == role.Name
        || Grants.Contains(new GrantKey(kind, obj, role.Name, privilege))
        || Grants.Contains(new GrantKey(kind, obj, SecurityNames.Public, privilege));
}
