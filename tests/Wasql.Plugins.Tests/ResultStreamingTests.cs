// Rows stream to the client unless a matched filter's plugin has on_result: then the whole result is held for the
// hook, and WasqlOptions.MaxResultBytes still caps it (54000). Filters with only on_query leave results streaming.
using Npgsql;
using static Wasql.Plugins.Tests.PluginServer;

namespace Wasql.Plugins.Tests;

public sealed class ResultStreamingTests
{
    private const string Big = "SELECT id, email FROM people";

    private static void Fill(NpgsqlConnection admin)
    {
        // About 5 MB of rows against a 1 MB cap on held results.
        Execute(admin, "CREATE TABLE people(id INTEGER, email TEXT)");
        Execute(admin, "INSERT INTO people WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000) SELECT i, printf('user%d-%0100d@example.com', i, i) FROM n");
    }

    /// <summary>The caps are what these tests are about, not the plugin deadline: a generous one keeps a first
    /// (compiling) hook call on a loaded machine from failing them.</summary>
    private static PluginServer Start() => new(new PluginOptions { Deadline = TimeSpan.FromSeconds(30) },
        new Wasql.Database.WasqlOptions { MaxResultBytes = 1 << 20 });

    private static long CountRows(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        long n = 0;
        while (r.Read()) n++;
        return n;
    }

    [Fact]
    public async Task OnResultFilterKeepsTheCapOthersStream()
    {
        await using var server = Start();
        using var admin = server.Connect("admin");
        Fill(admin);
        Execute(admin, $"CREATE PLUGIN mask_columns USING FILE '{Guests.Example("mask_columns")}'");
        Execute(admin, "CREATE FILTER mask_for_analysts WITH_PATTERN (kinds = 'select', user_regex = '^analyst') EXECUTE (plugin = mask_columns, columns = 'email')");

        using var analyst = server.Connect("analyst1");
        var e = Fails(analyst, Big);                                  // the mask needs the whole result: capped
        Assert.Equal("54000", e.SqlState);
        Assert.Contains("MaxResultBytes", e.MessageText);
        var masked = Rows(analyst, "SELECT email FROM people WHERE id = 1");
        Assert.StartsWith("u***@", (string)masked[0][0]!);          // and it still masks small results

        Assert.Equal(40000, CountRows(admin, Big));                   // no filter matches: streamed past the cap
    }

    [Fact]
    public async Task OnQueryOnlyFilterLeavesResultsStreaming()
    {
        await using var server = Start();
        using var admin = server.Connect("admin");
        Fill(admin);
        Execute(admin, $"CREATE PLUGIN deny_unbounded_writes USING FILE '{Guests.Example("deny_unbounded_writes")}'");
        Execute(admin, "CREATE FILTER all_statements WITH_PATTERN (kinds = 'select,update,delete') EXECUTE (plugin = deny_unbounded_writes)");
        Assert.Equal(40000, CountRows(admin, Big));
        Assert.Equal("42501", Fails(admin, "DELETE FROM people").SqlState);     // the filter is active
    }
}
