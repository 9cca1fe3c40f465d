// A transaction of a WasqlDbConnection: BEGIN at creation, COMMIT or ROLLBACK once, rolled back when disposed
// uncompleted; savepoints map to SAVEPOINT / ROLLBACK TO / RELEASE.
using System.Data;
using System.Data.Common;

namespace Wasql.Data;

/// <summary>A transaction on a <see cref="WasqlDbConnection"/>.</summary>
public sealed class WasqlTransaction : DbTransaction
{
    private WasqlDbConnection? _connection;

    internal WasqlTransaction(WasqlDbConnection connection, IsolationLevel level)
    {
        _connection = connection;
        IsolationLevel = level;
    }

    /// <summary>The connection, or null once committed or rolled back.</summary>
    public new WasqlDbConnection? Connection => _connection;
    /// <inheritdoc/>
    protected override DbConnection? DbConnection => _connection;
    /// <inheritdoc/>
    public override IsolationLevel IsolationLevel { get; }
    /// <inheritdoc/>
    public override bool SupportsSavepoints => true;

    /// <inheritdoc/>
    public override void Commit() => End("COMMIT");
    /// <inheritdoc/>
    public override void Rollback() => End("ROLLBACK");

    /// <inheritdoc/>
    public override void Save(string savepointName) => Live().Execute($"SAVEPOINT {Quote(savepointName)}");
    /// <inheritdoc/>
    public override void Rollback(string savepointName) => Live().Execute($"ROLLBACK TO SAVEPOINT {Quote(savepointName)}");
    /// <inheritdoc/>
    public override void Release(string savepointName) => Live().Execute($"RELEASE SAVEPOINT {Quote(savepointName)}");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _connection is { State: ConnectionState.Open } c && c.Session.InTransaction)
            End("ROLLBACK");
        _connection = null;
        base.Dispose(disposing);
    }

    private void End(string sql)
    {
        var session = Live();
        _connection = null;
        session.Execute(sql);
    }

    private Database.WasqlConnection Live() =>
        _connection?.Session ?? throw new InvalidOperationException("the transaction has already been committed or rolled back");

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
