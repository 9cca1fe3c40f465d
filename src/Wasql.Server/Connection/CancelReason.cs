// Why a running statement is being canceled: decides the message of the 57014 the client gets.
namespace Wasql.Server.Connection;

internal enum CancelReason
{
    /// <summary>Nothing canceled the statement (yet).</summary>
    None,
    /// <summary>The client sent a CancelRequest with this connection's key.</summary>
    ClientRequest,
    /// <summary>The session's statement_timeout elapsed.</summary>
    StatementTimeout,
    /// <summary>The client's socket closed while the statement ran.</summary>
    ClientGone,
    /// <summary>The server is stopping.</summary>
    ServerStopping,
}
