// One splitter for every path (issue #15): a script with a trigger body (';' inside BEGIN ... END, a CASE ... END
// in it) and a bracket-quoted identifier holding ';' behave the same over psql -c (one simple Query), a raw simple
// Query and Npgsql batches (the extended protocol: Parse/Bind/Execute per statement, prepared or not). Npgsql has no
// simple-protocol mode, and it splits an NpgsqlCommand's text itself with PostgreSQL's rules (no [..] quoting, no
// trigger bodies), so the whole script in one NpgsqlCommand never reaches a server whole.
// `wasql sql` runs the same script in Wasql.Cli.Tests (SqlCommandTests).
using System.Text;
using Npgsql;

namespace Wasql.Server.Tests;

public sealed class BatchSplittingTests
{
    private const string TriggerScript = """
        CREATE TABLE a(x int); CREATE TABLE b(x int); INSERT INTO b VALUES (5);
        CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN new.x > 0 THEN 1 ELSE 0 END; END;
        INSERT INTO a VALUES (3);
        """;

    private const string BracketScript = "CREATE TABLE [a;b](x int); INSERT INTO [a;b] VALUES (7); SELECT x AS bracketed FROM [a;b]";

    private static async Task<long> ScalarAsync(TestServer s, string sql)
    {
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task PsqlSendsTheScriptAsOneQuery()
    {
        await using var s = TestServer.Start();
        // psql -c sends its argument as one simple-protocol Query message, unsplit.
        var (exit, output, err) = s.Psql("", extraArgs: ["-c", TriggerScript]);
        Assert.True(exit == 0, err + output);
        Assert.Equal(1, await ScalarAsync(s, "SELECT x FROM b"));
        (exit, output, err) = s.Psql("", extraArgs: ["-c", BracketScript]);
        Assert.True(exit == 0, err + output);
        Assert.Contains("bracketed", output);
        Assert.Contains("         7", output);
    }

    [Fact]
    public async Task RawSimpleQueryRunsEveryStatementOnce()
    {
        await using var s = TestServer.Start();
        using var raw = new RawClient(s.Port);
        raw.Send(RawClient.Startup());
        Assert.Contains(raw.ReadUntilReady(), m => m.Type == 'Z');
        raw.Send(RawClient.Msg('Q', TriggerScript + BracketScript));
        var reply = raw.ReadUntilReady();
        Assert.DoesNotContain(reply, m => m.Type == 'E');
        var tags = reply.Where(m => m.Type == 'C').Select(m => Encoding.UTF8.GetString(m.Body).TrimEnd('\0')).ToList();
        Assert.Equal(["CREATE TABLE", "CREATE TABLE", "INSERT 0 1", "CREATE TRIGGER", "INSERT 0 1", "CREATE TABLE", "INSERT 0 1", "SELECT 1"], tags);
        Assert.Equal(1, await ScalarAsync(s, "SELECT x FROM b"));
    }

    [Fact]
    public async Task NpgsqlCommandAndBatch()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        // A batch: each statement is its own Parse/Bind/Execute, the trigger's body arriving whole.
        await using (var batch = new NpgsqlBatch(c))
        {
            foreach (var statement in new[]
                     {
                         "CREATE TABLE a(x int)", "CREATE TABLE b(x int)", "INSERT INTO b VALUES (5)",
                         "CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN new.x > 0 THEN 1 ELSE 0 END; END",
                         "INSERT INTO a VALUES ($1)",
                     })
                batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
            batch.BatchCommands[^1].Parameters.AddWithValue(3);
            await batch.ExecuteNonQueryAsync();
        }
        Assert.Equal(1, await ScalarAsync(s, "SELECT x FROM b"));

        // The bracket identifier: each statement its own batch command (an NpgsqlCommand's text is split by Npgsql
        // itself, which knows no [..] quoting), then a prepared statement over Parse/Bind/Execute.
        await using (var batch = new NpgsqlBatch(c))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("CREATE TABLE [a;b](x int)"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO [a;b] VALUES ($1)") { Parameters = { new() { Value = 7 } } });
            await batch.ExecuteNonQueryAsync();
        }
        await using (var batch = new NpgsqlBatch(c))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT x FROM [a;b] WHERE x = $1") { Parameters = { new() { Value = 7 } } });
            await batch.PrepareAsync();
            Assert.Equal(7, Convert.ToInt64(await batch.ExecuteScalarAsync()));
            Assert.Equal(7, Convert.ToInt64(await batch.ExecuteScalarAsync()));
        }
    }

    [Fact]
    public async Task TwoStatementsInOneParseAreStillRefused()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT $1; SELECT 2", c);
        cmd.Parameters.AddWithValue(1);
        var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteScalarAsync());
        Assert.Equal("42601", e.SqlState);
    }
}
