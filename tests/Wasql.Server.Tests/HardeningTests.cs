// What a client that has not logged in, or a hostile one, can make the server do: small messages before
// authentication, a time limit on the startup phase, no user enumeration through SCRAM salts, range-checked
// parameters, no NUL in text results, and a full server that still speaks the protocol.
using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace Wasql.Server.Tests;

public sealed class HardeningTests
{
    private static readonly byte[] SaslMechanism = Encoding.ASCII.GetBytes("SCRAM-SHA-256\0");

    /// <summary>Starts a SCRAM login and reads the AuthenticationSASL request.</summary>
    private static RawClient BeginScram(TestServer s, string user)
    {
        var c = new RawClient(s.Port);
        c.Send(RawClient.Startup(user));
        var m = c.Read();
        Assert.Equal('R', m!.Value.Type);
        Assert.Equal(10, BinaryPrimitives.ReadInt32BigEndian(m.Value.Body));       // AuthenticationSASL
        return c;
    }

    /// <summary>The salt and iteration count the server offers to <paramref name="user"/>.</summary>
    private static (string Salt, string Iterations) ScramChallenge(TestServer s, string user)
    {
        using var c = BeginScram(s, user);
        var first = Encoding.ASCII.GetBytes("n,,n=,r=clientnonce0123");
        c.Send(RawClient.Msg('p', SaslMechanism, first.Length, first));
        var m = c.Read();
        Assert.Equal('R', m!.Value.Type);
        Assert.Equal(11, BinaryPrimitives.ReadInt32BigEndian(m.Value.Body));       // AuthenticationSASLContinue
        var attrs = Encoding.ASCII.GetString(m.Value.Body, 4, m.Value.Body.Length - 4).Split(',')
            .ToDictionary(a => a[..1], a => a[2..]);
        return (attrs["s"], attrs["i"]);
    }

    [Fact]
    public async Task HugeSaslMessageBeforeAuthenticationIsRefusedAtOnce()
    {
        await using var s = TestServer.Start(o => o.Auth = AuthMethod.ScramSha256);
        s.Server.Users.SetPassword("alice", "pw");
        using var c = BeginScram(s, "alice");
        // A SASLInitialResponse announcing 64 MiB, of which only the mechanism name arrives: the server must
        // answer now, not wait for (and reserve) the announced bytes.
        c.Send([(byte)'p', .. RawClient.BE(64 << 20), .. SaslMechanism]);
        var m = c.Read();
        Assert.NotNull(m);
        Assert.Equal('E', m!.Value.Type);
        Assert.Equal("54000", RawClient.ErrorField(m.Value.Body, 'C'));
        Assert.Null(c.Read());
        // The same size is fine after login (the configured MaxMessageSize applies then).
        await using var ok = new NpgsqlConnection(s.ConnectionString("Password=pw").Replace("Username=tester", "Username=alice"));
        await ok.OpenAsync();
        var big = new string('x', 100_000);
        Assert.Equal(100_000L, await new NpgsqlCommand($"SELECT length('{big}')", ok).ExecuteScalarAsync());
    }

    [Fact]
    public async Task ClientStallingInAuthenticationIsDropped()
    {
        await using var s = TestServer.Start(o => { o.Auth = AuthMethod.ScramSha256; o.AuthenticationTimeout = TimeSpan.FromSeconds(1); });
        s.Server.Users.SetPassword("alice", "pw");
        using var c = BeginScram(s, "alice");
        // Silence after the SASL request: the server closes the connection. A read timeout (the server still
        // waiting) throws instead of returning 0.
        c.Stream.ReadTimeout = 120_000;
        Assert.Equal(0, c.Stream.Read(new byte[1]));
    }

    [Fact]
    public async Task UnknownUsersGetStableSaltsLikeRealUsers()
    {
        await using var s = TestServer.Start(o => o.Auth = AuthMethod.ScramSha256);
        s.Server.Users.SetPassword("alice", "pw");
        var real1 = ScramChallenge(s, "alice");
        var real2 = ScramChallenge(s, "alice");
        var ghost1 = ScramChallenge(s, "ghost");
        var ghost2 = ScramChallenge(s, "ghost");
        var other = ScramChallenge(s, "phantom");
        Assert.Equal(real1, real2);
        Assert.Equal(ghost1, ghost2);                          // a retry does not reveal a random salt
        Assert.NotEqual(ghost1.Salt, other.Salt);              // salts differ per name, as real users' do
        Assert.NotEqual(ghost1.Salt, real1.Salt);
        Assert.Equal(real1.Iterations, ghost1.Iterations);
        Assert.Equal(Convert.FromBase64String(real1.Salt).Length, Convert.FromBase64String(ghost1.Salt).Length);
        var unknown = s.Psql("SELECT 1;", user: "ghost", password: "x");
        Assert.Contains("password authentication failed for user \"ghost\"", unknown.Err);
    }

    private static RawClient Login(TestServer s)
    {
        var c = new RawClient(s.Port);
        c.Send(RawClient.Startup());
        Assert.Equal('Z', c.ReadUntilReady()[^1].Type);
        return c;
    }

    /// <summary>Parses and binds one parameter of <paramref name="oid"/>; returns the SQLSTATE or "" on success.</summary>
    private static string BindOne(RawClient c, int oid, byte[] value, short format)
    {
        c.Send([
            .. RawClient.Msg('P', "", "SELECT $1", (short)1, oid),
            .. RawClient.Msg('B', "", "", (short)1, format, (short)1, value.Length, value, (short)0),
            .. RawClient.Msg('E', "", 0),
            .. RawClient.Msg('S'),
        ]);
        var msgs = c.ReadUntilReady();
        Assert.Equal('Z', msgs[^1].Type);
        return msgs.FirstOrDefault(m => m.Type == 'E') is { Body: { } b } ? RawClient.ErrorField(b, 'C') : "";
    }

    private static byte[] Int64BE(long v) { var b = new byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, v); return b; }

    [Theory]
    [InlineData(21, "32767", "")]
    [InlineData(21, "-32768", "")]
    [InlineData(21, "32768", "22003")]
    [InlineData(21, "-40000", "22003")]
    [InlineData(23, "2147483648", "22003")]
    [InlineData(23, "-2147483648", "")]
    [InlineData(20, "9223372036854775808", "22003")]
    [InlineData(20, "12x", "22P02")]
    public async Task TextIntegerParametersAreRangeChecked(int oid, string text, string expected)
    {
        await using var s = TestServer.Start();
        using var c = Login(s);
        Assert.Equal(expected, BindOne(c, oid, Encoding.ASCII.GetBytes(text), 0));
    }

    [Fact]
    public async Task BinaryTimestampParametersAreRangeChecked()
    {
        await using var s = TestServer.Start();
        using var c = Login(s);
        const int Timestamp = 1114, TimestampTz = 1184, Date = 1082, Time = 1083;
        Assert.Equal("", BindOne(c, Timestamp, Int64BE(0), 1));
        // Microseconds that would wrap around when scaled to .NET ticks, and years past 9999.
        Assert.Equal("22008", BindOne(c, Timestamp, Int64BE(long.MaxValue / 5), 1));
        Assert.Equal("22008", BindOne(c, TimestampTz, Int64BE(-long.MaxValue / 3), 1));
        Assert.Equal("22008", BindOne(c, Timestamp, Int64BE(400_000_000_000_000_000), 1));
        Assert.Equal("22008", BindOne(c, Time, Int64BE(-1), 1));
        Assert.Equal("22008", BindOne(c, Date, RawClient.BE(5_000_000), 1));
        Assert.Equal("", BindOne(c, Date, RawClient.BE(-730_000), 1));    // year 1 still fits

        // In range: the value round-trips exactly (Npgsql sends timestamps in binary).
        await using var n = new NpgsqlConnection(s.ConnectionString());
        await n.OpenAsync();
        await using var q = new NpgsqlCommand("SELECT $1::text", n);
        q.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Timestamp, new DateTime(1999, 12, 31, 23, 59, 58, 500));
        Assert.Equal("1999-12-31 23:59:58.5", await q.ExecuteScalarAsync());
        q.Parameters[0].Value = DateTime.MaxValue;     // Npgsql sends DateTime.MaxValue as infinity
        Assert.Equal("infinity", await q.ExecuteScalarAsync());
    }

    [Fact]
    public async Task TextResultHoldingNulIsAnError()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT 'ab' || char(0) || 'cd'", c).ExecuteScalarAsync());
        Assert.Equal("22021", e.SqlState);
        // Without the NUL the same value is fine, and the session is intact.
        Assert.Equal("abcd", await new NpgsqlCommand("SELECT 'ab' || 'cd'", c).ExecuteScalarAsync());
        var psql = s.Psql("SELECT 'x' || char(0) || 'y' AS v;");
        Assert.NotEqual(0, psql.Exit);
        Assert.Contains("0x00", psql.Err);
    }

    [Fact]
    public async Task FullServerAnswersSslRequestThenSaysTooManyClients()
    {
        await using var s = TestServer.Start(o => o.MaxConnections = 1);
        using var held = Login(s);
        var r = s.Psql("SELECT 1;", sslMode: "prefer");
        Assert.NotEqual(0, r.Exit);
        Assert.Contains("sorry, too many clients already", r.Err);
        Assert.DoesNotContain("SSL", r.Err);
        held.Send(RawClient.Msg('Q', "SELECT 1"));
        Assert.Equal('Z', held.ReadUntilReady()[^1].Type);      // the held session is unaffected
    }
}
