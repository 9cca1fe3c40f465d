// One client: the startup → authentication → ready state machine, the message loop, transaction status,
// statement execution on the connection's DbWorker with cancellation (CancelRequest, statement_timeout,
// client gone) and timeouts. The query flows live in PgConnection.Simple.cs and PgConnection.Extended.cs.
using System.Net.Sockets;
using System.Text;
using Wasql.Server.Auth;
using Wasql.Database.Sql;
using Wasql.Server.Sessions;
using Wasql.Server.Catalog;
using Wasql.Server.Protocol;
using Wasql.Database;

namespace Wasql.Server.Connection;

internal sealed partial class PgConnection : IPreparedStatements, IDisposable
{
    private const int ProtocolV3 = 196608, SslRequestCode = 80877103, GssEncRequestCode = 80877104, CancelRequestCode = 80877102;

    private readonly PgServer _server;
    private readonly Socket _socket;
    private readonly ServerOptions _options;
    private readonly MessageReader _in;
    private readonly MessageWriter _out;
    private WasqlConnection? _session;
    private DbWorker? _worker;
    private readonly object _cancelLock = new();
    private bool _running;
    private CancelReason _cancelReason;
    private bool _failedTx;
    private bool _tls;
    private readonly SessionState _state;

    public int ProcessId { get; }
    public int SecretKey { get; }
    public string User => _state.User;

    public PgConnection(PgServer server, Socket socket, int processId, int secretKey)
    {
        _server = server;
        _socket = socket;
        _options = server.Options;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _in = new MessageReader(stream, ServerOptions.MaxPreAuthMessageSize);
        _out = new MessageWriter(stream);
        ProcessId = processId;
        SecretKey = secretKey;
        _state = new SessionState(_options, server.Database, this);
    }

    internal WasqlConnection Session => _session!;
    internal PgServer Server => _server;

    /// <summary>Serves the client. On a full server (<paramref name="serverFull"/>) the startup still runs up to
    /// the startup packet (SSLRequest answered, CancelRequest served) and the client then gets 53300, so it
    /// reports the real reason instead of a broken SSL exchange.</summary>
    public async Task RunAsync(CancellationToken stop, bool serverFull = false)
    {
        try
        {
            using (var startupCts = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                startupCts.CancelAfter(_options.AuthenticationTimeout);
                if (await StartupAsync(serverFull, startupCts.Token) is not { } database) return;
                // Opening the session is the server's own work (it may load and compile modules): like Postgres'
                // authentication_timeout, the limit covers what the client controls, up to authentication.
                await StartSessionAsync(database, stop);
            }
            await MessageLoopAsync(stop);
        }
        catch (ProtocolException e)
        {
            await TrySendFatalAsync(e.SqlState, e.Message);
        }
        catch (AuthException e)
        {
            await TrySendFatalAsync(SqlStates.InvalidPassword, e.Message);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await TrySendFatalAsync(SqlStates.AdminShutdown, "terminating connection due to administrator command");
        }
        catch (OperationCanceledException) { /* idle / startup / write timeout */ }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or ObjectDisposedException
                                   or System.Security.Authentication.AuthenticationException) { }
        catch (Exception e)
        {
            _options.Log?.WriteLine($"wasql serve: connection {ProcessId}: {e}");
            await TrySendFatalAsync(SqlStates.InternalError, "internal error: " + e.Message);
        }
    }

    private async Task TrySendFatalAsync(string state, string message)
    {
        try
        {
            _out.ErrorOrNotice(true, "FATAL", state, message);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _out.FlushAsync(cts.Token);
        }
        catch (Exception) { }
    }

    // ---------------- startup and authentication ----------------

    /// <summary>Startup packet(s) and authentication; returns the database to open, or null when the client is done
    /// (EOF, CancelRequest).</summary>
    private async Task<string?> StartupAsync(bool serverFull, CancellationToken ct)
    {
        while (true)
        {
            using var msg = await _in.ReadStartupAsync(ct);
            if (msg is null) return null;
            var r = msg.Body;
            int code = r.Int32();
            switch (code)
            {
                case SslRequestCode when _options.TlsCertificate is not null && !_tls:
                    if (r.Remaining != 0 || _in.Buffered != 0)   // nothing may be pipelined before the handshake
                        throw new ProtocolException("invalid SSL request");
                    _out.Byte((byte)'S');
                    await _out.FlushAsync(ct);
                    var ssl = new System.Net.Security.SslStream(_in.Stream, leaveInnerStreamOpen: false);
                    await ssl.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions
                    {
                        ServerCertificate = _options.TlsCertificate,
                        EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                    }, ct);
                    _in.Stream = ssl;
                    _out.Stream = ssl;
                    _tls = true;
                    continue;
                case SslRequestCode:
                case GssEncRequestCode:
                    if (r.Remaining != 0) throw new ProtocolException("invalid encryption request");
                    _out.Byte((byte)'N');          // no TLS / GSS encryption: the client continues in the clear or gives up
                    await _out.FlushAsync(ct);
                    continue;
                case CancelRequestCode:
                    {
                        int pid = r.Int32(), key = r.Int32();
                        _server.CancelBackend(pid, key);
                        return null;
                    }
            }
            if (serverFull) throw new ProtocolException("sorry, too many clients already", SqlStates.TooManyConnections);
            if (_options.RequireTls && !_tls)
                throw new ProtocolException("this server requires TLS (SSL mode require)", SqlStates.InvalidAuthorization);
            if (code >> 16 != 3)
                throw new ProtocolException($"unsupported frontend protocol {code >> 16}.{code & 0xffff}: server supports 3.0 to 3.0", SqlStates.FeatureNotSupported);
            var parameters = new Dictionary<string, string>();
            while (true)
            {
                var name = r.CString();
                if (name.Length == 0) break;
                parameters[name] = r.CString();
            }
            if (code != ProtocolV3)
            {
                // NegotiateProtocolVersion: we speak 3.0 and none of the _pq_ options.
                _out.Start((byte)'v'); _out.Int32(ProtocolV3);
                var opts = parameters.Keys.Where(k => k.StartsWith("_pq_.")).ToList();
                _out.Int32(opts.Count); foreach (var o in opts) _out.CString(o);
                _out.End();
            }
            if (!parameters.TryGetValue("user", out var user) || user.Length == 0)
                throw new ProtocolException("no PostgreSQL user name specified in startup packet", SqlStates.InvalidAuthorization);
            _state.User = user;
            foreach (var (k, v) in parameters)
                if (!k.StartsWith("_pq_.") && k is not ("user" or "database" or "options" or "replication")) _state.Settings[k] = v;
            if (parameters.TryGetValue("replication", out var repl) && repl is not ("false" or "off" or "0"))
                throw new ProtocolException("replication connections are not supported", SqlStates.FeatureNotSupported);
            await AuthenticateAsync(user, ct);
            _in.MaxMessageSize = _options.MaxMessageSize;
            _in.Budget = _server.BufferBudget;
            return parameters.GetValueOrDefault("database") ?? user;
        }
    }

    private async Task AuthenticateAsync(string user, CancellationToken ct)
    {
        if (_options.Auth == AuthMethod.ScramSha256)
        {
            var verifier = Scram.ParseVerifier(await Task.Run(() => _server.Users.GetVerifier(user), ct));
            var exchange = new Scram.Exchange(verifier, _server.MockAuth.VerifierFor(user));
            _out.AuthenticationSasl(Scram.Mechanism);
            await _out.FlushAsync(ct);
            string clientFirst;
            using (var m = await ReadAuthMessageAsync(ct))
            {
                var r = m.Body;
                var mech = r.CString();
                if (mech != Scram.Mechanism) throw new AuthException($"SASL mechanism {mech} is not supported");
                int len = r.Int32();
                clientFirst = Encoding.UTF8.GetString(r.Bytes(len));
            }
            _out.AuthenticationSaslContinue(Encoding.UTF8.GetBytes(exchange.First(clientFirst)));
            await _out.FlushAsync(ct);
            string clientFinal;
            using (var m = await ReadAuthMessageAsync(ct)) clientFinal = Encoding.UTF8.GetString(m.Span);
            var serverFinal = exchange.Final(clientFinal) ?? throw new AuthException($"password authentication failed for user \"{user}\"");
            _out.AuthenticationSaslFinal(Encoding.UTF8.GetBytes(serverFinal));
        }
        _out.AuthenticationOk();
    }

    private async Task<Message> ReadAuthMessageAsync(CancellationToken ct)
    {
        var m = await _in.ReadAsync(ct) ?? throw new EndOfStreamException();
        if (m.Type != (byte)'p') { m.Dispose(); throw new ProtocolException($"expected SASL response, got message type '{(char)m.Type}'"); }
        return m;
    }

    private async Task StartSessionAsync(string database, CancellationToken ct)
    {
        _worker = new DbWorker($"wasql-conn-{ProcessId}");
        var address = _socket.RemoteEndPoint is System.Net.IPEndPoint ip
            ? (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString() : "local";
        var client = new ClientInfo(User, address, database, _state.Settings.GetValueOrDefault("application_name") ?? "",
            Trusted: _options.Auth == AuthMethod.Trust);
        try { _session = await _worker.Run(() => DatabaseSessions.Open(_server.Database, client)); _session.MemoryBudget = _server.BufferBudget; }
        catch (WasqlException e) { throw new ProtocolException("could not open the database: " + e.Message, SqlStates.InvalidCatalogName); }
        _state.Database = _session;
        _state.Settings[SessionState.DatabaseSetting] = database;
        _state.DefaultLockTimeout = _session.LockTimeout;
        foreach (var (name, value) in ReportedParameters())
            _out.ParameterStatus(name, value);
        _out.BackendKeyData(ProcessId, SecretKey);
        _out.ReadyForQuery('I');
        await _out.FlushAsync(ct);
    }

    private IEnumerable<(string, string)> ReportedParameters()
    {
        yield return ("server_version", _options.ServerVersion);
        yield return ("server_encoding", "UTF8");
        yield return ("client_encoding", "UTF8");
        yield return ("DateStyle", "ISO, MDY");
        yield return ("IntervalStyle", "postgres");
        yield return ("TimeZone", "UTC");
        yield return ("integer_datetimes", "on");
        yield return ("standard_conforming_strings", "on");
        yield return ("is_superuser", "on");
        yield return ("session_authorization", User);
        yield return ("application_name", _state.Settings.GetValueOrDefault("application_name") ?? "");
    }

    // ---------------- the message loop ----------------

    private bool _skipToSync;

    /// <summary>How long the session may wait for its next message: the idle timeout, or the shorter
    /// idle-in-transaction timeout while a transaction is open; zero means no limit.</summary>
    private TimeSpan IdleLimit(bool inTransaction)
    {
        TimeSpan idle = _options.IdleTimeout, inTx = _options.IdleInTransactionTimeout;
        if (!inTransaction || inTx <= TimeSpan.Zero) return idle;
        return idle > TimeSpan.Zero && idle < inTx ? idle : inTx;
    }

    private async Task MessageLoopAsync(CancellationToken stop)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        while (true)
        {
            bool inTransaction = _session is { InTransaction: true };
            var limit = IdleLimit(inTransaction);
            if (limit > TimeSpan.Zero && !idle.TryReset())
                throw new OperationCanceledException();
            if (limit > TimeSpan.Zero) idle.CancelAfter(limit);
            Message? msg;
            try { msg = await _in.ReadAsync(idle.Token); }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                if (inTransaction && _options.IdleInTransactionTimeout > TimeSpan.Zero && limit == _options.IdleInTransactionTimeout)
                    await TrySendFatalAsync(SqlStates.IdleInTransactionSessionTimeout, "terminating connection due to idle-in-transaction timeout");
                else
                    await TrySendFatalAsync(SqlStates.IdleSessionTimeout, "terminating connection due to idle-session timeout");
                return;
            }
            if (msg is null) return;
            using (msg)
            {
                idle.CancelAfter(Timeout.Infinite);
                char type = (char)msg.Type;
                if (type == 'X') return;
                if (_skipToSync && type is 'P' or 'B' or 'D' or 'E' or 'C' or 'H') continue;
                switch (type)
                {
                    case 'Q': await SimpleQueryAsync(msg, stop); break;
                    case 'P': await GuardAsync(() => ParseAsync(msg)); break;
                    case 'B': await GuardAsync(() => BindAsync(msg)); break;
                    case 'D': await GuardAsync(() => DescribeAsync(msg, stop)); break;
                    case 'E': await GuardAsync(() => ExecuteAsync(msg, stop)); break;
                    case 'C': await GuardAsync(() => CloseAsync(msg)); break;
                    case 'H': await FlushAsync(); break;
                    case 'S':
                        msg.Body.End();
                        _skipToSync = false;
                        await SyncAsync();
                        break;
                    case 'F':
                        await GuardAsync(() => throw new WasqlException(SqlStates.FeatureNotSupported, "the fastpath function call protocol is not supported"));
                        break;
                    case 'd': case 'c': case 'f':
                        break;                   // COPY data outside COPY: ignored, as Postgres does
                    default:
                        throw new ProtocolException($"invalid frontend message type {msg.Type}");
                }
                if (_out.Pending > 256 << 10) await FlushAsync();
            }
        }
    }

    /// <summary>Runs an extended-protocol step; a SQL error is reported and the rest up to Sync skipped.</summary>
    private async Task GuardAsync(Func<Task> step)
    {
        try { await step(); }
        catch (WasqlException e)
        {
            if (_session!.InTransaction) _failedTx = true;
            WriteError(e, 0);
            _skipToSync = true;
        }
    }

    internal async Task FlushAsync()
    {
        using var cts = new CancellationTokenSource(_options.WriteTimeout);
        await _out.FlushAsync(cts.Token);
    }

    private char TransactionStatus => _failedTx ? 'E' : _session!.InTransaction ? 'T' : 'I';

    private async Task SyncAsync()
    {
        if (!_session!.InTransaction && !_failedTx && _portals.Remove("", out var unnamed)) await CloseRowsAsync(unnamed.Rows);
        _out.ReadyForQuery(TransactionStatus);
        await FlushAsync();
    }

    private void WriteError(WasqlException e, int offset)
    {
        WriteNotices();
        int? pos = e.Position is > 0 ? e.Position + offset : null;
        _out.ErrorOrNotice(true, "ERROR", e.SqlState, e.Message, pos, e.Detail, e.Hint, e.Where);
    }

    private void WriteNotices()
    {
        foreach (var (sev, state, message) in _state.Notices) _out.ErrorOrNotice(false, sev, state, message);
        _state.Notices.Clear();
    }

    // ---------------- statement execution ----------------

    /// <summary>Starts one statement (interceptions first) on the DB thread and fetches its first batch of rows.
    /// Call inside <see cref="EnterStatement"/> when the rows are streamed afterwards.</summary>
    private async Task<RowStream> StartAsync(string sql, Func<WasqlRowReader>? dbCall, CancellationToken stop)
    {
        if (_failedTx)
        {
            var kw = SqlText.FirstKeyword(sql);
            if (kw is "ROLLBACK" or "ABORT" or "COMMIT" or "END")
            {
                await RunOnWorkerAsync(() => _session!.InTransaction ? _session.ExecuteInternal("ROLLBACK") : null!, stop);
                _failedTx = false;
                return new RowStream(_session!.ReaderFor(new QueryResult([], [], 0, "ROLLBACK")), null);
            }
            throw new WasqlException(SqlStates.InFailedSqlTransaction, "current transaction is aborted, commands ignored until end of transaction block");
        }
        try
        {
            // A prepared database statement was classified at Parse: no interception on each execution.
            var stream = await RunOnWorkerAsync(() =>
            {
                var reader = dbCall?.Invoke()
                    ?? (Interceptor.TryHandle(_state, sql) is { } answered ? _session!.ReaderFor(answered) : _session!.ExecuteReader(sql));
                var rows = new RowStream(reader, _session!.MemoryBudget);
                try { rows.Fetch(); }
                catch { rows.Dispose(); throw; }
                return rows;
            }, stop);
            foreach (var n in stream.TakeNotices()) _state.Notices.Add(("NOTICE", SqlStates.SuccessfulCompletion, n));
            return stream;
        }
        catch (WasqlException e)
        {
            foreach (var n in e.Notices) _state.Notices.Add(("NOTICE", SqlStates.SuccessfulCompletion, n));
            if (_session!.InTransaction) _failedTx = true;
            throw;
        }
    }

    /// <summary>Finishes a statement's rows on the DB thread (after-hooks run, its buffer budget is returned).</summary>
    private async Task CloseRowsAsync(RowStream? rows)
    {
        if (rows is null) return;
        if (!rows.CloseOnWorker) rows.Dispose();
        else
        {
            try { await RunOnWorkerAsync(() => { rows.Dispose(); return 0; }, CancellationToken.None); }
            catch (WasqlException) { }
        }
        foreach (var n in rows.TakeNotices()) _state.Notices.Add(("NOTICE", SqlStates.SuccessfulCompletion, n));
    }

    private int _statementDepth;

    /// <summary>Marks a statement as running until disposed: CancelRequest, statement_timeout, server stop and the
    /// client-gone watchdog interrupt it, also between the batches of a streamed result. Nested scopes add nothing.</summary>
    private StatementScope EnterStatement(CancellationToken stop) => new(this, stop);

    private sealed class StatementScope : IDisposable
    {
        private readonly PgConnection _c;
        private readonly bool _outer;
        private readonly Timer? _timer;
        private readonly CancellationTokenRegistration _reg;

        public StatementScope(PgConnection c, CancellationToken stop)
        {
            _c = c;
            _outer = c._statementDepth++ == 0;
            if (!_outer) return;
            lock (c._cancelLock) { c._running = true; c._cancelReason = CancelReason.None; }
            if (c._state.StatementTimeout > TimeSpan.Zero)
                _timer = new Timer(_ => c.RequestCancel(CancelReason.StatementTimeout), null, c._state.StatementTimeout, Timeout.InfiniteTimeSpan);
            _reg = stop.Register(() => c.RequestCancel(CancelReason.ServerStopping));
        }

        public void Dispose()
        {
            _c._statementDepth--;
            if (!_outer) return;
            _timer?.Dispose();
            _reg.Dispose();
            lock (_c._cancelLock) _c._running = false;
        }
    }

    internal async Task<T> RunOnWorkerAsync<T>(Func<T> f, CancellationToken stop)
    {
        using var scope = EnterStatement(stop);
        try
        {
            // A client that disconnects meanwhile is noticed by PgServer's watchdog (CheckClientGone).
            return await _worker!.Run(f);
        }
        catch (WasqlException e) when (_cancelReason != CancelReason.None || e.SqlState == SqlStates.QueryCanceled)
        {
            throw new WasqlException(SqlStates.QueryCanceled, _cancelReason switch
            {
                CancelReason.StatementTimeout => "canceling statement due to statement timeout",
                CancelReason.ClientGone => "canceling statement due to client disconnect",
                CancelReason.ServerStopping => "canceling statement due to server shutdown",
                _ => "canceling statement due to user request",
            });
        }
        catch (Exception e) when (e is not WasqlException and not OperationCanceledException)
        {
            throw new WasqlException(SqlStates.InternalError, e.Message, null, e);
        }
    }

    /// <summary>Cancels the running statement, if any (CancelRequest, timeout, disconnect, shutdown).</summary>
    public void RequestCancel(CancelReason reason)
    {
        lock (_cancelLock)
        {
            if (!_running || _cancelReason != CancelReason.None) return;
            _cancelReason = reason;
            try { _session?.Cancel(); } catch (Exception) { }
            try { _copyCancel?.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    /// <summary>Called periodically by the server: cancels the running statement of a client that hung up.</summary>
    internal void CheckClientGone()
    {
        if (Volatile.Read(ref _running) && ClientGone()) RequestCancel(CancelReason.ClientGone);
    }

    private bool ClientGone()
    {
        try { return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0; }
        catch (Exception) { return true; }
    }

    public void Dispose()
    {
        var session = _session;
        var worker = _worker;
        if (worker is not null)
        {
            if (session is not null)
            {
                RequestCancel(CancelReason.ClientGone);
                // Dispose the session on its own thread, after any running statement stops.
                var statements = OwnedStatements().ToList();
                var streams = _portals.Values.Select(p => p.Rows).OfType<RowStream>().ToList();
                worker.Run(() =>
                {
                    foreach (var r in streams) r.Dispose();
                    foreach (var s in statements) s.Dispose();
                    session.Dispose();
                    return 0;
                });
            }
            worker.Dispose();
        }
        _in.Dispose();
        _out.Dispose();
    }
}
