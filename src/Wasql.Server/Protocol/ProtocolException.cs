// A violation of the wire protocol by the client: the connection answers with an ErrorResponse
// (SQLSTATE 08P01) when it still can, then closes.
using Wasql.Database;
namespace Wasql.Server.Protocol;

public sealed class ProtocolException(string message, string sqlState = SqlStates.ProtocolViolation) : Exception(message)
{
    public string SqlState { get; } = sqlState;
}
