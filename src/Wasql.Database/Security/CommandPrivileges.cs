// Privilege checks for statements SQLite's authorizer never sees: Wasql's own commands (CREATE/DROP FUNCTION) and
// SQLite statements with no authorizer action (VACUUM). Pure decisions over the session's role and the snapshot.
using Wasql.Database.Sql;

namespace Wasql.Database.Security;

internal static class CommandPrivileges
{
    public static void Check(WasqlConnection c, WasqlCommand command)
    {
        if (c.Role.Superuser || command is SecurityCommand or ShowFunctionsCommand) return;
        var snapshot = c.Database.SecurityState.Snapshot;
        if (Denial(command, c.Role, snapshot, name => c.Database.Registry.Functions.Any(f => f.Name == name)) is { } why)
            throw new WasqlException(SqlStates.InsufficientPrivilege, why);
    }

    /// <summary>Null when an ordinary user may run the command, else why not.</summary>
    public static string? Denial(WasqlCommand command, SessionRole role, PrivilegeSnapshot snapshot, Func<string, bool> functionExists)
    {
        switch (command)
        {
            case CreateFunctionCommand create:
                if (create.FilePath is not null)
                    return "permission denied: USING FILE reads the server's files and is reserved to superusers (use USING BASE64)";
                if (!snapshot.Holds(role, SecuredObjectKind.Database, SecurityNames.Database, Privilege.Create))
                    return $"permission denied to create function {create.Name}: CREATE on the database is needed";
                if (!SecurityNames.TrustedLanguages.Contains(create.Language)
                    && !snapshot.Holds(role, SecuredObjectKind.Language, create.Language, Privilege.Usage))
                    return $"permission denied for language {create.Language}: it runs a compiler on the server; a superuser must GRANT USAGE ON LANGUAGE {create.Language}";
                if (functionExists(create.Name) && snapshot.OwnerOf(SecuredObjectKind.Function, create.Name) != role.Name)
                    return create.OrReplace ? $"must be owner of function {create.Name}" : null; // plain CREATE reports the duplicate itself
                return null;
            case DropFunctionCommand drop:
                return functionExists(drop.Name) && snapshot.OwnerOf(SecuredObjectKind.Function, drop.Name) != role.Name
                    ? $"must be owner of function {drop.Name}" : null;
            default:
                return null;
        }
    }

    /// <summary>Statements SQLite runs without consulting the authorizer.</summary>
    public static void CheckStatementText(WasqlConnection c, string text)
    {
        if (c.Role.Superuser) return;
        var words = Lexer.LeadingWords(text, 0, 1);
        if (words is ["VACUUM"])
            throw new WasqlException(SqlStates.InsufficientPrivilege, "permission denied: VACUUM (and VACUUM INTO a file) is reserved to superusers");
    }
}
