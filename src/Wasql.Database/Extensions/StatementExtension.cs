// The extension point of the database layer: code that claims statements of its own (e.g. CREATE PLUGIN) and
// sees every other statement before and after it runs (deny, rewrite, change the result). Query plugins
// (Wasql.Plugins) are built on it; the database layer knows nothing about wasm plugins.
namespace Wasql.Database.Extensions;

/// <summary>
/// Registered with <see cref="WasqlDatabase.AddExtension"/>. Called on the thread running the statement, from every
/// connection at once: implementations must be thread-safe. Order for one statement: <see cref="Before"/> of each
/// extension in registration order (a rewrite re-plans the new text and starts again, at most
/// <see cref="WasqlOptions.MaxRewrites"/> times), the statement, then <see cref="After"/> in reverse order.
/// </summary>
public abstract class StatementExtension
{
    /// <summary>A command for statements this extension runs itself, or null for statements that are not its own.
    /// Called when a statement is prepared, before SQLite sees it. Claimed statements bypass Before/After.</summary>
    public virtual ExtensionCommand? TryParse(string text) => null;

    /// <summary>Sees a statement before it runs. Throw a <see cref="WasqlException"/> to deny it; return
    /// <see cref="BeforeDecision.Rewrite"/> to replace its text.</summary>
    public virtual BeforeDecision Before(StatementContext statement) => BeforeDecision.Continue;

    /// <summary>Sees the outcome of a statement this extension saw in <see cref="Before"/>: it may replace the result
    /// or the error of <paramref name="outcome"/>. Rows are there only when some extension set
    /// <see cref="StatementContext.NeedsResult"/> in Before; otherwise they were streamed (<see cref="StatementOutcome.Streamed"/>).</summary>
    public virtual void After(StatementContext statement, StatementOutcome outcome) { }
}

/// <summary>What <see cref="StatementExtension.Before"/> decided.</summary>
public readonly struct BeforeDecision
{
    private BeforeDecision(string? rewrite) => RewrittenText = rewrite;

    /// <summary>Run the statement as it is (or let the next extension decide).</summary>
    public static BeforeDecision Continue => default;

    /// <summary>Replace the statement with <paramref name="text"/> (one statement), which is planned and seen by
    /// every extension again.</summary>
    public static BeforeDecision Rewrite(string text) => new(text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>The new text, or null to continue.</summary>
    public string? RewrittenText { get; }
}

/// <summary>The result or the error of a statement, as after-hooks see and change it.</summary>
public sealed class StatementOutcome
{
    internal StatementOutcome(QueryResult? result, WasqlException? error)
    {
        Result = result;
        Error = error;
    }

    internal static StatementOutcome ForStreamed(QueryResult summary) => new(summary, null) { Streamed = true };

    /// <summary>True when the rows were streamed to the reader as they were produced (no extension set
    /// <see cref="StatementContext.NeedsResult"/>): <see cref="Result"/> then holds the columns and command tag but no
    /// rows, and cannot be replaced (an error still can be set).</summary>
    public bool Streamed { get; private init; }

    /// <summary>The result when the statement succeeded (null when <see cref="Error"/> is set).</summary>
    public QueryResult? Result { get; private set; }

    /// <summary>The error when the statement failed.</summary>
    public WasqlException? Error { get; private set; }

    /// <summary>Replaces the outcome with a result (clearing any error).</summary>
    public void SetResult(QueryResult result)
    {
        if (Streamed) throw new InvalidOperationException("the rows of this statement were streamed; set StatementContext.NeedsResult in Before to change its result");
        Result = result ?? throw new ArgumentNullException(nameof(result));
        Error = null;
    }

    /// <summary>Replaces the outcome with an error.</summary>
    public void SetError(WasqlException error)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
        Result = null;
    }
}

/// <summary>A statement an extension runs itself (see <see cref="StatementExtension.TryParse"/>).</summary>
public abstract class ExtensionCommand
{
    /// <summary>The command tag's verb, e.g. <c>CREATE PLUGIN</c>.</summary>
    public abstract string Verb { get; }

    /// <summary>Only superusers may run it (the default: extensions such as plugins reconfigure the whole server).</summary>
    public virtual bool RequiresSuperuser => true;

    /// <summary>The columns it returns (empty for commands without rows); known before it runs.</summary>
    public virtual IReadOnlyList<ColumnInfo> Columns => [];

    /// <summary>Runs the command on <paramref name="connection"/>.</summary>
    public abstract QueryResult Execute(WasqlConnection connection, IReadOnlyList<object?>? parameters);
}
