// `wasql udf-server`: serves a database's functions to RisingWave and Databend over Arrow Flight (their remote UDF
// protocol) until SIGINT/SIGTERM. Options map onto Wasql.UdfServer.UdfServerOptions.
using System.Net;
using Wasql.UdfServer;
using Wasql.UdfServer.Hosting;

namespace Wasql.Cli.Commands;

internal static class UdfServerCommand
{
    public const string Usage = "usage: wasql udf-server --db FILE [--listen 127.0.0.1:8815] [--tls-cert CERT.pem --tls-key KEY.pem] " +
        "[--max-concurrency N] [--max-message-size 64MiB] [--timeout 1s] [--verbose]";

    public static int Run(string[] args)
    {
        string? db = null, tlsCert = null, tlsKey = null;
        var listen = new IPEndPoint(IPAddress.Loopback, UdfServerOptions.DefaultPort);
        int concurrency = Environment.ProcessorCount, maxMessage = 64 << 20;
        TimeSpan? deadline = null;
        bool verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            string opt = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{opt} needs a value\n{Usage}");
            switch (opt)
            {
                case "-h" or "--help": Console.Out.WriteLine(Usage); return 0;
                case "--db": db = Value(); break;
                case "--listen": listen = Sizes.ParseListen(Value(), opt, UdfServerOptions.DefaultPort); break;
                case "--tls-cert": tlsCert = Value(); break;
                case "--tls-key": tlsKey = Value(); break;
                case "--max-concurrency": concurrency = (int)Sizes.ParseCount(Value(), opt); break;
                case "--max-message-size": maxMessage = (int)Sizes.ParseBytes(Value(), opt); break;
                case "--timeout": deadline = Sizes.ParseDuration(Value(), opt); break;
                case "--verbose": verbose = true; break;
                default: throw new UsageException($"unknown option {opt}\n{Usage}");
            }
        }
        if (db is null) throw new UsageException($"--db is required\n{Usage}");
        if ((tlsCert is null) != (tlsKey is null)) throw new UsageException("--tls-cert and --tls-key go together");
        if (concurrency < 1) throw new UsageException("--max-concurrency must be at least 1");
        var options = new UdfServerOptions
        {
            DatabasePath = db,
            Listen = listen,
            TlsCertPath = tlsCert,
            TlsKeyPath = tlsKey,
            MaxConcurrency = concurrency,
            MaxMessageBytes = maxMessage,
            Verbose = verbose,
            Limits = deadline is { } d ? new Wasql.Udf.UdfLimits { Deadline = d } : new Wasql.Udf.UdfLimits(),
        };
        UdfServerHost host;
        try
        {
            host = UdfServerHost.StartAsync(options, Console.Error).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is Wasql.Database.WasqlException or IOException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"wasql: {e.Message}");
            return 1;
        }
        // SIGTERM/SIGINT reach the host's console lifetime: running exchanges finish, new ones are refused.
        host.WaitForShutdownAsync().GetAwaiter().GetResult();
        host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
