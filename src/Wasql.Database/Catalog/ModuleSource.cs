// The one reader of a module named in DDL, for CREATE FUNCTION and CREATE PLUGIN alike: USING BASE64 '...' (whitespace
// ignored) or USING FILE '...' (through ModuleFile's checks), with the same messages and the statement position.
namespace Wasql.Database.Catalog;

public static class ModuleSource
{
    /// <summary>The module's bytes from exactly one of <paramref name="base64"/> and <paramref name="filePath"/>.</summary>
    /// <param name="base64">The USING BASE64 literal, or null.</param>
    /// <param name="filePath">The USING FILE path, or null.</param>
    /// <param name="subject">Prefix for messages, e.g. <c>plugin "p"</c>; null for none.</param>
    /// <param name="position">The 1-based position of the literal in the statement.</param>
    public static byte[] Read(string? base64, string? filePath, string? subject, int? position)
    {
        if (base64 is not null)
        {
            try { return Convert.FromBase64String(string.Concat(base64.Where(ch => !char.IsWhiteSpace(ch)))); }
            catch (FormatException)
            {
                throw new WasqlException(SqlStates.InvalidParameterValue,
                    $"{(subject is null ? "" : subject + ": ")}USING BASE64 is not valid base64", position);
            }
        }
        if (filePath is not null) return ModuleFile.Read(filePath, subject, position);
        throw new ArgumentException("a module source needs USING BASE64 or USING FILE");
    }
}
