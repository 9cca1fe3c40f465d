// One statement as extensions see it: its text, kind and tables, the session, the transaction state, and a
// place for each extension to keep its own per-statement state between Before and After.
using Wasql.Database.Sql;

namespace Wasql.Database.Extensions;

/// <summary>A column of a table: where a result column comes from, or a column a statement reads. Lower case.</summary>
public sealed record ColumnOrigin(string Table, string Column)
{
    public override string ToString() => $"{Table}.{Column}";
}

/// <summary>A statement about to run (or that ran), with what is known about it.</summary>
public sealed class StatementContext
{
    private StatementAnalysis? _analysis;
    private Dictionary<StatementExtension, object>? _state;
    private List<string>? _notices;

    internal StatementContext(WasqlConnection connection, PreparedSql prepared, IReadOnlyList<object?>? parameters)
    {
        Connection = connection;
        Prepared = prepared;
        Parameters = parameters;
    }

    internal PreparedSql Prepared { get; private set; }

    /// <summary>The connection running the statement.</summary>
    public WasqlConnection Connection { get; }

    /// <summary>The session's identity (see <see cref="WasqlConnection.Session"/>).</summary>
    public SessionInfo Session => Connection.Session;

    /// <summary>The statement text (after rewrites).</summary>
    public string Text => Prepared.Text;

    /// <summary>The statement kind, upper case: SELECT, INSERT, UPDATE, DELETE, CREATE TABLE, CREATE FUNCTION, BEGIN...</summary>
    public string Kind => Prepared.Verb;

    /// <summary>The parameters bound to it (extended protocol), if any.</summary>
    public IReadOnlyList<object?>? Parameters { get; }

    /// <summary>True inside an explicit transaction.</summary>
    public bool InTransaction => Connection.InTransaction;

    /// <summary>Set in <see cref="StatementExtension.Before"/> by an extension whose After needs the statement's whole
    /// result (its rows). Then the rows are held in memory (within <see cref="WasqlOptions.MaxResultBytes"/>) until the
    /// after-hooks ran; otherwise they are streamed to the reader as SQLite produces them.</summary>
    public bool NeedsResult { get; set; }

    /// <summary>How many times the statement was rewritten so far.</summary>
    public int Rewrites { get; private set; }

    /// <summary>The tables the statement reads or writes (directly, through views and through triggers), lower case,
    /// in first-use order; computed on first use by planning the statement with an authorizer.</summary>
    public IReadOnlyList<string> Tables => Analysis.Tables;

    /// <summary>The base-table columns the statement reads anywhere (result, WHERE, ORDER BY, inside views and
    /// subqueries), lower case, one entry per reference: a column used twice appears twice. Reads of a view's own
    /// columns are not listed; the reads of the view's body are.</summary>
    public IReadOnlyList<ColumnOrigin> ColumnsRead => Analysis.ColumnsRead;

    /// <summary>Where each result column comes from (table and column, seen through aliases, subqueries, CTEs and
    /// views), or null for a computed column (an expression, a literal, an aggregate); one per result column.</summary>
    public IReadOnlyList<ColumnOrigin?> ResultOrigins => Analysis.ResultOrigins;

    private StatementAnalysis Analysis => _analysis ??= StatementAnalyzer.Analyze(Connection, Prepared);

    /// <summary>Adds a notice sent to the client with the statement's result (or error).</summary>
    public void AddNotice(string message) => (_notices ??= []).Add(message);

    internal IReadOnlyList<string> Notices => (IReadOnlyList<string>?)_notices ?? [];

    /// <summary>The state <paramref name="owner"/> kept for this statement, or null.</summary>
    public object? GetState(StatementExtension owner) => _state is not null && _state.TryGetValue(owner, out var s) ? s : null;

    /// <summary>Keeps per-statement state for <paramref name="owner"/> (read back in After).</summary>
    public void SetState(StatementExtension owner, object? state)
    {
        if (state is null) _state?.Remove(owner);
        else (_state ??= [])[owner] = state;
    }

    internal void Rewritten(PreparedSql prepared)
    {
        Prepared = prepared;
        _analysis = null;
        Rewrites++;
    }
}
