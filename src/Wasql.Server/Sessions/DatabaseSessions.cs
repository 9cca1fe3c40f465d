// How the server opens its database sessions: one per client (with the client's identity and role, seen by query
// plugins) and internal ones for its own lookups (users, implicit transactions) that plugins do not see. The server
// works on Wasql.Database's own types (WasqlConnection, WasqlRowReader, QueryResult, WasqlException): the storage
// engine behind them is the database layer's business.
using Wasql.Database;
using Wasql.Database.Extensions;

namespace Wasql.Server.Sessions;

/// <summary>Who a session is for: the startup packet's user, database and application_name and the peer address.</summary>
/// <param name="Trusted">Trust authentication: a user name that names no role gets a superuser session (local
/// development); with SCRAM the role was verified and must exist.</param>
public sealed record ClientInfo(string User, string Address, string Database, string ApplicationName, bool Trusted = false);

public static class DatabaseSessions
{
    /// <summary>Opens a session for <paramref name="client"/>; null opens an internal session (a local superuser that
    /// query plugins do not see).</summary>
    public static WasqlConnection Open(WasqlDatabase database, ClientInfo? client = null)
    {
        var connection = database.Connect();
        if (client is null) connection.ExtensionsEnabled = false;
        else
        {
            connection.Session = new SessionInfo(client.User, client.Address, client.Database, client.ApplicationName);
            connection.SetRole(client.User, unknownIsSuperuser: client.Trusted);
        }
        return connection;
    }

    /// <summary>Runs a statement the server issues itself (implicit transactions, catalog lookups): query plugins do
    /// not see it.</summary>
    public static QueryResult ExecuteInternal(this WasqlConnection connection, string sql, IReadOnlyList<object?>? parameters = null)
    {
        bool enabled = connection.ExtensionsEnabled;
        connection.ExtensionsEnabled = false;
        try { return connection.Execute(sql, parameters); }
        finally { connection.ExtensionsEnabled = enabled; }
    }
}
