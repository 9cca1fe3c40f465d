// `wasql serve`: serves a database over the PostgreSQL wire protocol (psql, drivers, BI tools) until
// SIGINT/SIGTERM. Options map onto Wasql.Server.ServerOptions.
using System.Net;
using System.Runtime.InteropServices;
using Wasql.Database;
using Wasql.Server;
using Wasql.Server.Sessions;

namespace Wasql.Cli.Commands;

internal static class ServeCommand
{
    public const string Usage = "usage: wasql serve --db FILE [--listen 127.0.0.1:5433] [--auth trust|scram-sha-256] [--user NAME=PASSWORD]... " +
        "[--tls-cert CERT.pem --tls-key KEY.pem [--require-tls]] [--max-connections 100] [--idle-timeout 10min] [--idle-in-transaction-timeout 1min] [--statement-timeout 0] " +
        "[--max-message-size 64MiB] [--max-buffered 1GiB] [--authentication-timeout 60s] [--verbose]";

    public static int Run(string[] args)
    {
        string? db = null;
        var options = new ServerOptions();
        var users = new List<(string, string)>();
        string? tlsCert = null, tlsKey = null;
        for (int i = 0; i < args.Length; i++)
        {
            string opt = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{opt} needs a value\n{Usage}");
            switch (opt)
            {
                case "-h" or "--help": Console.Out.WriteLine(Usage); return 0;
                case "--db": db = Value(); break;
                case "--listen": options.Listen = Sizes.ParseListen(Value(), opt, 5433); break;
                case "--auth":
                    options.Auth = Value().ToLowerInvariant() switch
                    {
                        "trust" => AuthMethod.Trust,
                        "scram-sha-256" or "scram" => AuthMethod.ScramSha256,
                        var a => throw new UsageException($"--auth {a}: use trust or scram-sha-256 (cleartext passwords are refused)"),
                    };
                    break;
                case "--user":
                    var kv = Value();
                    int eq = kv.IndexOf('=');
                    if (eq <= 0) throw new UsageException($"--user {kv}: expected NAME=PASSWORD");
                    users.Add((kv[..eq], kv[(eq + 1)..]));
                    break;
                case "--max-connections": options.MaxConnections = (int)Sizes.ParseCount(Value(), opt); break;
                case "--idle-timeout": options.IdleTimeout = Sizes.ParseDuration(Value(), opt); break;
                case "--idle-in-transaction-timeout": options.IdleInTransactionTimeout = Sizes.ParseDuration(Value(), opt); break;
                case "--statement-timeout": options.StatementTimeout = Sizes.ParseDuration(Value(), opt); break;
                case "--max-message-size": options.MaxMessageSize = (int)Sizes.ParseBytes(Value(), opt); break;
                case "--max-buffered": options.MaxBufferedBytes = Sizes.ParseBytes(Value(), opt); break;
                case "--authentication-timeout": options.AuthenticationTimeout = Sizes.ParseDuration(Value(), opt); break;
                case "--verbose": options.Log = Console.Error; break;
                case "--tls-cert": tlsCert = Value(); break;
                case "--tls-key": tlsKey = Value(); break;
                case "--require-tls": options.RequireTls = true; break;
                default: throw new UsageException($"unknown option {opt}\n{Usage}");
            }
        }
        if (db is null) throw new UsageException($"--db is required\n{Usage}");
        if ((tlsCert is null) != (tlsKey is null)) throw new UsageException("--tls-cert and --tls-key go together");
        if (tlsCert is not null)
        {
            try { options.TlsCertificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(tlsCert, tlsKey); }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException)
            {
                throw new UsageException($"--tls-cert {tlsCert}: {e.Message}");
            }
        }
        else if (options.RequireTls) throw new UsageException("--require-tls needs --tls-cert and --tls-key");

        using var database = WasqlDatabase.Open(db);
        foreach (var e in database.LoadErrors) Console.Error.WriteLine($"wasql: warning: {e}");
        var plugins = Wasql.Plugins.PluginHost.Attach(database, new Wasql.Plugins.PluginOptions { LogSink = PrintPluginLog });
        foreach (var e in plugins.LoadErrors) Console.Error.WriteLine($"wasql: warning: {e}");
        var backend = database;
        var server = new PgServer(backend, options);
        foreach (var (name, password) in users) server.Users.SetPassword(name, password);
        try { server.Start(); }
        catch (System.Net.Sockets.SocketException e)
        {
            Console.Error.WriteLine($"wasql: cannot listen on {options.Listen}: {e.Message}");
            return 1;
        }
        Console.Out.WriteLine($"wasql: serving {db} on {options.Listen.Address}:{server.Port} (auth {(options.Auth == AuthMethod.Trust ? "trust" : "scram-sha-256")})");
        if (options.Auth == AuthMethod.Trust && !System.Net.IPAddress.IsLoopback(options.Listen.Address))
            Console.Error.WriteLine($"wasql: warning: trust authentication on {options.Listen.Address}: any client that reaches this " +
                "address logs in without a password, as a superuser unless it names an ordinary role. Use --auth scram-sha-256 " +
                "(and --tls-cert/--tls-key) when listening beyond loopback.");
        Console.Out.Flush();

        using var done = new ManualResetEventSlim();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; done.Set(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; done.Set(); });
        done.Wait();
        server.StopAsync().GetAwaiter().GetResult();
        return 0;
    }

    /// <summary>Plugin log lines go to stderr (debug lines only with WASQL_PLUGIN_DEBUG=1).</summary>
    private static void PrintPluginLog(Wasql.Plugins.PluginLogEntry e)
    {
        if (e.Level == Wasql.Plugins.PluginLogLevel.Debug && Environment.GetEnvironmentVariable("WASQL_PLUGIN_DEBUG") != "1") return;
        Console.Error.WriteLine("wasql: plugin: " + e);
    }
}
