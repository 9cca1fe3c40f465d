// Who is running statements on a connection. The embedder sets it (the server from the startup packet and the
// socket); extensions such as query plugins read it to decide what a statement may do.
namespace Wasql.Database.Extensions;

/// <summary>The identity of a session: user, client address, database name and application name.</summary>
/// <param name="User">The user name (the OS user for an embedded session).</param>
/// <param name="ClientAddress">The client's IP address, or <c>local</c> for an embedded session.</param>
/// <param name="Database">The database name the client asked for (<c>main</c> when embedded).</param>
/// <param name="ApplicationName">The client's application_name, when it sent one.</param>
public sealed record SessionInfo(string User, string ClientAddress, string Database, string ApplicationName = "")
{
    /// <summary>An embedded session of the current OS user.</summary>
    public static SessionInfo Local { get; } = new(Environment.UserName, "local", "main");
}
