// Npgsql against the server: both type-loading modes, parameters of every mapped type (prepared and not,
// binary formats), transactions, errors, cancellation, statement_timeout, concurrent clients, SCRAM.
using Npgsql;
using NpgsqlTypes;

namespace Wasql.Server.Tests;

public sealed class NpgsqlTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Server Compatibility Mode=NoTypeLoading")]
    public async Task ConnectsAndQueries(string mode)
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString(mode));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT 40 + 2, 'hi', 1.5", c);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(42L, r.GetInt64(0));
        Assert.Equal("hi", r.GetString(1));
        Assert.Equal(1.5, r.GetDouble(2));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ParametersOfEveryMappedType(bool prepare)
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await new NpgsqlCommand("""
            CREATE TABLE v(i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision, n numeric, t text, vc varchar(20),
                           b bytea, bo boolean, d date, tm time, ts timestamp, j json)
            """, c).ExecuteNonQueryAsync();
        var ts = new DateTime(2024, 2, 29, 13, 14, 15, 123, DateTimeKind.Unspecified).AddTicks(4560);
        var values = new (NpgsqlDbType Type, object Value)[]
        {
            (NpgsqlDbType.Smallint, (short)-12), (NpgsqlDbType.Integer, 123456789), (NpgsqlDbType.Bigint, 9_000_000_000_000L),
            (NpgsqlDbType.Real, 1.5f), (NpgsqlDbType.Double, Math.PI), (NpgsqlDbType.Numeric, 12345.6789m),
            (NpgsqlDbType.Text, "héllo 'quoted'"), (NpgsqlDbType.Varchar, "short"), (NpgsqlDbType.Bytea, new byte[] { 0, 1, 2, 255 }),
            (NpgsqlDbType.Boolean, true), (NpgsqlDbType.Date, new DateOnly(1999, 12, 31)), (NpgsqlDbType.Time, new TimeOnly(23, 59, 58, 500)),
            (NpgsqlDbType.Timestamp, ts), (NpgsqlDbType.Json, "{\"a\": [1, 2]}"),
        };
        await using (var ins = new NpgsqlCommand("INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)", c))
        {
            foreach (var (t, v) in values) ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = t, Value = v });
            if (prepare) await ins.PrepareAsync();
            Assert.Equal(1, await ins.ExecuteNonQueryAsync());
            ins.Parameters[0].Value = (short)7;
            Assert.Equal(1, await ins.ExecuteNonQueryAsync());
        }
        await using var sel = new NpgsqlCommand("SELECT * FROM v WHERE i2 = $1", c);
        sel.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Smallint, Value = (short)-12 });
        if (prepare) await sel.PrepareAsync();
        await using var r = await sel.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal((short)-12, r.GetInt16(0));
        Assert.Equal(123456789, r.GetInt32(1));
        Assert.Equal(9_000_000_000_000L, r.GetInt64(2));
        Assert.Equal(1.5f, r.GetFloat(3));
        Assert.Equal(Math.PI, r.GetDouble(4));
        Assert.Equal(12345.6789m, r.GetDecimal(5));
        Assert.Equal("héllo 'quoted'", r.GetString(6));
        Assert.Equal("short", r.GetString(7));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, r.GetFieldValue<byte[]>(8));
        Assert.True(r.GetBoolean(9));
        Assert.Equal(new DateOnly(1999, 12, 31), r.GetFieldValue<DateOnly>(10));
        Assert.Equal(new TimeOnly(23, 59, 58, 500), r.GetFieldValue<TimeOnly>(11));
        Assert.Equal(ts, r.GetDateTime(12));
        Assert.Equal("{\"a\": [1, 2]}", r.GetString(13));
        Assert.Equal("integer", r.GetDataTypeName(1));
        Assert.Equal("numeric", r.GetDataTypeName(5));
        Assert.False(await r.ReadAsync());
    }

    [Fact]
    public async Task PreparedStatementReusedManyTimes()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await new NpgsqlCommand("CREATE TABLE kv(k integer PRIMARY KEY, v text)", c).ExecuteNonQueryAsync();
        await using (var ins = new NpgsqlCommand("INSERT INTO kv VALUES ($1, $2)", c))
        {
            ins.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer });
            ins.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text });
            await ins.PrepareAsync();
            for (int i = 0; i < 200; i++)
            {
                ((NpgsqlParameter<int>)ins.Parameters[0]).TypedValue = i;
                ((NpgsqlParameter<string>)ins.Parameters[1]).TypedValue = "v" + i;
                await ins.ExecuteNonQueryAsync();
            }
        }
        await using var q = new NpgsqlCommand("SELECT v FROM kv WHERE k = $1", c);
        q.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer });
        await q.PrepareAsync();
        for (int i = 0; i < 200; i += 17)
        {
            ((NpgsqlParameter<int>)q.Parameters[0]).TypedValue = i;
            Assert.Equal("v" + i, await q.ExecuteScalarAsync());
        }
        Assert.Equal(200L, await new NpgsqlCommand("SELECT count(*) FROM kv", c).ExecuteScalarAsync());

        // Prepared statements describe expression columns before running: types come from the select list.
        await using var agg = new NpgsqlCommand("SELECT count(*) AS n, length(v), 'lit', 42, 2.5, $1, CAST(k AS real), max(k) FROM kv WHERE k < $1", c);
        agg.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = 10 });
        await agg.PrepareAsync();
        await using var r = await agg.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(10L, r.GetFieldValue<long>(0));
        Assert.Equal(2L, r.GetFieldValue<long>(1));
        Assert.Equal("lit", r.GetFieldValue<string>(2));
        Assert.Equal(42L, r.GetFieldValue<long>(3));
        Assert.Equal(2.5, r.GetFieldValue<double>(4));
        Assert.Equal(10, r.GetFieldValue<int>(5));
        Assert.Equal(9f, r.GetFieldValue<float>(6));
        Assert.Equal("9", r.GetValue(7).ToString());     // max() could be any type: described as text
    }

    [Fact]
    public async Task TransactionsCommitRollbackAndFailedState()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await new NpgsqlCommand("CREATE TABLE t(a integer)", c).ExecuteNonQueryAsync();
        await using (var tx = await c.BeginTransactionAsync())
        {
            await new NpgsqlCommand("INSERT INTO t VALUES (1)", c, tx).ExecuteNonQueryAsync();
            await tx.RollbackAsync();
        }
        Assert.Equal(0L, await new NpgsqlCommand("SELECT count(*) FROM t", c).ExecuteScalarAsync());
        await using (var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted))
        {
            await new NpgsqlCommand("INSERT INTO t VALUES (2)", c, tx).ExecuteNonQueryAsync();
            var e = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT * FROM nope", c, tx).ExecuteNonQueryAsync());
            Assert.Equal("42P01", e.SqlState);
            var e2 = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT 1", c, tx).ExecuteNonQueryAsync());
            Assert.Equal("25P02", e2.SqlState);
            await tx.RollbackAsync();
        }
        await using (var tx = await c.BeginTransactionAsync())
        {
            await new NpgsqlCommand("INSERT INTO t VALUES (3)", c, tx).ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        Assert.Equal(3L, await new NpgsqlCommand("SELECT sum(a) FROM t", c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task SyntaxErrorHasPosition()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("CREATE FUNCTION f(int) RETURNS int LANGUAGE cobol AS 'x'", c).ExecuteNonQueryAsync());
        Assert.StartsWith("42", e.SqlState);
        Assert.True(e.Position > 0, $"position {e.Position}");
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", c).ExecuteScalarAsync() is long l ? (int)l : 0);
    }

    private const string Endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";

    [Fact]
    public async Task CancelRequestStopsARunningQuery()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(Endless, c);
        var run = cmd.ExecuteScalarAsync();
        await Task.Delay(300);
        cmd.Cancel();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => run);
        var pe = e as PostgresException ?? e.InnerException as PostgresException;
        Assert.NotNull(pe);
        Assert.Equal("57014", pe!.SqlState);
        Assert.Equal(5L, await new NpgsqlCommand("SELECT 5", c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task StatementTimeout()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await new NpgsqlCommand("SET statement_timeout = 200", c).ExecuteNonQueryAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(Endless, c).ExecuteScalarAsync());
        Assert.Equal("57014", e.SqlState);
        Assert.Contains("statement timeout", e.MessageText);
        await new NpgsqlCommand("SET statement_timeout = 0", c).ExecuteNonQueryAsync();
        Assert.Equal("0", await new NpgsqlCommand("SHOW statement_timeout", c).ExecuteScalarAsync());
    }

    /// <summary>The compile sandbox over the wire: include_str! of /etc/passwd leaks nothing to the client, and
    /// statement_timeout stops a compile (a preprocessor bomb that would otherwise run into its memory limit).</summary>
    [Fact]
    public async Task CompilersAreSandboxedAndObeyStatementTimeout()
    {
        if (!File.Exists("/usr/bin/rustc") || !File.Exists("/usr/bin/clang-14") || !File.Exists("/usr/bin/bwrap")) return;
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        var leak = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(
            """CREATE FUNCTION leak(int) RETURNS text LANGUAGE rust AS $$ fn leak(_n: i32) -> String { include_str!("/etc/passwd").into() } $$""", c).ExecuteNonQueryAsync());
        Assert.Equal("42P13", leak.SqlState);
        Assert.Contains("No such file", leak.MessageText + leak.Detail);
        Assert.DoesNotContain("root:", leak.MessageText + leak.Detail);
        Assert.DoesNotContain("wasql-compile-", leak.MessageText + leak.Detail);

        await new NpgsqlCommand("SET statement_timeout = 1500", c).ExecuteNonQueryAsync();
        var bomb = string.Join("\n", Enumerable.Range(1, 9).Select(i => $"#define A{i} " + string.Join(" ", Enumerable.Repeat($"A{i - 1}", 10))));
        var timedOut = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(
            $"CREATE FUNCTION bomb(int) RETURNS int LANGUAGE c AS $$\n#define A0 1+\n{bomb}\nint bomb(int a) {{ return A9 a; }} $$", c).ExecuteNonQueryAsync());
        Assert.Equal("57014", timedOut.SqlState);
        Assert.Contains("statement timeout", timedOut.MessageText);
        await new NpgsqlCommand("SET statement_timeout = 0", c).ExecuteNonQueryAsync();
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", c).ExecuteScalarAsync() is long l ? (int)l : 0);
    }

    [Fact]
    public async Task SlowClientDoesNotBlockOthers()
    {
        await using var s = TestServer.Start();
        await using (var setup = new NpgsqlConnection(s.ConnectionString()))
        {
            await setup.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE p(k integer PRIMARY KEY, v integer); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO p SELECT i, i * 2 FROM n", setup).ExecuteNonQueryAsync();
        }
        await using var slow = new NpgsqlConnection(s.ConnectionString());
        await slow.OpenAsync();
        await using var slowCmd = new NpgsqlCommand(Endless, slow);
        var slowRun = slowCmd.ExecuteScalarAsync();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var clients = Enumerable.Range(0, 16).Select(async i =>
        {
            await using var c = new NpgsqlConnection(s.ConnectionString());
            await c.OpenAsync();
            for (int j = 1; j <= 50; j++)
            {
                await using var q = new NpgsqlCommand("SELECT v FROM p WHERE k = $1", c);
                q.Parameters.AddWithValue(j);
                Assert.Equal((long)j * 2, Convert.ToInt64(await q.ExecuteScalarAsync()));
            }
        }).ToArray();
        await Task.WhenAll(clients);
        Assert.False(slowRun.IsCompleted);
        slowCmd.Cancel();
        await Assert.ThrowsAnyAsync<Exception>(() => slowRun);
    }

    [Fact]
    public async Task LargeMessagesBothWays()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        var big = new string('x', 5 << 20);
        await using var p = new NpgsqlCommand("SELECT length($1), $1", c);
        p.Parameters.AddWithValue(big);
        await using (var r = await p.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(5L << 20, r.GetInt64(0));
            Assert.Equal(big, r.GetString(1));
        }
        Assert.Equal(5L << 20, await new NpgsqlCommand($"SELECT length('{big}')", c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task ScramWithNpgsql()
    {
        await using var s = TestServer.Start(o => o.Auth = AuthMethod.ScramSha256);
        s.Server.Users.SetPassword("tester", "pa55");
        await using (var c = new NpgsqlConnection(s.ConnectionString("Password=pa55")))
        {
            await c.OpenAsync();
            Assert.Equal(1L, await new NpgsqlCommand("SELECT 1", c).ExecuteScalarAsync());
        }
        await using var bad = new NpgsqlConnection(s.ConnectionString("Password=nope"));
        var e = await Assert.ThrowsAsync<PostgresException>(() => bad.OpenAsync());
        Assert.Equal("28P01", e.SqlState);
    }

    [Fact]
    public async Task CreateFunctionWithParameterAndCallIt()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        var b64 = Convert.ToBase64String(File.ReadAllBytes(TestServer.GcdWasm));
        await new NpgsqlCommand($"CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{b64}'", c).ExecuteNonQueryAsync();
        await using var q = new NpgsqlCommand("SELECT gcd($1, $2)", c);
        q.Parameters.AddWithValue(48);
        q.Parameters.AddWithValue(18);
        Assert.Equal(6, Convert.ToInt32(await q.ExecuteScalarAsync()));
    }
}

public sealed class TlsTests
{
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSigned()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task TlsWithNpgsqlAndPsql()
    {
        await using var s = TestServer.Start(o => { o.TlsCertificate = SelfSigned(); o.RequireTls = true; o.Auth = AuthMethod.ScramSha256; });
        s.Server.Users.SetPassword("tester", "pw");
        await using (var c = new NpgsqlConnection(s.ConnectionString("SSL Mode=Require;Password=pw")))
        {
            await c.OpenAsync();
            Assert.Equal(2L, await new NpgsqlCommand("SELECT 1 + 1", c).ExecuteScalarAsync());
        }
        await using (var plain = new NpgsqlConnection(s.ConnectionString("SSL Mode=Disable;Password=pw")))
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => plain.OpenAsync());
            Assert.Equal("28000", e.SqlState);
        }
        var r = s.Psql("SELECT 'tls' AS x;", password: "pw", sslMode: "require");
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("tls", r.Out);
        Assert.NotEqual(0, s.Psql("SELECT 1;", password: "pw", sslMode: "disable").Exit);
    }
}

public sealed class PoolingTests
{
    [Fact]
    public async Task PooledConnectionsAreResetWithDiscardAll()
    {
        await using var s = TestServer.Start();
        var cs = s.ConnectionString().Replace("Pooling=false", "Pooling=true;Maximum Pool Size=1");
        for (int round = 0; round < 3; round++)
        {
            await using var c = new NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT $1 + 1", c);
            cmd.Parameters.AddWithValue(round);
            await cmd.PrepareAsync();
            Assert.Equal(round + 1L, Convert.ToInt64(await cmd.ExecuteScalarAsync()));
            await new NpgsqlCommand("SET application_name = 'x'", c).ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();
    }
}
