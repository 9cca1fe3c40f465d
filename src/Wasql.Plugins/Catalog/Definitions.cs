// What the catalog stores about plugins and filters: plain records, validated by the DDL before they get here.
namespace Wasql.Plugins.Catalog;

/// <summary>A plugin: a name for a module (by SHA-256) and its configuration.</summary>
internal sealed record PluginDefinition(string Name, string Sha256, long Size, IReadOnlyDictionary<string, string> Config, DateTime Created);

/// <summary>When a filter applies. Empty strings mean "any".</summary>
/// <param name="Kinds">Comma-separated statement kinds (<c>select,update</c>; <c>create</c> matches every CREATE ...).</param>
/// <param name="Tables">Comma-separated table names (<c>*</c> wildcards); matches when the statement touches any.</param>
/// <param name="QueryRegex">A regular expression the statement text must match (case-insensitive).</param>
/// <param name="UserRegex">A regular expression the user name must match.</param>
/// <param name="ClientAddress">Comma-separated addresses or CIDR blocks (<c>10.0.0.0/8</c>, <c>::1</c>, <c>local</c>).</param>
/// <param name="Database">Comma-separated database names.</param>
internal sealed record FilterPatternDefinition(string Kinds, string Tables, string QueryRegex, string UserRegex, string ClientAddress, string Database)
{
    public static FilterPatternDefinition Any { get; } = new("", "", "", "", "", "");
}

/// <summary>A filter: which statements (pattern) run which plugin (with per-filter config), in which order, and how
/// failures are handled.</summary>
internal sealed record FilterDefinition(
    string Name, int Priority, bool Enabled, string Description, bool FailOpen, int? MaxFailures,
    FilterPatternDefinition Pattern, string Plugin, IReadOnlyDictionary<string, string> Config);
