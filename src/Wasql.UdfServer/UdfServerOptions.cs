// Settings of `wasql udf-server` (command-line flags map one to one).
using System.Net;
using Wasql.Udf;

namespace Wasql.UdfServer;

public sealed class UdfServerOptions
{
    /// <summary>The RisingWave/Databend default port of a UDF server.</summary>
    public const int DefaultPort = 8815;

    /// <summary>The database file whose catalog is served (opened read-only).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Where to listen; port 0 picks a free port (see <see cref="UdfServerHost.Address"/>).</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>PEM certificate and key: HTTP/2 over TLS instead of cleartext HTTP/2 (h2c).</summary>
    public string? TlsCertPath { get; init; }
    public string? TlsKeyPath { get; init; }

    /// <summary>Batches evaluated at once across all exchanges (each on its own pooled instance).</summary>
    public int MaxConcurrency { get; init; } = Environment.ProcessorCount;

    /// <summary>The largest gRPC message accepted (one FlightData: a record batch); larger ones fail with RESOURCE_EXHAUSTED.</summary>
    public int MaxMessageBytes { get; init; } = 64 << 20;

    /// <summary>How often the catalog is checked for functions created or dropped since (also on the <c>reload</c> action).</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a SIGTERM waits for running exchanges before they are cut.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Per-call limits of the sandbox (deadline, memory, instances per module).</summary>
    public UdfLimits Limits { get; init; } = new();

    /// <summary>Log one line per request (method, function, rows, time, outcome).</summary>
    public bool Verbose { get; init; }
}
