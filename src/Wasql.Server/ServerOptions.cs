// Settings of `wasql serve`: where to listen, authentication, limits and timeouts.
using System.Net;

namespace Wasql.Server;

public enum AuthMethod { Trust, ScramSha256 }

public sealed class ServerOptions
{
    /// <summary>Listen address; port 0 picks a free port (see <see cref="PgServer.Port"/>).</summary>
    public IPEndPoint Listen { get; set; } = new(IPAddress.Loopback, 5433);
    public AuthMethod Auth { get; set; } = AuthMethod.Trust;
    public int MaxConnections { get; set; } = 100;
    /// <summary>Largest frontend message accepted (a CREATE FUNCTION with a base64 module must fit).</summary>
    public int MaxMessageSize { get; set; } = 64 << 20;
    /// <summary>What all connections together may hold in buffered results (rows on their way out, results an
    /// after-hook plugin needs whole); past it a statement fails with 53200 out_of_memory instead of the server growing.</summary>
    public long MaxBufferedBytes { get; set; } = 1L << 30;
    /// <summary>A session idle (outside a query) longer than this is closed; zero: never.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>A session idle inside a transaction longer than this is closed (its transaction rolled back), so a client
    /// cannot hold the database's writer lock by opening a transaction and going quiet (PostgreSQL's
    /// idle_in_transaction_session_timeout); zero: only <see cref="IdleTimeout"/> applies.</summary>
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Default statement_timeout; zero: none. Sessions change it with SET statement_timeout.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.Zero;
    /// <summary>From connecting to the end of authentication a client has this long, then it is dropped (Postgres'
    /// authentication_timeout). Opening the session afterwards is the server's own work and is not counted.</summary>
    public TimeSpan AuthenticationTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Largest message accepted before authentication succeeds. SCRAM's messages are a few hundred bytes;
    /// a client that has not logged in cannot make the server reserve more than this per connection.</summary>
    public const int MaxPreAuthMessageSize = 8 << 10;
    /// <summary>A client that does not read its results for this long is disconnected.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Reported as server_version; psql and drivers pick their catalog queries by it.</summary>
    public string ServerVersion { get; set; } = "15.0";
    /// <summary>When set, SSLRequest is answered 'S' and the session runs over TLS with this certificate.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? TlsCertificate { get; set; }
    /// <summary>With a certificate: refuse clients that do not ask for TLS.</summary>
    public bool RequireTls { get; set; }
    /// <summary>Log unrecognized catalog queries and connection errors here (null: quiet).</summary>
    public TextWriter? Log { get; set; }
}
