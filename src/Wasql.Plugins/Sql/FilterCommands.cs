// CREATE [OR REPLACE] FILTER, ALTER FILTER, DROP FILTER, SHOW FILTERS and EXPLAIN FILTERS. A filter definition is
// validated completely (options, pattern regexes and addresses, the plugin's existence) before anything is written.
using System.Globalization;
using Wasql.Database;
using Wasql.Plugins.Catalog;
using Wasql.Plugins.Filters;

namespace Wasql.Plugins.Sql;

internal static class FilterBuilder
{
    /// <summary>Applies option/pattern/execute maps onto <paramref name="baseline"/> and validates the result.</summary>
    public static ActiveFilter Build(PluginHost host, FilterDefinition baseline, IReadOnlyDictionary<string, string>? options,
        IReadOnlyDictionary<string, string>? pattern, IReadOnlyDictionary<string, string>? execute)
    {
        var def = baseline;
        if (options is not null)
        {
            foreach (var (key, value) in options)
                def = key switch
                {
                    "priority" => def with { Priority = Int(key, value, int.MinValue) },
                    "status" => def with { Enabled = value.ToLowerInvariant() switch
                    {
                        "enabled" or "on" or "true" => true,
                        "disabled" or "off" or "false" => false,
                        _ => throw Invalid(key, value, "'enabled' or 'disabled'"),
                    } },
                    "description" => def with { Description = value },
                    "fail" => def with { FailOpen = value.ToLowerInvariant() switch
                    {
                        "open" => true,
                        "closed" => false,
                        _ => throw Invalid(key, value, "'open' or 'closed'"),
                    } },
                    "max_failures" => def with { MaxFailures = Int(key, value, 1) },
                    _ => def,
                };
        }
        if (pattern is not null)
        {
            var p = def.Pattern;
            foreach (var (key, value) in pattern)
                p = key switch
                {
                    "kinds" => p with { Kinds = value },
                    "tables" => p with { Tables = value },
                    "query_regex" => p with { QueryRegex = value },
                    "user_regex" => p with { UserRegex = value },
                    "client_address" => p with { ClientAddress = value },
                    _ => p with { Database = value },
                };
            def = def with { Pattern = p };
        }
        if (execute is not null)
        {
            if (!execute.TryGetValue("plugin", out var plugin))
                throw new WasqlException(SqlStates.SyntaxError, "EXECUTE needs plugin = <name>");
            def = def with { Plugin = plugin, Config = execute.Where(kv => kv.Key != "plugin").ToDictionary() };
        }
        if (host.Registry.Plugin(def.Plugin) is null)
            throw new WasqlException(SqlStates.UndefinedObject, $"plugin \"{def.Plugin}\" does not exist") { Hint = "create it first with CREATE PLUGIN" };
        return new ActiveFilter(def, new FilterPattern(def.Pattern), host.Options.DefaultMaxFailures);
    }

    private static int Int(string key, string value, int min) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min ? n
            : throw Invalid(key, value, min == int.MinValue ? "an integer" : $"an integer of at least {min}");

    private static WasqlException Invalid(string key, string value, string expected) =>
        new(SqlStates.InvalidParameterValue, $"invalid value for {key}: '{value}' (expected {expected})");
}

internal sealed class CreateFilterCommand(PluginHost host, string name, bool orReplace, IReadOnlyDictionary<string, string> options,
    IReadOnlyDictionary<string, string> pattern, IReadOnlyDictionary<string, string> execute) : CatalogCommand(host, "CREATE FILTER")
{
    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters)
    {
        OutsideTransaction(connection);
        if (Host.Registry.Filter(name) is not null && !orReplace)
            throw new WasqlException(SqlStates.DuplicateObject, $"filter \"{name}\" already exists") { Hint = "use ALTER FILTER or CREATE OR REPLACE FILTER" };
        var baseline = new FilterDefinition(name, 1000, true, "", false, null, FilterPatternDefinition.Any, "", new Dictionary<string, string>());
        var filter = FilterBuilder.Build(Host, baseline, options, pattern, execute);
        connection.InCatalogTransaction(t => PluginCatalog.SaveFilter(t, filter.Definition));
        Host.Registry.Put(filter);
        return Done("CREATE FILTER");
    }
}

internal sealed class AlterFilterCommand(PluginHost host, string name, IReadOnlyDictionary<string, string>? options,
    IReadOnlyDictionary<string, string>? pattern, IReadOnlyDictionary<string, string>? execute) : CatalogCommand(host, "ALTER FILTER")
{
    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters)
    {
        OutsideTransaction(connection);
        var current = Host.Registry.Filter(name) ?? throw new WasqlException(SqlStates.UndefinedObject, $"filter \"{name}\" does not exist");
        // A new ActiveFilter: its failure count starts at zero, so any ALTER (RESET alone changes nothing else) also
        // re-enables a fail-open filter that disabled itself and clears a fail-closed filter that tripped.
        var filter = FilterBuilder.Build(Host, current.Definition, options, pattern, execute);
        connection.InCatalogTransaction(t => PluginCatalog.SaveFilter(t, filter.Definition));
        Host.Registry.Put(filter);
        return Done("ALTER FILTER");
    }
}

internal sealed class DropFilterCommand(PluginHost host, string name, bool ifExists) : CatalogCommand(host, "DROP FILTER")
{
    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters)
    {
        OutsideTransaction(connection);
        if (Host.Registry.Filter(name) is null)
        {
            if (ifExists) return Done("DROP FILTER");
            throw new WasqlException(SqlStates.UndefinedObject, $"filter \"{name}\" does not exist");
        }
        connection.InCatalogTransaction(t => PluginCatalog.DeleteFilter(t, name));
        Host.Registry.RemoveFilter(name);
        return Done("DROP FILTER");
    }
}

internal sealed class ShowFiltersCommand(PluginHost host) : CatalogCommand(host, "SHOW")
{
    private static readonly ColumnInfo[] s_columns =
    [
        new("name", "text"), new("priority", "int4"), .. Text("status", "plugin", "hooks", "kinds", "tables", "query_regex",
            "user_regex", "client_address", "database", "fail"), new("max_failures", "int4"), .. Text("config", "description"),
    ];

    public override IReadOnlyList<ColumnInfo> Columns => s_columns;

    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters) =>
        Rows(s_columns, Host.Registry.Filters.Select(f =>
        {
            var d = f.Definition;
            return new object?[]
            {
                d.Name, (long)d.Priority, f.Status, d.Plugin, Host.Registry.Plugin(d.Plugin)?.Hooks ?? "(missing plugin)",
                d.Pattern.Kinds, d.Pattern.Tables, d.Pattern.QueryRegex, d.Pattern.UserRegex, d.Pattern.ClientAddress,
                d.Pattern.Database, d.FailOpen ? "open" : "closed", (long)f.MaxFailures,
                string.Join(", ", d.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")),
                d.Description,
            };
        }).ToList());
}

/// <summary>Which filters would run for a statement (for the current session), in before-hook order, without running it.</summary>
internal sealed class ExplainFiltersCommand(PluginHost host, string statement) : CatalogCommand(host, "EXPLAIN")
{
    private static readonly ColumnInfo[] s_columns = [new("filter", "text"), new("priority", "int4"), .. Text("plugin", "hooks", "status", "fail", "kind", "tables")];

    public override IReadOnlyList<ColumnInfo> Columns => s_columns;

    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters)
    {
        var context = connection.Inspect(statement);
        return Rows(s_columns, Host.Match(context, includeInactive: true).Select(m => new object?[]
        {
            m.Filter.Name, (long)m.Filter.Definition.Priority, m.Filter.Definition.Plugin, m.Plugin?.Hooks ?? "(missing plugin)",
            m.Filter.Status, m.Filter.Definition.FailOpen ? "open" : "closed", context.Kind, string.Join(",", context.Tables),
        }).ToList());
    }
}
