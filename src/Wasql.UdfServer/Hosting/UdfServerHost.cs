// Runs the Flight service on Kestrel: HTTP/2 (cleartext, or TLS with a PEM certificate), the gRPC health service for
// load balancers, a message-size cap, the catalog reload timer, and graceful shutdown (StopAsync, or SIGTERM through
// the host's lifetime: running exchanges finish within ShutdownTimeout, new ones are refused).
using System.Net;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wasql.Database.Catalog;
using Wasql.Udf;
using Wasql.UdfServer.Flight;
using Wasql.UdfServer.Functions;

namespace Wasql.UdfServer.Hosting;

public sealed class UdfServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly UdfRuntime _runtime;
    private readonly ReadOnlyFunctionCatalog _catalog;
    private readonly Timer _reloadTimer;

    private UdfServerHost(WebApplication app, UdfRuntime runtime, ReadOnlyFunctionCatalog catalog, Timer reloadTimer, Uri address, IReadOnlyList<string> functions)
    {
        _app = app;
        _runtime = runtime;
        _catalog = catalog;
        _reloadTimer = reloadTimer;
        Address = address;
        Functions = functions;
    }

    /// <summary>The address clients use, e.g. <c>http://127.0.0.1:8815</c> (the real port when 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>Signatures of the functions served at start.</summary>
    public IReadOnlyList<string> Functions { get; }

    /// <summary>Completes when the host has stopped (SIGTERM, Ctrl-C or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Opens the catalog read-only, starts listening and prints the startup line to <paramref name="log"/>.</summary>
    public static async Task<UdfServerHost> StartAsync(UdfServerOptions options, TextWriter log, CancellationToken ct = default)
    {
        var runtime = new UdfRuntime(options.Limits);
        ReadOnlyFunctionCatalog? catalog = null;
        try
        {
            catalog = ReadOnlyFunctionCatalog.Open(options.DatabasePath, runtime);
            var requests = new RequestLog(log, options.Verbose);
            var directory = new FunctionDirectory(catalog);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Listen(options.Listen, l =>
                {
                    l.Protocols = HttpProtocols.Http2;
                    if (options.TlsCertPath is { } cert)
                        l.UseHttps(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, options.TlsKeyPath));
                });
                k.Limits.MaxRequestBodySize = null;   // gRPC streams: the per-message cap below applies instead
            });
            builder.Services.AddSingleton(directory);
            builder.Services.AddSingleton(new ExchangeLimiter(options.MaxConcurrency));
            builder.Services.AddSingleton(requests);
            builder.Services.AddGrpc(o =>
            {
                o.MaxReceiveMessageSize = options.MaxMessageBytes;
                o.MaxSendMessageSize = null;
                o.EnableDetailedErrors = false;
            }).AddFlightServer<WasqlFlightService>();
            var health = new HealthServiceImpl();
            builder.Services.AddSingleton(health);
            var app = builder.Build();
            app.MapFlightEndpoint();
            app.MapGrpcService<HealthServiceImpl>();
            await app.StartAsync(ct);
            health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
            app.Lifetime.ApplicationStopping.Register(() => health.SetStatus("", HealthCheckResponse.Types.ServingStatus.NotServing));

            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var address = new Uri(bound.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
            var signatures = directory.All.Select(f => f.Info.Signature).ToList();
            requests.Line($"wasql udf-server listening on {address.GetLeftPart(UriPartial.Authority)} ({(options.TlsCertPath is null ? "h2c" : "TLS")}), "
                + $"database {options.DatabasePath} (read-only), {signatures.Count} functions: {(signatures.Count == 0 ? "none" : string.Join(", ", signatures))}");
            foreach (var error in directory.LoadErrors) requests.Line("not served: " + error);
            var timer = new Timer(_ =>
            {
                try
                {
                    if (directory.Reload()) requests.Line($"catalog changed: {directory.All.Count()} functions: {string.Join(", ", directory.All.Select(f => f.Info.Signature))}");
                }
                catch (Exception e)
                {
                    requests.Line("reload failed: " + e.Message);
                }
            }, null, options.ReloadInterval, options.ReloadInterval);
            return new UdfServerHost(app, runtime, catalog, timer, address, signatures);
        }
        catch
        {
            catalog?.Dispose();
            runtime.Dispose();
            throw;
        }
    }

    /// <summary>Stops taking exchanges, lets running ones finish (up to the shutdown timeout), then stops.</summary>
    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _reloadTimer.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _catalog.Dispose();
        _runtime.Dispose();
    }
}
