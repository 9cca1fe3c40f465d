// Unit tests of the plugin/filter statement parser on the shared tokenizer: which statements it claims, which
// command each becomes, and the message and position of its syntax errors.
using Wasql.Database;
using Wasql.Plugins.Sql;

namespace Wasql.Plugins.Tests;

public sealed class PluginDdlParserTests : IDisposable
{
    private readonly WasqlDatabase _db = WasqlDatabase.Open(":memory:");
    private readonly PluginHost _host;

    public PluginDdlParserTests() => _host = PluginHost.Attach(_db);

    public void Dispose() => _db.Dispose();

    [Theory]
    [InlineData("CREATE PLUGIN audit USING BASE64 'AGFzbQ=='", typeof(CreatePluginCommand))]
    [InlineData("create or replace plugin \"Audit\" using file $$/tmp/a.wasm$$ with (level = 'x', n = -3)", typeof(CreatePluginCommand))]
    [InlineData("DROP PLUGIN IF EXISTS audit;", typeof(DropPluginCommand))]
    [InlineData("SHOW PLUGINS", typeof(ShowPluginsCommand))]
    [InlineData("SHOW PLUGIN LOG", typeof(ShowPluginLogCommand))]
    [InlineData("CREATE FILTER f (priority = 5, fail = open) WITH_PATTERN (kinds = 'select', tables = 'a*') EXECUTE (plugin = audit)", typeof(CreateFilterCommand))]
    [InlineData("ALTER FILTER f RESET", typeof(AlterFilterCommand))]
    [InlineData("ALTER FILTER f (status = disabled)", typeof(AlterFilterCommand))]
    [InlineData("DROP FILTER f", typeof(DropFilterCommand))]
    [InlineData("SHOW FILTERS", typeof(ShowFiltersCommand))]
    [InlineData("EXPLAIN FILTERS SELECT 1", typeof(ExplainFiltersCommand))]
    public void StatementsBecomeTheirCommands(string sql, Type command) =>
        Assert.IsType(command, PluginDdlParser.TryParse(sql, _host));

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("CREATE TABLE plugin(a)")]
    [InlineData("SHOW PLUGIN")]
    [InlineData("EXPLAIN SELECT 1")]
    [InlineData("-- CREATE PLUGIN p\nSELECT 1")]
    public void OtherStatementsAreNotOurs(string sql) => Assert.Null(PluginDdlParser.TryParse(sql, _host));

    [Theory]
    [InlineData("CREATE PLUGIN p USING URL 'x'", "URL", "expected BASE64 or FILE")]
    [InlineData("CREATE PLUGIN p USING BASE64 x", "x", "expected the module in base64 as a quoted string")]
    [InlineData("CREATE FILTER f WITH_PATTERN (colour = 'red') EXECUTE (plugin = p)", "colour", "unknown WITH_PATTERN key \"colour\"")]
    [InlineData("CREATE FILTER f (priority = 1, priority = 2) EXECUTE (plugin = p)", "priority = 2", "priority is given twice")]
    [InlineData("ALTER FILTER f", null, "ALTER FILTER needs RESET")]
    [InlineData("DROP PLUGIN p extra", "extra", "expected end of statement")]
    [InlineData("CREATE PLUGIN p USING BASE64 'abc", "'abc", "unterminated quoted string")]
    public void SyntaxErrorsHavePositions(string sql, string? at, string message)
    {
        var e = Assert.Throws<WasqlException>(() => PluginDdlParser.TryParse(sql, _host));
        Assert.Equal(SqlStates.SyntaxError, e.SqlState);
        Assert.Contains(message, e.Message);
        Assert.Equal(at is null ? sql.Length + 1 : sql.IndexOf(at, StringComparison.Ordinal) + 1, e.Position);
    }
}
