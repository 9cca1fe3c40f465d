// The listener of `wasql serve`: accepts TCP clients up to MaxConnections, runs each as a PgConnection
// task, keeps the (process id, secret key) table for CancelRequest, and stops cleanly.
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using Wasql.Server.Auth;
using Wasql.Server.Sessions;
using Wasql.Server.Connection;
using Wasql.Server.Protocol;
using Wasql.Database;

namespace Wasql.Server;

public sealed class PgServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, PgConnection> _connections = new();
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();
    private Task? _acceptLoop;
    private int _nextPid = 1000;

    public PgServer(WasqlDatabase database, ServerOptions? options = null)
    {
        Database = database;
        Options = options ?? new ServerOptions();
        Users = new UserStore(database);
        _listener = new TcpListener(Options.Listen);
        BufferBudget = new Wasql.Database.MemoryBudget(Options.MaxBufferedBytes);
    }

    public WasqlDatabase Database { get; }
    public ServerOptions Options { get; }
    public UserStore Users { get; }
    /// <summary>Salts shown to unknown users during SCRAM (no user enumeration).</summary>
    internal MockAuth MockAuth { get; } = MockAuth.CreateRandom();
    /// <summary>What all connections may hold together in buffered results (ServerOptions.MaxBufferedBytes).</summary>
    public Wasql.Database.MemoryBudget BufferBudget { get; }
    /// <summary>The bound port (after <see cref="Start"/>).</summary>
    public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;
    public int ConnectionCount => _connections.Count;

    private Timer? _watchdog;

    public void Start()
    {
        _listener.Start(512);
        _watchdog = new Timer(_ => { foreach (var c in _connections.Values) c.CheckClientGone(); }, null, 250, 250);
        _acceptLoop = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            socket.NoDelay = true;
            var t = Task.Run(() => ServeAsync(socket));
            _tasks[t] = 0;
            _ = t.ContinueWith(x => _tasks.TryRemove(x, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        int pid = Interlocked.Increment(ref _nextPid);
        var conn = new PgConnection(this, socket, pid, RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue));
        try
        {
            bool full = _connections.Count >= Options.MaxConnections;
            if (!full) _connections[pid] = conn;
            await conn.RunAsync(_stop.Token, serverFull: full);
        }
        catch (Exception e)
        {
            Options.Log?.WriteLine($"wasql serve: connection {pid}: {e.Message}");
        }
        finally
        {
            _connections.TryRemove(pid, out _);
            conn.Dispose();
            try { socket.Shutdown(SocketShutdown.Both); } catch (Exception) { }
            socket.Dispose();
        }
    }

    /// <summary>Handles a CancelRequest: cancels the statement of the connection with that key, if any.</summary>
    internal void CancelBackend(int pid, int key)
    {
        if (_connections.TryGetValue(pid, out var c) && c.SecretKey == key) c.RequestCancel(CancelReason.ClientRequest);
    }

    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener.Stop();
        _watchdog?.Dispose();
        if (_acceptLoop is not null) await _acceptLoop;
        var pending = _tasks.Keys.ToArray();
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(10)));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
