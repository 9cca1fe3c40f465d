// A violation of the wire protocol by the client: the connection answers with an ErrorResponse
// (SQLSTATE 08P01) when it still can, then closes.
namespace Wasql.Server.Protocol;

public sealed class ProtocolException(string message, string sqlState = "08P01") : Exception(message)
{
    public string SqlState { get; } = sqlState;
}
