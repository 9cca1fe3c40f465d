// An in-process `wasql serve` with query plugins attached: a PgServer on 127.0.0.1 (ephemeral port, trust auth) over a
// fresh database file, and Npgsql connections as any user.
using System.Net;
using Npgsql;
using Wasql.Database;
using Wasql.Server;
using Wasql.Server.Sessions;

namespace Wasql.Plugins.Tests;

internal sealed class PluginServer : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"wasql-plugin-server-{Guid.NewGuid():N}.db");

    public PluginServer(PluginOptions? options = null, WasqlOptions? database = null)
    {
        Database = WasqlDatabase.Open(_path, database);
        Plugins = PluginHost.Attach(Database, options);
        Server = new PgServer(Database, new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), IdleTimeout = TimeSpan.FromMinutes(2) });
        Server.Start();
    }

    public WasqlDatabase Database { get; }
    public PluginHost Plugins { get; }
    public PgServer Server { get; }

    public NpgsqlConnection Connect(string user = "tester")
    {
        var c = new NpgsqlConnection($"Host=127.0.0.1;Port={Server.Port};Username={user};Database=wasql;Pooling=false;Timeout=15;Command Timeout=60");
        c.Open();
        return c;
    }

    public static object? Scalar(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteScalar();
    }

    public static int Execute(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteNonQuery();
    }

    public static List<object?[]> Rows(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static PostgresException Fails(NpgsqlConnection c, string sql) =>
        Assert.Throws<PostgresException>(() => Execute(c, sql));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Database.Dispose();
        foreach (var p in new[] { _path, _path + "-wal", _path + "-shm" })
            try { File.Delete(p); } catch (IOException) { }
    }
}
