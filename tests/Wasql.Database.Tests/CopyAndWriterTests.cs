// The database layer's side of #21: COPY through an in-memory channel as extensions (query plugins) see it (kind COPY,
// its table; a denial stops it before any row), all-or-nothing loads, and the writer lock between embedded sessions.
using Wasql.Database.Copy;
using Wasql.Database.Extensions;

namespace Wasql.Database.Tests;

public sealed class CopyAndWriterTests
{
    /// <summary>Hands fixed rows to COPY FROM and collects what COPY TO sends.</summary>
    private sealed class ListChannel(IEnumerable<object?[]> input) : ICopyChannel
    {
        private readonly IEnumerator<object?[]> _rows = input.GetEnumerator();
        public List<object?[]> Output { get; } = [];
        public IReadOnlyList<ColumnInfo> Columns { get; private set; } = [];
        public bool Finished { get; private set; }
        public long Line { get; private set; }
        public void Start(CopyStatement statement, IReadOnlyList<ColumnInfo> columns) => Columns = columns;
        public bool ReadRow(object?[] values)
        {
            if (!_rows.MoveNext()) return false;
            Line++;
            _rows.Current.CopyTo(values, 0);
            return true;
        }
        public void WriteRow(object?[] values) => Output.Add((object?[])values.Clone());
        public void Finish() => Finished = true;
    }

    private sealed class Recorder : StatementExtension
    {
        public List<(string Kind, string Tables, string? Error)> Seen { get; } = [];
        public bool DenyCopy { get; set; }
        public override BeforeDecision Before(StatementContext statement)
        {
            if (DenyCopy && statement.Kind == "COPY") throw new WasqlException(SqlStates.InsufficientPrivilege, "no COPY here");
            return BeforeDecision.Continue;
        }
        public override void After(StatementContext statement, StatementOutcome outcome) =>
            Seen.Add((statement.Kind, string.Join(",", statement.Tables), outcome.Error?.SqlState));
    }

    [Fact]
    public void ExtensionsSeeCopyWithItsTableAndCanDenyIt()
    {
        using var db = WasqlDatabase.Open(":memory:");
        var recorder = new Recorder();
        db.AddExtension(recorder);
        using var c = db.Connect();
        c.Execute("CREATE TABLE t(id integer PRIMARY KEY, s text)");
        var result = c.ExecuteCopy("COPY t (id, s) FROM STDIN", new ListChannel([[1L, "a"], [2L, null]]));
        Assert.Equal("COPY 2", result.CommandTag);
        var output = new ListChannel([]);
        c.ExecuteCopy("COPY (SELECT s, id FROM t ORDER BY id) TO STDOUT (FORMAT csv)", output);
        Assert.True(output.Finished);
        Assert.Equal(["s", "id"], output.Columns.Select(col => col.Name));
        Assert.Equal([["a", 1L], [null, 2L]], output.Output);
        Assert.Contains(("COPY", "t", (string?)null), recorder.Seen);
        Assert.Equal(2, recorder.Seen.Count(s => s.Kind == "COPY"));

        recorder.DenyCopy = true;
        var denied = Assert.Throws<WasqlException>(() => c.ExecuteCopy("COPY t FROM STDIN", new ListChannel([[3L, "c"]])));
        Assert.Equal(SqlStates.InsufficientPrivilege, denied.SqlState);
        Assert.Equal(2L, c.Execute("SELECT count(*) FROM t").Rows[0][0]);
    }

    [Fact]
    public void AFailingRowUndoesTheWholeCopyWithItsLine()
    {
        using var db = WasqlDatabase.Open(":memory:");
        using var c = db.Connect();
        c.Execute("CREATE TABLE t(id integer PRIMARY KEY, s text NOT NULL)");
        var e = Assert.Throws<WasqlException>(() => c.ExecuteCopy("COPY t FROM STDIN", new ListChannel([[1L, "a"], [2L, "b"], [3L, null]])));
        Assert.Equal(SqlStates.NotNullViolation, e.SqlState);
        Assert.Equal("COPY t, line 3", e.Where);
        Assert.Equal(0L, c.Execute("SELECT count(*) FROM t").Rows[0][0]);
        Assert.False(c.InTransaction);
        // Without a channel (plain Execute) COPY explains what it needs.
        Assert.Equal(SqlStates.FeatureNotSupported, Assert.Throws<WasqlException>(() => c.Execute("COPY t FROM STDIN")).SqlState);
    }

    [Fact]
    public void SecondWriterTimesOutWith55P03WhileReadsContinue()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wasql-writers-{Guid.NewGuid():N}.db");
        try
        {
            using var db = WasqlDatabase.Open(path);
            using var a = db.Connect();
            using var b = db.Connect();
            a.Execute("CREATE TABLE t(v integer)");
            a.Execute("INSERT INTO t VALUES (1)");
            a.Execute("BEGIN");
            a.Execute("UPDATE t SET v = 2");
            b.LockTimeout = TimeSpan.FromMilliseconds(100);
            Assert.Equal(1L, b.Execute("SELECT v FROM t").Rows[0][0]);
            Assert.Equal(SqlStates.LockNotAvailable, Assert.Throws<WasqlException>(() => b.Execute("UPDATE t SET v = 3")).SqlState);
            b.Execute("BEGIN READ ONLY");
            Assert.True(b.InReadOnlyTransaction);
            Assert.Equal(SqlStates.ReadOnlyTransaction, Assert.Throws<WasqlException>(() => b.Execute("DELETE FROM t")).SqlState);
            b.Execute("ROLLBACK");
            a.Execute("COMMIT");
            b.Execute("UPDATE t SET v = v + 10");
            Assert.Equal(12L, a.Execute("SELECT v FROM t").Rows[0][0]);
        }
        finally
        {
            foreach (var p in new[] { path, path + "-wal", path + "-shm" }) try { File.Delete(p); } catch (IOException) { }
        }
    }
}
