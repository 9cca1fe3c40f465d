// WasqlRowReader: rows stream from SQLite as they are read (a result far larger than MaxResultBytes is fine),
// columns and declared types are known up front, typed getters, Dispose finishes the statement, and a statement
// run while a reader is open first buffers the reader's rest (within the limits). The materializing API stays capped.
namespace Wasql.Database.Tests;

public class RowReaderTests
{
    private const string Big = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) SELECT i, printf('%0100d', i) AS pad, i * 0.5 AS half FROM n";

    private static WasqlDatabase Open() => WasqlDatabase.Open(":memory:", new WasqlOptions { MaxResultBytes = 1 << 20 });

    [Fact]
    public void ReaderStreamsPastMaxResultBytesWhileExecuteIsCapped()
    {
        using var db = Open();
        using var c = db.Connect();
        using (var r = c.ExecuteReader(Big))
        {
            Assert.Equal(["i", "pad", "half"], r.Columns.Select(x => x.Name));
            Assert.True(r.IsStreaming);
            long n = 0;
            while (r.Read())
            {
                n++;
                Assert.Equal(n, r.GetInt64(0));
                Assert.Equal(100, r.GetString(1).Length);
                Assert.Equal(n * 0.5, r.GetDouble(2));
            }
            Assert.Equal(50000, n);
            Assert.Equal("SELECT 50000", r.CommandTag);
        }
        var e = Assert.Throws<WasqlException>(() => c.Execute(Big));
        Assert.Equal(SqlStates.ProgramLimitExceeded, e.SqlState);
    }

    [Fact]
    public void DeclaredTypesTypedGettersAndErrors()
    {
        using var db = Open();
        using var c = db.Connect();
        c.Execute("CREATE TABLE t(a int8, b text, c blob)");
        c.Execute("INSERT INTO t VALUES (1, 'x', x'0102'), (NULL, NULL, NULL)");
        using var r = c.ExecuteReader("SELECT a, b, c FROM t ORDER BY a IS NULL");
        Assert.Equal("int8", r.GetDeclaredType(0));
        Assert.Equal("b", r.GetName(1));
        Assert.Throws<InvalidOperationException>(() => r.GetValue(0));      // no row yet
        Assert.True(r.Read());
        Assert.Equal(new byte[] { 1, 2 }, r.GetBytes(2));
        Assert.Equal(SqlStates.DatatypeMismatch, Assert.Throws<WasqlException>(() => r.GetInt64(1)).SqlState);
        Assert.True(r.Read());
        Assert.True(r.IsDBNull(0));
        Assert.False(r.Read());
        Assert.Throws<IndexOutOfRangeException>(() => r.GetName(3));
    }

    [Fact]
    public void StatementsWithoutRowsRunAtOnceAndDisposeFinishesEarly()
    {
        using var db = Open();
        using var c = db.Connect();
        using (var w = c.ExecuteReader("CREATE TABLE t AS " + Big)) Assert.False(w.HasRows);
        Assert.Equal(50000L, c.Execute("SELECT count(*) FROM t").Rows[0][0]);
        using (var r = c.ExecuteReader("SELECT i FROM t"))
        {
            Assert.True(r.Read());
            Assert.Equal(1L, r.GetInt64(0));
        }   // 49,999 rows left unread: the statement is finished and the table is writable again
        Assert.Equal("DELETE 50000", c.Execute("DELETE FROM t").CommandTag);
    }

    [Fact]
    public void AnotherStatementBuffersTheOpenReadersRestWithinTheLimit()
    {
        using var db = Open();
        using var c = db.Connect();
        using (var r = c.ExecuteReader("SELECT i FROM (" + Big + ") WHERE i <= 100"))
        {
            Assert.True(r.Read());
            Assert.Equal(7L, c.Execute("SELECT 7").Rows[0][0]);       // the reader's rest is held now
            Assert.False(r.IsStreaming);
            long n = 1;
            while (r.Read()) Assert.Equal(++n, r.GetInt64(0));
            Assert.Equal(100, n);
        }
        using (var big = c.ExecuteReader(Big))
        {
            Assert.True(big.Read());
            c.Execute("SELECT 1");                                    // the rest does not fit in MaxResultBytes
            Assert.Equal(SqlStates.ProgramLimitExceeded, Assert.Throws<WasqlException>(() => big.Read()).SqlState);
        }
        Assert.Equal(1L, c.Execute("SELECT 1").Rows[0][0]);
    }

    [Fact]
    public void SharedMemoryBudgetRefusesWhatItCannotHold()
    {
        using var db = Open();
        var budget = new MemoryBudget(256 << 10);
        using var a = db.Connect();
        using var b = db.Connect();
        a.MemoryBudget = b.MemoryBudget = budget;
        Assert.Equal(100, a.Execute("SELECT i FROM (" + Big + ") WHERE i <= 100").Rows.Count);
        Assert.Equal(0, budget.Held);                                 // a returned result no longer counts
        using var held = a.ExecuteReader("SELECT i FROM (" + Big + ") WHERE i <= 100");
        Assert.True(held.Read());
        b.Execute("SELECT 1");                                        // another session: a's reader is not touched
        Assert.True(held.IsStreaming);
        var e = Assert.Throws<WasqlException>(() => b.Execute("SELECT zeroblob(300000)"));
        Assert.Equal(SqlStates.OutOfMemory, e.SqlState);
        Assert.Equal(1L, b.Execute("SELECT 1").Rows[0][0]);
    }
}
