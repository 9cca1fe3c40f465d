// A statement cannot build an unbounded result: past WasqlOptions.MaxResultBytes it fails with 54000 and the
// session (and so a server connection) keeps working.
namespace Wasql.Database.Tests;

public class ResultLimitTests
{
    [Fact]
    public void OversizedResultFailsAndTheConnectionStaysUsable()
    {
        using var db = WasqlDatabase.Open(":memory:", new WasqlOptions { MaxResultBytes = 1 << 20 });
        using var c = db.Connect();
        c.Execute("CREATE TABLE big AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT i, printf('%0100d', i) AS pad FROM n");
        var e = Assert.Throws<WasqlException>(() => c.Execute("SELECT * FROM big"));
        Assert.Equal(SqlStates.ProgramLimitExceeded, e.SqlState);
        Assert.Contains("MaxResultBytes", e.Message);
        Assert.Equal(100L, c.Execute("SELECT count(*) FROM (SELECT * FROM big LIMIT 100)").Rows.Single()[0]);
        Assert.Equal(1000, c.Execute("SELECT * FROM big LIMIT 1000").Rows.Count);
    }
}
