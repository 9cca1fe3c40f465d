// Group commit (#21): every writer's wait returns only after a flush that covers its ticket, concurrent writers
// share flushes, a failed flush is an error (never a silent success), and sessions commit with synchronous=NORMAL
// while their statements still return only after the flush.
using Wasql.Database.Transactions;

namespace Wasql.Database.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public void Every_waiter_returns_after_a_flush_covering_its_commit()
    {
        var wal = Path.Combine(Path.GetTempPath(), $"wasql-gc-{Guid.NewGuid():N}.db-wal");
        File.WriteAllBytes(wal, [1, 2, 3]);
        try
        {
            using var gc = new GroupCommit(wal);
            var gate = new object();
            var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
            {
                for (int i = 0; i < 50; i++)
                {
                    long ticket;
                    lock (gate) ticket = gc.Committed();   // tickets are taken in commit order (the writer lock)
                    gc.WaitDurable(ticket);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.InRange(gc.Flushes, 1, 16 * 50);
            gc.WaitDurable(16 * 50);   // everything is durable: returns at once
        }
        finally
        {
            File.Delete(wal);
        }
    }

    [Fact]
    public void A_failed_flush_is_an_error_not_a_success()
    {
        using var gc = new GroupCommit(Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}", "x.db-wal"));
        var e = Assert.Throws<WasqlException>(() => gc.WaitDurable(gc.Committed()));
        Assert.Equal("XX000", e.SqlState);
        Assert.Contains("could not flush the write-ahead log", e.Message);
    }

    [Fact]
    public void Sessions_commit_with_synchronous_normal_and_flush_before_returning()
    {
        var path = Fixtures.TempDb();
        try
        {
            using var db = WasqlDatabase.Open(path);
            using var c = db.Connect();
            Assert.Equal(1L, c.Execute("PRAGMA synchronous").Rows[0][0]);   // NORMAL: the flush is the group's
            c.Execute("CREATE TABLE t(x)");
            long before = db.GroupCommit!.Flushes;
            c.Execute("INSERT INTO t VALUES (1)");
            Assert.True(db.GroupCommit.Flushes > before);   // the autocommit write waited for a flush
            c.Execute("BEGIN");
            c.Execute("INSERT INTO t VALUES (2)");
            long inTransaction = db.GroupCommit.Flushes;
            c.Execute("SELECT * FROM t");
            Assert.Equal(inTransaction, db.GroupCommit.Flushes);   // nothing to flush before COMMIT
            c.Execute("COMMIT");
            Assert.True(db.GroupCommit.Flushes > inTransaction);
            using var memory = WasqlDatabase.Open(":memory:");
            Assert.Null(memory.GroupCommit);
        }
        finally
        {
            Fixtures.DeleteDb(path);
        }
    }
}
