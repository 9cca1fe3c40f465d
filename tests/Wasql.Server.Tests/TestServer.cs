// Starts a PgServer in-process on 127.0.0.1 with an ephemeral port over a fresh database file, and helpers
// to run psql against it and to find the shared fixtures.
using System.Diagnostics;
using System.Net;
using Wasql.Database;
using Wasql.Server.Sessions;

namespace Wasql.Server.Tests;

internal sealed class TestServer : IAsyncDisposable
{
    public required string DbPath { get; init; }
    public required WasqlDatabase Database { get; init; }
    public required PgServer Server { get; init; }
    public int Port => Server.Port;

    public static TestServer Start(Action<ServerOptions>? configure = null, WasqlOptions? database = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"wasql-server-test-{Guid.NewGuid():N}.db");
        var db = WasqlDatabase.Open(path, database);
        var options = new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), IdleTimeout = TimeSpan.FromMinutes(2) };
        configure?.Invoke(options);
        var server = new PgServer(db, options);
        server.Start();
        return new TestServer { DbPath = path, Database = db, Server = server };
    }

    public string ConnectionString(string extra = "") =>
        $"Host=127.0.0.1;Port={Port};Username=tester;Database=wasql;Pooling=false;Timeout=15;Command Timeout=60;{extra}";

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Database.Dispose();
        foreach (var p in new[] { DbPath, DbPath + "-wal", DbPath + "-shm" })
            try { File.Delete(p); } catch (IOException) { }
    }

    /// <summary>Runs psql with a script on stdin (no psqlrc, stop on error unless told otherwise); <paramref name="extraArgs"/>
    /// such as <c>-c SQL</c> go after the connection options.</summary>
    public (int Exit, string Out, string Err) Psql(string script, bool stopOnError = true, string user = "tester", string? password = null, string? sslMode = null,
        IEnumerable<string>? extraArgs = null)
    {
        var psi = new ProcessStartInfo("psql");
        foreach (var a in new[] { "-X", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", user, "-d", "wasql", "-v", $"ON_ERROR_STOP={(stopOnError ? 1 : 0)}", "-P", "pager=off" })
            psi.ArgumentList.Add(a);
        foreach (var a in extraArgs ?? []) psi.ArgumentList.Add(a);
        psi.Environment["PGCONNECT_TIMEOUT"] = "10";
        psi.Environment["PGSSLMODE"] = sslMode ?? "disable";
        if (password is not null) psi.Environment["PGPASSWORD"] = password;
        else psi.Environment.Remove("PGPASSWORD");
        return Wasql.Tests.Shared.ScriptedProcess.Run(psi, script);
    }

    public static string Shared => Wasql.Tests.Shared.TestPaths.Shared;

    public static string GcdWasm => Wasql.Tests.Shared.TestPaths.ArrowUdfFixture("databend_gcd.wasm");
}
