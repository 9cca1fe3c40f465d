// Many writers over the wire: writers queue on the database's writer lock instead of failing with
// "database is locked"; lock_timeout ends a wait with 55P03; READ ONLY transactions never take the lock and refuse writes.
using Npgsql;

namespace Wasql.Server.Tests;

public sealed class ConcurrentWriterTests
{
    private const int Accounts = 100, Clients = 16, RoundsPerClient = 60;

    [Fact]
    public async Task SixteenWritersFinishWithExpectedSums()
    {
        await using var s = TestServer.Start();
        await using (var setup = new NpgsqlConnection(s.ConnectionString()))
        {
            await setup.OpenAsync();
            await Exec(setup, "CREATE TABLE acc(aid INTEGER PRIMARY KEY, bal INTEGER NOT NULL)");
            await Exec(setup, $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Accounts}) INSERT INTO acc SELECT i, 0 FROM n");
        }
        // Every client adds known deltas: half autocommit UPDATEs, half explicit read-then-write transactions
        // (SELECT the balance, then write the value read plus the delta: a lost update would break the sum).
        var tasks = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            await using var c = new NpgsqlConnection(s.ConnectionString());
            await c.OpenAsync();
            long added = 0;
            for (int round = 0; round < RoundsPerClient; round++)
            {
                int aid = (client * 7 + round * 13) % Accounts + 1, delta = client + round + 1;
                if (client % 2 == 0)
                {
                    await using var up = new NpgsqlCommand("UPDATE acc SET bal = bal + $1 WHERE aid = $2", c);
                    up.Parameters.AddWithValue(delta); up.Parameters.AddWithValue(aid);
                    Assert.Equal(1, await up.ExecuteNonQueryAsync());
                }
                else
                {
                    await using var tx = await c.BeginTransactionAsync();
                    await using var read = new NpgsqlCommand("SELECT bal FROM acc WHERE aid = $1", c, tx);
                    read.Parameters.AddWithValue(aid);
                    long bal = Convert.ToInt64(await read.ExecuteScalarAsync());
                    await using var write = new NpgsqlCommand("UPDATE acc SET bal = $1 WHERE aid = $2", c, tx);
                    write.Parameters.AddWithValue(bal + delta); write.Parameters.AddWithValue(aid);
                    Assert.Equal(1, await write.ExecuteNonQueryAsync());
                    await tx.CommitAsync();
                }
                added += delta;
            }
            return added;
        })).ToList();
        var expected = (await Task.WhenAll(tasks)).Sum();
        await using var check = new NpgsqlConnection(s.ConnectionString());
        await check.OpenAsync();
        await using var sum = new NpgsqlCommand("SELECT sum(bal) FROM acc", check);
        Assert.Equal(expected, Convert.ToInt64(await sum.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task AClientIdleInATransactionIsDisconnectedAndReleasesTheWriterLock()
    {
        // A client that opens a write transaction and goes quiet would otherwise hold every writer back until the
        // idle-session timeout (minutes); the idle-in-transaction timeout closes it and rolls its transaction back.
        await using var s = TestServer.Start(o => o.IdleInTransactionTimeout = TimeSpan.FromSeconds(1));
        await using (var setup = new NpgsqlConnection(s.ConnectionString()))
        {
            await setup.OpenAsync();
            await Exec(setup, "CREATE TABLE acc(aid INTEGER PRIMARY KEY, bal INTEGER NOT NULL)");
            await Exec(setup, "INSERT INTO acc VALUES (1, 0)");
        }
        await using var quiet = new NpgsqlConnection(s.ConnectionString());
        await quiet.OpenAsync();
        await Exec(quiet, "BEGIN");
        await Exec(quiet, "UPDATE acc SET bal = 100 WHERE aid = 1"); // takes the writer lock, then says nothing more
        await using var writer = new NpgsqlConnection(s.ConnectionString());
        await writer.OpenAsync();
        await Exec(writer, "SET lock_timeout = '60s'");
        await Exec(writer, "UPDATE acc SET bal = bal + 1 WHERE aid = 1"); // waits until the quiet one is dropped
        await using (var read = new NpgsqlCommand("SELECT bal FROM acc WHERE aid = 1", writer))
            Assert.Equal(1L, Convert.ToInt64(await read.ExecuteScalarAsync())); // the quiet transaction was rolled back
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Exec(quiet, "COMMIT"));
        Assert.True(e is PostgresException { SqlState: "25P03" } || e is NpgsqlException, e.ToString());
    }

    [Fact]
    public async Task LockTimeoutGives55P03AndReadsDoNotWait()
    {
        await using var s = TestServer.Start();
        await using var holder = new NpgsqlConnection(s.ConnectionString());
        await holder.OpenAsync();
        await Exec(holder, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)");
        await Exec(holder, "INSERT INTO t VALUES (1, 10)");
        await using var tx = await holder.BeginTransactionAsync();
        await Exec(holder, "UPDATE t SET v = 11 WHERE id = 1", tx);

        await using var other = new NpgsqlConnection(s.ConnectionString());
        await other.OpenAsync();
        await Exec(other, "SET lock_timeout = '300ms'");
        await using (var show = new NpgsqlCommand("SHOW lock_timeout", other))
            Assert.Equal("300", await show.ExecuteScalarAsync());
        // A read sees the last committed value without waiting for the open write transaction.
        await using (var read = new NpgsqlCommand("SELECT v FROM t WHERE id = 1", other))
            Assert.Equal(10L, Convert.ToInt64(await read.ExecuteScalarAsync()));
        var e = await Assert.ThrowsAsync<PostgresException>(() => Exec(other, "UPDATE t SET v = 99 WHERE id = 1"));
        Assert.Equal("55P03", e.SqlState);
        Assert.Contains("lock timeout", e.MessageText);

        await tx.CommitAsync();
        await Exec(other, "UPDATE t SET v = v + 1 WHERE id = 1");   // the lock is free again
        await using var final = new NpgsqlCommand("SELECT v FROM t WHERE id = 1", other);
        Assert.Equal(12L, Convert.ToInt64(await final.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task WriterWaitsForTheOpenTransactionThenSucceeds()
    {
        await using var s = TestServer.Start();
        await using var holder = new NpgsqlConnection(s.ConnectionString());
        await holder.OpenAsync();
        await Exec(holder, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)");
        await Exec(holder, "INSERT INTO t VALUES (1, 0)");
        await Exec(holder, "BEGIN");
        await Exec(holder, "UPDATE t SET v = v + 1 WHERE id = 1");
        await using var other = new NpgsqlConnection(s.ConnectionString());
        await other.OpenAsync();
        await Exec(other, "SET lock_timeout = '60s'");
        var waiting = Exec(other, "UPDATE t SET v = v * 10 WHERE id = 1");
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);            // queued behind the open transaction (it cannot finish first)
        await Exec(holder, "COMMIT");
        await waiting;
        await using var read = new NpgsqlCommand("SELECT v FROM t", holder);
        Assert.Equal(10L, Convert.ToInt64(await read.ExecuteScalarAsync()));   // (0 + 1) * 10: in order
    }

    [Fact]
    public async Task ReadOnlyTransactionsRunBesideAWriterAndRefuseWrites()
    {
        await using var s = TestServer.Start();
        await using var writer = new NpgsqlConnection(s.ConnectionString());
        await writer.OpenAsync();
        await Exec(writer, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)");
        await Exec(writer, "INSERT INTO t VALUES (1, 1)");
        await Exec(writer, "BEGIN");
        await Exec(writer, "UPDATE t SET v = 2");      // holds the writer lock

        await using var reader = new NpgsqlConnection(s.ConnectionString());
        await reader.OpenAsync();
        await Exec(reader, "SET lock_timeout = '200ms'");
        foreach (var begin in new[] { "BEGIN READ ONLY", "START TRANSACTION READ ONLY", "BEGIN; SET TRANSACTION READ ONLY" })
        {
            await Exec(reader, begin);
            await using (var ro = new NpgsqlCommand("SHOW transaction_read_only", reader))
                Assert.Equal("on", await ro.ExecuteScalarAsync());
            await using (var read = new NpgsqlCommand("SELECT v FROM t", reader))
                Assert.Equal(1L, Convert.ToInt64(await read.ExecuteScalarAsync()));   // no wait: the lock is not taken
            var e = await Assert.ThrowsAsync<PostgresException>(() => Exec(reader, "INSERT INTO t VALUES (2, 2)"));
            Assert.Equal("25006", e.SqlState);
            await Exec(reader, "ROLLBACK");
        }
        // Several reads in one Query run as one implicit transaction: a read-only one, so it does not queue either.
        using (var raw = new RawClient(s.Port))
        {
            raw.Send(RawClient.Startup());
            raw.ReadUntilReady();
            raw.Send(RawClient.Msg('Q', "SET lock_timeout = '200ms'"));
            raw.ReadUntilReady();
            raw.Send(RawClient.Msg('Q', "SELECT 1; SELECT v FROM t"));
            var replies = raw.ReadUntilReady();
            Assert.DoesNotContain(replies, m => m.Type == 'E');
            Assert.Equal(2, replies.Count(m => m.Type == 'D'));
        }
        await Exec(writer, "COMMIT");
        await using var count = new NpgsqlCommand("SELECT count(*) FROM t", reader);
        Assert.Equal(1L, Convert.ToInt64(await count.ExecuteScalarAsync()));
    }

    private static async Task Exec(NpgsqlConnection c, string sql, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        await cmd.ExecuteNonQueryAsync();
    }
}
