// CREATE [OR REPLACE] PLUGIN, DROP PLUGIN, SHOW PLUGINS and SHOW PLUGIN LOG. Catalog changes are refused inside a
// transaction block (the live registry could not follow a ROLLBACK), are written in a savepoint, and reach every
// connection at once: a replaced plugin serves the next statement (hot reload) without dropping connections.
using Wasql.Database;
using Wasql.Database.Catalog;
using Wasql.Database.Extensions;
using Wasql.Plugins.Catalog;
using Wasql.Plugins.Runtime;
using Wasql.Udf;

namespace Wasql.Plugins.Sql;

internal abstract class CatalogCommand(PluginHost host, string verb) : ExtensionCommand
{
    protected PluginHost Host { get; } = host;
    public override string Verb => verb;

    protected void OutsideTransaction(WasqlConnection c)
    {
        if (c.InTransaction)
            throw new WasqlException(SqlStates.ActiveSqlTransaction, $"{verb} cannot run inside a transaction block");
    }

    protected static QueryResult Rows(IReadOnlyList<ColumnInfo> columns, List<object?[]> rows) =>
        new(columns, rows, 0, $"SELECT {rows.Count}");

    protected static QueryResult Done(string tag) => new([], [], 0, tag);

    protected static ColumnInfo[] Text(params string[] names) => names.Select(n => new ColumnInfo(n, "text")).ToArray();
}

internal sealed class CreatePluginCommand(PluginHost host, string name, bool orReplace, string? base64, string? file,
    int sourcePosition, IReadOnlyDictionary<string, string> config) : CatalogCommand(host, "CREATE PLUGIN")
{
    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters)
    {
        OutsideTransaction(connection);
        var existing = Host.Registry.Plugin(name);
        if (existing is not null && !orReplace)
            throw new WasqlException(SqlStates.DuplicateObject, $"plugin \"{name}\" already exists") { Hint = "use CREATE OR REPLACE PLUGIN to replace its module (running filters switch to it at once)" };
        var wasm = ReadModule();
        var sha = ModuleCodec.Sha256Hex(wasm);
        UdfModule module;
        try { module = Host.Registry.Acquire(sha, wasm, name); }
        catch (UdfException e) { throw new WasqlException(SqlStates.InvalidParameterValue, $"plugin \"{name}\": {e.Message}", sourcePosition, e); }
        catch (InvalidDataException e) { throw new WasqlException(SqlStates.InvalidParameterValue, $"plugin \"{name}\": {e.Message}", sourcePosition); }
        var def = new PluginDefinition(name, sha, wasm.LongLength, config, DateTime.UtcNow);
        try
        {
            connection.InCatalogTransaction(t => PluginCatalog.SavePlugin(t, def, wasm));
        }
        catch
        {
            Host.Registry.Release(sha);
            throw;
        }
        Host.Registry.Put(new LoadedPlugin(def, module, null));
        return Done("CREATE PLUGIN");
    }

    private byte[] ReadModule() => ModuleSource.Read(base64, file, $"plugin \"{name}\"", sourcePosition);
}

internal sealed class DropPluginCommand(PluginHost host, string name, bool ifExists) : CatalogCommand(host, "DROP PLUGIN")
{
    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters)
    {
        OutsideTransaction(connection);
        if (Host.Registry.Plugin(name) is null)
        {
            if (ifExists) return Done("DROP PLUGIN");
            throw new WasqlException(SqlStates.UndefinedObject, $"plugin \"{name}\" does not exist");
        }
        var users = Host.Registry.Filters.Where(f => f.Definition.Plugin == name).Select(f => f.Name).ToList();
        if (users.Count > 0)
            throw new WasqlException(SqlStates.DependentObjectsStillExist, $"cannot drop plugin \"{name}\" because filter(s) {string.Join(", ", users)} use it")
            { Hint = "drop or alter those filters first" };
        connection.InCatalogTransaction(t => PluginCatalog.DeletePlugin(t, name));
        Host.Registry.RemovePlugin(name);
        Host.Store.Clear("plugin:" + name);
        return Done("DROP PLUGIN");
    }
}

internal sealed class ShowPluginsCommand(PluginHost host) : CatalogCommand(host, "SHOW")
{
    private static readonly ColumnInfo[] s_columns =
        [.. Text("name", "hooks", "sha256"), new("size", "int8"), .. Text("config", "created", "status")];

    public override IReadOnlyList<ColumnInfo> Columns => s_columns;

    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters) =>
        Rows(s_columns, Host.Registry.Plugins.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new object?[]
        {
            p.Name, p.Hooks, p.Definition.Sha256, p.Definition.Size,
            string.Join(", ", p.Definition.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")),
            p.Definition.Created.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            p.LoadError is null ? "loaded" : "error: " + p.LoadError,
        }).ToList());
}

internal sealed class ShowPluginLogCommand(PluginHost host) : CatalogCommand(host, "SHOW")
{
    private static readonly ColumnInfo[] s_columns = Text("time", "level", "plugin", "filter", "user", "message");

    public override IReadOnlyList<ColumnInfo> Columns => s_columns;

    public override QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters) =>
        Rows(s_columns, Host.Log.Snapshot().Select(e => new object?[]
        {
            e.Time.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
            e.Level.ToString().ToLowerInvariant(), e.Plugin, e.Filter, e.User, e.Message,
        }).ToList());
}
