// One connection's SQLite authorizer: installed once when the session opens, it checks each access of the session's
// own statements against AuthorizerRules while Checking() is on (planning and running a user statement, including
// SQLite's silent re-planning after a schema change), and lets Wasql's internal queries through. Statement analysis
// for extensions (StatementAnalyzer) observes the same callback instead of installing its own.
using SQLitePCL;

namespace Wasql.Database.Security;

internal sealed class SessionAuthorizer
{
    private readonly WasqlConnection _connection;
    private readonly delegate_authorizer _callback; // kept alive: SQLite holds only a pointer to it
    private int _checking;
    private Action<AccessRequest>? _observer;
    private readonly List<OwnershipChange> _pending = [];

    public SessionAuthorizer(WasqlConnection connection)
    {
        _connection = connection;
        _callback = OnAccess;
        raw.sqlite3_set_authorizer(connection.Handle, _callback, null!);
    }

    /// <summary>Why the last access was denied (for the 42501 error SQLite's generic "not authorized" becomes).</summary>
    public string? LastDenial { get; private set; }

    /// <summary>Checks accesses until disposed (nests).</summary>
    public CheckingScope Checking()
    {
        _checking++;
        LastDenial = null;
        return new CheckingScope(this);
    }

    public readonly struct CheckingScope(SessionAuthorizer owner) : IDisposable
    {
        public void Dispose() => owner._checking--;
    }

    /// <summary>Sees every access until <see cref="StopObserving"/> (used to list the tables a statement touches).</summary>
    public void Observe(Action<AccessRequest> observer) => _observer = observer;

    public void StopObserving() => _observer = null;

    /// <summary>The ownership changes found since the last call (tables and views the statement creates or drops).</summary>
    public OwnershipChange[] TakeOwnershipChanges()
    {
        if (_pending.Count == 0) return [];
        OwnershipChange[] changes = [.. _pending];
        _pending.Clear();
        return changes;
    }

    private int OnAccess(object userData, int action, utf8z arg1, utf8z arg2, utf8z database, utf8z inner)
    {
        if (_checking == 0 && _observer is null) return raw.SQLITE_OK; // Wasql's own queries: nothing to decode
        var request = new AccessRequest((AuthorizerAction)action, arg1.utf8_to_string(), arg2.utf8_to_string(),
            database.utf8_to_string(), inner.utf8_to_string());
        _observer?.Invoke(request);
        if (_checking == 0) return raw.SQLITE_OK;
        var database_ = _connection.Database;
        string? denial = AuthorizerRules.Check(request, _connection.Role, database_.SecurityState.Snapshot, database_.Registry.IsTableFunction);
        if (denial is not null)
        {
            LastDenial = denial;
            return raw.SQLITE_DENY;
        }
        if (request.Inner is null && !request.InTempSchema && request.Arg1 is { } name)
        {
            if (request.Action is AuthorizerAction.CreateTable or AuthorizerAction.CreateView or AuthorizerAction.CreateVtable)
                _pending.Add(new OwnershipChange(OwnershipChangeKind.Created, name.ToLowerInvariant()));
            else if (request.Action is AuthorizerAction.DropTable or AuthorizerAction.DropView or AuthorizerAction.DropVtable)
                _pending.Add(new OwnershipChange(OwnershipChangeKind.Dropped, name.ToLowerInvariant()));
        }
        return raw.SQLITE_OK;
    }
}
