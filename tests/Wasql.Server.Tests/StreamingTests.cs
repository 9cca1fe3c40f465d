// Results stream to the client as rows are produced (as Postgres does): a result far larger than MaxResultBytes
// arrives whole, a row limit suspends the portal mid-stream, cancel stops an endless stream, and the server-wide
// buffer budget (ServerOptions.MaxBufferedBytes) refuses a statement with 53200 while other connections go on.
using System.Text;
using Npgsql;
using Wasql.Database;

namespace Wasql.Server.Tests;

public sealed class StreamingTests
{
    private const string Numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {0}) SELECT i, printf('%0200d', i) AS pad FROM n";
    private const string Endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n";

    [Fact]
    public async Task ResultLargerThanMaxResultBytesStreams()
    {
        await using var s = TestServer.Start(database: new WasqlOptions { MaxResultBytes = 1 << 20 });
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        // About 10 MB of rows against a 1 MB cap on held results.
        await using (var cmd = new NpgsqlCommand(string.Format(Numbers, 40000), c))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            long n = 0;
            while (await r.ReadAsync())
            {
                n++;
                Assert.Equal(n, r.GetInt64(0));
                Assert.Equal(200, r.GetString(1).Length);
            }
            Assert.Equal(40000, n);
        }
        // psql (simple protocol) gets the same.
        var p = s.Psql($"SELECT count(*) FROM ({string.Format(Numbers, 40000)}) x; {string.Format(Numbers, 40000)};");
        Assert.True(p.Exit == 0, p.Err);
        Assert.Contains("(40000 rows)", p.Out);
    }

    [Fact]
    public async Task RowLimitSuspendsTheStreamAndResumes()
    {
        await using var s = TestServer.Start(database: new WasqlOptions { MaxResultBytes = 1 << 20 });
        using var c = new RawClient(s.Port);
        c.Send(RawClient.Startup());
        Assert.Equal('Z', c.ReadUntilReady()[^1].Type);
        c.Send([
            .. RawClient.Msg('P', "s", string.Format(Numbers, 30000), (short)0),
            .. RawClient.Msg('B', "", "s", (short)0, (short)0, (short)0),
            .. RawClient.Msg('E', "", 25000),
            .. RawClient.Msg('H'),
        ]);
        var first = new List<(char Type, byte[] Body)>();
        while (c.Read() is { } m) { first.Add(m); if (m.Type is 's' or 'E') break; }
        Assert.Equal('s', first[^1].Type);                        // PortalSuspended
        Assert.Equal(25000, first.Count(m => m.Type == 'D'));
        c.Send([.. RawClient.Msg('E', "", 0), .. RawClient.Msg('S')]);
        var rest = c.ReadUntilReady();
        Assert.Equal(5000, rest.Count(m => m.Type == 'D'));
        Assert.Equal("SELECT 5000", Encoding.UTF8.GetString(rest.Single(m => m.Type == 'C').Body).TrimEnd('\0'));
        var lastRow = rest.Last(m => m.Type == 'D').Body;
        Assert.Equal("30000", Encoding.ASCII.GetString(lastRow, 6, 5));
    }

    [Fact]
    public async Task CancelStopsAnEndlessStream()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await using (var cmd = new NpgsqlCommand(Endless, c))
        {
            var thrown = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var r = await cmd.ExecuteReaderAsync();
                long n = 0;
                while (await r.ReadAsync())
                    if (++n == 100_000) cmd.Cancel();                 // an endless result is only ever streamed
            });
            var e = thrown as PostgresException ?? thrown.InnerException as PostgresException;   // Npgsql wraps it in OperationCanceledException
            Assert.Equal("57014", e?.SqlState);
        }
        Assert.Equal(1L, await new NpgsqlCommand("SELECT 1", c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task ServerWideBudgetRefusesWithOutOfMemoryWhileOthersWork()
    {
        var log = new StringWriter();
        await using var s = TestServer.Start(o => { o.MaxBufferedBytes = 3 << 20; o.Log = TextWriter.Synchronized(log); });
        // A holds a suspended portal whose batch (one row of a 1 MB blob, reserved twice over) stays in the budget.
        using var a = new RawClient(s.Port);
        a.Send(RawClient.Startup());
        Assert.Equal('Z', a.ReadUntilReady()[^1].Type);
        a.Send(RawClient.Msg('Q', "BEGIN"));
        Assert.Equal('Z', a.ReadUntilReady()[^1].Type);
        a.Send([
            .. RawClient.Msg('P', "", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT zeroblob(1000000) FROM n", (short)0),
            .. RawClient.Msg('B', "held", "", (short)0, (short)0, (short)0),
            .. RawClient.Msg('E', "held", 1),
            .. RawClient.Msg('S'),
        ]);
        var got = a.ReadUntilReady();
        Assert.Contains(got, m => m.Type == 's');
        Assert.True(s.Server.BufferBudget.Held >= 2_000_000, $"held {s.Server.BufferBudget.Held}");

        // B's row needs 2 MB of the 1 MB left: 53200, and B's session goes on (Npgsql would close its connection
        // on 53200 by itself, so B speaks the protocol directly).
        using var braw = new RawClient(s.Port);
        braw.Send(RawClient.Startup());
        Assert.Equal('Z', braw.ReadUntilReady()[^1].Type);
        braw.Send(RawClient.Msg('Q', "SELECT zeroblob(1000000)"));
        var refused = braw.ReadUntilReady();
        var error = refused.Single(m => m.Type == 'E').Body;
        Assert.Equal("53200", RawClient.ErrorField(error, 'C'));
        Assert.Equal("ERROR", RawClient.ErrorField(error, 'S'));
        braw.Send(RawClient.Msg('Q', "SELECT 1"));
        Assert.Contains(braw.ReadUntilReady(), m => m.Type == 'D');
        await using var b = new NpgsqlConnection(s.ConnectionString());
        await b.OpenAsync();
        // Other work goes on: small rows, and many of them (batches shrink to what the budget grants).
        Assert.Equal(1L, await new NpgsqlCommand("SELECT 1", b).ExecuteScalarAsync());
        await using (var r = await new NpgsqlCommand(string.Format(Numbers, 20000), b).ExecuteReaderAsync())
        {
            long n = 0;
            while (await r.ReadAsync()) n++;
            Assert.Equal(20000, n);
        }
        // A ends its transaction: its portal and its share of the budget go, and B's statement fits.
        a.Send(RawClient.Msg('Q', "COMMIT"));
        Assert.Equal('Z', a.ReadUntilReady()[^1].Type);
        a.Send([.. RawClient.Msg('C', (byte)'P', "held"), .. RawClient.Msg('S')]);
        Assert.Equal('Z', a.ReadUntilReady()[^1].Type);
        Assert.Equal(1_000_000, ((byte[])(await new NpgsqlCommand("SELECT zeroblob(1000000)", b).ExecuteScalarAsync())!).Length);
    }

    [Fact]
    public async Task MessageBeyondTheBudgetIsRefusedBeforeItIsRead()
    {
        await using var s = TestServer.Start(o => o.MaxBufferedBytes = 1 << 20);
        using var c = new RawClient(s.Port);
        c.Send(RawClient.Startup());
        Assert.Equal('Z', c.ReadUntilReady()[^1].Type);
        // A Query announcing 2 MB (under MaxMessageSize, over the budget): answered at once, not after 2 MB arrive.
        c.Send([(byte)'Q', .. RawClient.BE((2 << 20) + 4), .. Encoding.ASCII.GetBytes("SELECT ")]);
        var m = c.Read();
        Assert.NotNull(m);
        Assert.Equal("53200", RawClient.ErrorField(m!.Value.Body, 'C'));
        Assert.Null(c.Read());
        Assert.Equal(0, s.Server.BufferBudget.Held);
        // Messages that fit are fine, also large ones.
        await using var n = new NpgsqlConnection(s.ConnectionString());
        await n.OpenAsync();
        var text = new string('x', 300_000);
        Assert.Equal(300_000L, await new NpgsqlCommand($"SELECT length('{text}')", n).ExecuteScalarAsync());
    }
}
