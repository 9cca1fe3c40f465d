// Protocol-level tests over a raw socket: SSLRequest, protocol versions, extended protocol with named
// statements/portals and row limits, error recovery at Sync, malformed frames, disconnects, timeouts,
// and a bounded seeded fuzz test after which a normal client must still be served.
using Npgsql;

namespace Wasql.Server.Tests;

public sealed class ProtocolTests
{
    private static RawClient Login(TestServer s)
    {
        var c = new RawClient(s.Port);
        c.Send(RawClient.Startup());
        var msgs = c.ReadUntilReady();
        Assert.Equal('Z', msgs[^1].Type);
        Assert.Contains(msgs, m => m.Type == 'S' && System.Text.Encoding.UTF8.GetString(m.Body).StartsWith("server_version\0"));
        Assert.Contains(msgs, m => m.Type == 'K');
        return c;
    }

    [Fact]
    public async Task SslRequestIsAnsweredNoAndStartupContinues()
    {
        await using var s = TestServer.Start();
        using var c = new RawClient(s.Port);
        c.Send([.. RawClient.BE(8), .. RawClient.BE(80877103)]);
        var b = new byte[1];
        Assert.Equal(1, c.Stream.Read(b));
        Assert.Equal((byte)'N', b[0]);
        c.Send(RawClient.Startup());
        Assert.Equal('Z', c.ReadUntilReady()[^1].Type);
    }

    [Fact]
    public async Task UnsupportedProtocolVersionIsRefused()
    {
        await using var s = TestServer.Start();
        using var c = new RawClient(s.Port);
        c.Send(RawClient.Startup(version: 2 << 16));
        var m = c.Read();
        Assert.Equal('E', m!.Value.Type);
        Assert.Equal("0A000", RawClient.ErrorField(m.Value.Body, 'C'));
        Assert.Null(c.Read());
    }

    [Fact]
    public async Task ExtendedProtocolNamedStatementsPortalsAndRowLimits()
    {
        await using var s = TestServer.Start();
        using var c = Login(s);
        c.Send(RawClient.Msg('Q', "CREATE TABLE t(a integer); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) INSERT INTO t SELECT i FROM n"));
        Assert.Equal('Z', c.ReadUntilReady()[^1].Type);
        c.Send([
            .. RawClient.Msg('P', "s1", "SELECT a FROM t WHERE a >= $1 ORDER BY a", (short)1, 23),
            .. RawClient.Msg('D', (byte)'S', "s1"),
            .. RawClient.Msg('B', "p1", "s1", (short)1, (short)0, (short)1, 1, new byte[] { (byte)'2' }, (short)1, (short)1),
            .. RawClient.Msg('E', "p1", 2),
            .. RawClient.Msg('E', "p1", 0),
            .. RawClient.Msg('C', (byte)'P', "p1"),
            .. RawClient.Msg('S'),
        ]);
        var types = string.Concat(c.ReadUntilReady().Select(m => m.Type));
        Assert.Equal("1tT2DDsDDC3Z", types);        // ParseComplete, ParameterDescription, RowDescription, BindComplete, 2 rows, suspended, 2 rows, complete, CloseComplete

        // An error skips to Sync; the next Sync gets ReadyForQuery and the statement still works.
        c.Send([
            .. RawClient.Msg('B', "", "nope", (short)0, (short)0, (short)0),
            .. RawClient.Msg('E', "", 0),
            .. RawClient.Msg('S'),
            .. RawClient.Msg('B', "", "s1", (short)0, (short)1, 1, new byte[] { (byte)'5' }, (short)0),
            .. RawClient.Msg('E', "", 0),
            .. RawClient.Msg('S'),
        ]);
        Assert.Equal("EZ", string.Concat(c.ReadUntilReady().Select(m => m.Type)));
        Assert.Equal("2DCZ", string.Concat(c.ReadUntilReady().Select(m => m.Type)));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'Q', 0x7f, 0xff, 0xff, 0xff })]          // huge length
    [InlineData(new byte[] { (byte)'Q', 0, 0, 0, 2 })]                      // length below 4
    [InlineData(new byte[] { (byte)'@', 0, 0, 0, 4 })]                      // unknown message type
    [InlineData(new byte[] { (byte)'Q', 0, 0, 0, 8, (byte)'a', (byte)'b', (byte)'c', (byte)'d' })]   // unterminated string
    [InlineData(new byte[] { (byte)'B', 0, 0, 0, 10, 0, 0, 0x7f, 0xff, 0, 0 })]                    // counts past the end
    public async Task MalformedFramesGetAnErrorAndAClose(byte[] frame)
    {
        await using var s = TestServer.Start();
        using var c = Login(s);
        c.Send(frame);
        var m = c.Read();
        Assert.NotNull(m);
        Assert.Equal('E', m!.Value.Type);
        Assert.Null(c.Read());
        await AssertServesNormalClient(s);
    }

    [Fact]
    public async Task HalfOpenConnectionsAreClosedByTheAuthenticationTimeout()
    {
        await using var s = TestServer.Start(o => o.AuthenticationTimeout = TimeSpan.FromMilliseconds(500));
        using var c = new RawClient(s.Port);
        c.Send([0, 0]);                                   // half a length, then silence
        Assert.Null(c.Read());
        await AssertServesNormalClient(s);
    }

    [Fact]
    public async Task IdleSessionsAreClosed()
    {
        await using var s = TestServer.Start(o => o.IdleTimeout = TimeSpan.FromMilliseconds(500));
        using var c = Login(s);
        var m = c.Read();
        Assert.Equal('E', m!.Value.Type);
        Assert.Equal("57P05", RawClient.ErrorField(m.Value.Body, 'C'));
        Assert.Null(c.Read());
    }

    [Fact]
    public async Task ClientDisconnectingMidQueryFreesItsConnection()
    {
        await using var s = TestServer.Start();
        var c = Login(s);
        c.Send(RawClient.Msg('Q', "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"));
        await Task.Delay(200);
        Assert.Equal(1, s.Server.ConnectionCount);
        c.Dispose();
        for (int i = 0; i < 100 && s.Server.ConnectionCount > 0; i++) await Task.Delay(100);
        Assert.Equal(0, s.Server.ConnectionCount);
    }

    [Fact]
    public async Task ClosedConnectionsReleaseTheirThreads()
    {
        await using var s = TestServer.Start();
        using (Login(s)) { }
        await Task.Delay(200);
        int before = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        for (int i = 0; i < 150; i++)
        {
            using var c = Login(s);
            c.Send(RawClient.Msg('Q', "SELECT 1"));
            c.ReadUntilReady();
            c.Send(RawClient.Msg('X'));
        }
        for (int i = 0; i < 100 && s.Server.ConnectionCount > 0; i++) await Task.Delay(50);
        await Task.Delay(300);
        int after = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        Assert.True(after - before < 40, $"threads {before} -> {after}");
    }

    [Fact]
    public async Task TooManyConnectionsAreRefused()
    {
        await using var s = TestServer.Start(o => o.MaxConnections = 2);
        using var a = Login(s);
        using var b = Login(s);
        using var c = new RawClient(s.Port);
        c.Send(RawClient.Startup());            // as in Postgres, the refusal answers the startup packet
        var m = c.Read();
        Assert.Equal("53300", RawClient.ErrorField(m!.Value.Body, 'C'));
        Assert.Null(c.Read());
    }

    [Fact]
    public async Task FuzzMalformedFramesThenServeNormally()
    {
        var log = new StringWriter();
        await using var s = TestServer.Start(o => { o.AuthenticationTimeout = TimeSpan.FromSeconds(1); o.MaxMessageSize = 1 << 20; o.Log = TextWriter.Synchronized(log); });
        var rng = new Random(20261122);
        var valid = new List<byte[]>
        {
            RawClient.Msg('Q', "SELECT 1"), RawClient.Msg('P', "", "SELECT $1", (short)1, 25),
            RawClient.Msg('B', "", "", (short)0, (short)1, 1, new byte[] { 65 }, (short)0), RawClient.Msg('D', (byte)'P', ""),
            RawClient.Msg('E', "", 0), RawClient.Msg('S'), RawClient.Msg('C', (byte)'S', "x"), RawClient.Msg('H'),
        };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        int rounds = 0;
        while (DateTime.UtcNow < deadline)
        {
            rounds++;
            using var c = new RawClient(s.Port);
            c.Stream.ReadTimeout = 3000;
            var bytes = new List<byte>();
            bool login = rng.Next(4) != 0;
            if (login) bytes.AddRange(RawClient.Startup());
            else { var junk = new byte[rng.Next(1, 40)]; rng.NextBytes(junk); bytes.AddRange(junk); }
            for (int k = rng.Next(1, 8); k > 0; k--)
            {
                var m = (byte[])valid[rng.Next(valid.Count)].Clone();
                switch (rng.Next(5))
                {
                    case 0: m[rng.Next(m.Length)] = (byte)rng.Next(256); break;                 // flip a byte
                    case 1: Array.Resize(ref m, rng.Next(1, m.Length + 1)); break;                // truncate
                    case 2: RawClient.BE(rng.Next()).CopyTo(m, 1); break;                         // random length
                    case 3: m[0] = (byte)rng.Next(256); break;                                     // random type
                }
                bytes.AddRange(m);
            }
            try
            {
                c.Send(bytes.ToArray());
                if (rng.Next(2) == 0) c.Stream.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                for (int j = 0; j < 20 && c.Read() is not null; j++) { }
            }
            catch (IOException) { }
        }
        Assert.True(rounds > 10);
        // Garbage must be handled as protocol errors: no unexpected exception reached the connection's last resort.
        Assert.DoesNotContain("Exception", log.ToString());
        await AssertServesNormalClient(s);
        for (int i = 0; i < 100 && s.Server.ConnectionCount > 0; i++) await Task.Delay(100);
        Assert.Equal(0, s.Server.ConnectionCount);
    }

    private static async Task AssertServesNormalClient(TestServer s)
    {
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        Assert.Equal(7L, await new NpgsqlCommand("SELECT 3 + 4", c).ExecuteScalarAsync());
    }
}
