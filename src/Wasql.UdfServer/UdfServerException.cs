// The one error type of the UDF server: what went wrong, for which function, as the gRPC status a client sees.
// The Flight service turns it into an RpcException whose detail reads "function NAME: CAUSE".
using Grpc.Core;

namespace Wasql.UdfServer;

public sealed class UdfServerException(StatusCode code, string? function, string cause, Exception? inner = null)
    : Exception(function is null ? cause : $"function {function}: {cause}", inner)
{
    public StatusCode Code { get; } = code;
    public string? Function { get; } = function;
    public string Cause { get; } = cause;

    public RpcException ToRpc() => new(new Status(Code, Message));
}
