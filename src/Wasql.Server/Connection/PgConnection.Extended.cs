// The extended query protocol: Parse/Bind/Describe/Execute/Close/Sync over named and unnamed
// prepared statements and portals, text and binary formats, row limits (PortalSuspended).
using Wasql.Database.Sql;
using Wasql.Server.Sessions;
using Wasql.Server.Catalog;
using Wasql.Server.Protocol;
using Wasql.Server.Types;
using Wasql.Database;

namespace Wasql.Server.Connection;

internal sealed partial class PgConnection
{
    internal sealed class Statement
    {
        public required string Sql;
        public required int[] ParamOids;
        public WasqlStatement? Db;             // null: empty query or answered by the Interceptor
        public bool Empty;
        public bool Cached;                   // Db belongs to the unnamed-statement cache
        public int[]? DescribedOids;          // column types promised by Describe (statement)
    }

    private sealed class Portal
    {
        public required Statement Statement;
        public required object?[] Parameters;
        public required short[] ResultFormats;
        public RowStream? Rows;               // the statement's rows while it runs (also while suspended)
        public bool Started;
        public bool Suspended;                // an Execute with a row limit stopped before the end
        public string? DoneTag;               // what executing a finished portal again reports
        public int[]? Oids;
        public bool Binary(int col) => ResultFormats.Length == 1 ? ResultFormats[0] == 1 : col < ResultFormats.Length && ResultFormats[col] == 1;
    }

    private readonly Dictionary<string, Statement> _statements = [];
    private readonly Dictionary<string, Portal> _portals = [];
    private const int MaxStatements = 10_000;

    private async Task ParseAsync(Message msg)
    {
        var r = msg.Body;
        var name = r.CString();
        var sql = r.CString();
        int n = r.Count(4);
        var oids = new int[n];
        for (int i = 0; i < n; i++) oids[i] = r.Int32();
        r.End();
        if (name.Length > 0 && _statements.ContainsKey(name)) throw new WasqlException(SqlStates.DuplicatePreparedStatement, $"prepared statement \"{name}\" already exists");
        if (_statements.Count >= MaxStatements) throw new WasqlException(SqlStates.ProgramLimitExceeded, $"too many prepared statements (limit {MaxStatements})");
        if (_failedTx && SqlText.FirstKeyword(sql) is not ("ROLLBACK" or "ABORT" or "COMMIT" or "END"))
            throw new WasqlException(SqlStates.InFailedSqlTransaction, "current transaction is aborted, commands ignored until end of transaction block");
        var pieces = StatementSplitter.Split(sql);
        if (pieces.Count > 1) throw new WasqlException(SqlStates.SyntaxError, "cannot insert multiple commands into a prepared statement");
        var st = new Statement { Sql = sql, ParamOids = oids, Empty = pieces.Count == 0 };
        if (!st.Empty && !Interceptor.Intercepts(sql))
        {
            if (name.Length == 0)
            {
                // Unnamed statements (drivers' unprepared commands, pgbench -M extended) repeat the same texts:
                // keep their database statements in a small per-connection cache instead of re-preparing.
                st.Db = await CachedPrepareAsync(sql);
                st.Cached = true;
            }
            else st.Db = await RunOnWorkerAsync(() => _session!.Prepare(sql), CancellationToken.None);
            if (st.Db.ParameterCount > oids.Length) Array.Resize(ref st.ParamOids, st.Db.ParameterCount);
        }
        else if (!st.Empty)
        {
            int count = SqlText.MaxParameterNumber(sql);
            if (count > oids.Length) Array.Resize(ref st.ParamOids, count);
        }
        if (_statements.Remove(name, out var old)) await DisposeStatementAsync(old);
        _statements[name] = st;
        _out.ParseComplete();
    }

    private async Task DisposeStatementAsync(Statement s)
    {
        if (s.Db is { } db && !s.Cached) await RunOnWorkerAsync(() => { db.Dispose(); return 0; }, CancellationToken.None);
    }

    private const int UnnamedCacheSize = 64;
    private readonly Dictionary<string, LinkedListNode<(string Sql, WasqlStatement Db)>> _unnamedCache = [];
    private readonly LinkedList<(string Sql, WasqlStatement Db)> _unnamedLru = new();

    private async Task<WasqlStatement> CachedPrepareAsync(string sql)
    {
        if (_unnamedCache.TryGetValue(sql, out var node))
        {
            _unnamedLru.Remove(node);
            _unnamedLru.AddFirst(node);
            return node.Value.Db;
        }
        var db = await RunOnWorkerAsync(() => _session!.Prepare(sql), CancellationToken.None);
        _unnamedCache[sql] = _unnamedLru.AddFirst((sql, db));
        if (_unnamedLru.Count > UnnamedCacheSize)
        {
            var last = _unnamedLru.Last!.Value;
            bool inUse = _statements.Values.Any(x => x.Db == last.Db) || _portals.Values.Any(p => p.Statement.Db == last.Db);
            if (!inUse)
            {
                _unnamedLru.RemoveLast();
                _unnamedCache.Remove(last.Sql);
                await RunOnWorkerAsync(() => { last.Db.Dispose(); return 0; }, CancellationToken.None);
            }
        }
        return db;
    }

    /// <summary>DEALLOCATE name / ALL (null). Runs on the DB thread.</summary>
    public bool Deallocate(string? name)
    {
        if (name is null)
        {
            foreach (var p in _portals.Values) p.Rows?.Dispose();
            foreach (var st in _statements.Values) if (st.Db is { } db && !st.Cached) db.Dispose();
            _statements.Clear();
            _portals.Clear();
            return true;
        }
        if (name.Length == 0 || !_statements.Remove(name, out var one)) return false;
        if (one.Db is { } d && !one.Cached) d.Dispose();
        foreach (var p in _portals.Where(p => p.Value.Statement == one).Select(p => p.Key).ToList())
            if (_portals.Remove(p, out var portal)) portal.Rows?.Dispose();
        return true;
    }

    /// <summary>All database statements this connection holds (for disposal at the end).</summary>
    private IEnumerable<WasqlStatement> OwnedStatements() =>
        _statements.Values.Where(s => s.Db is not null && !s.Cached).Select(s => s.Db!).Concat(_unnamedLru.Select(n => n.Db));

    private async Task BindAsync(Message msg)
    {
        var r = msg.Body;
        var portalName = r.CString();
        var stmtName = r.CString();
        int nf = r.Count(2);
        var formats = new short[nf];
        for (int i = 0; i < nf; i++) formats[i] = r.Int16();
        int np = r.Count(4);
        if (!_statements.TryGetValue(stmtName, out var st))
            throw new WasqlException(SqlStates.InvalidSqlStatementName, $"prepared statement \"{stmtName}\" does not exist");
        if (np != st.ParamOids.Length)
            throw new WasqlException(SqlStates.ProtocolViolation, $"bind message supplies {np} parameters, but prepared statement \"{stmtName}\" requires {st.ParamOids.Length}");
        if (nf > 1 && nf != np) throw new WasqlException(SqlStates.ProtocolViolation, $"bind message has {nf} parameter formats but {np} parameters");
        var values = new object?[np];
        for (int i = 0; i < np; i++)
        {
            int len = r.Int32();
            if (len == -1) { values[i] = null; continue; }
            var data = r.Bytes(len);
            bool binary = nf == 1 ? formats[0] == 1 : nf > 1 && formats[i] == 1;
            values[i] = ValueDecoder.Decode(st.ParamOids[i], data, binary);
        }
        int nr = r.Count(2);
        var rf = new short[nr];
        for (int i = 0; i < nr; i++) rf[i] = r.Int16();
        r.End();
        if (portalName.Length > 0 && _portals.ContainsKey(portalName)) throw new WasqlException(SqlStates.DuplicateCursor, $"cursor \"{portalName}\" already exists");
        if (_portals.Count >= MaxStatements) throw new WasqlException(SqlStates.ProgramLimitExceeded, "too many portals");
        if (_portals.Remove(portalName, out var replaced)) await CloseRowsAsync(replaced.Rows);
        _portals[portalName] = new Portal { Statement = st, Parameters = values, ResultFormats = rf };
        _out.BindComplete();
    }

    private async Task DescribeAsync(Message msg, CancellationToken stop)
    {
        var r = msg.Body;
        byte kind = r.Byte();
        var name = r.CString();
        r.End();
        if (kind == (byte)'S')
        {
            if (!_statements.TryGetValue(name, out var st)) throw new WasqlException(SqlStates.InvalidSqlStatementName, $"prepared statement \"{name}\" does not exist");
            _out.ParameterDescription(st.ParamOids.Select(o => o == 0 ? Oid.Text : o).ToArray());
            if (st.Db is { } db)
            {
                if (db.Columns.Count == 0) { _out.NoData(); return; }
                st.DescribedOids ??= DescribeColumns(st.Sql, db.Columns, st.ParamOids);
                WriteRowDescription(db.Columns, st.DescribedOids, _ => 0);
            }
            else if (st.Empty) _out.NoData();
            else
            {
                var res = await StartAsync(st.Sql, null, stop);   // intercepted statements have no side effects worth deferring
                if (res.Columns.Count > 0) st.DescribedOids ??= PgType.ForColumns(res.Columns, res.Buffered);
                await CloseRowsAsync(res);
                if (res.Columns.Count == 0) { _out.NoData(); return; }
                WriteRowDescription(res.Columns, st.DescribedOids!, _ => 0);
            }
        }
        else if (kind == (byte)'P')
        {
            if (!_portals.TryGetValue(name, out var p)) throw new WasqlException(SqlStates.InvalidCursorName, $"portal \"{name}\" does not exist");
            var st = p.Statement;
            IReadOnlyList<ColumnInfo> columns;
            if (st.Empty) { _out.NoData(); return; }
            if (!p.Started && st.DescribedOids is null &&
                (st.Db is null || st.Db.Columns.Any(c => PgType.FromDeclared(c.DeclaredType) is null)))
                await RunPortalAsync(p, stop);   // types of expression columns come from the first rows
            columns = p.Rows?.Columns ?? st.Db!.Columns;
            if (columns.Count == 0) { _out.NoData(); return; }
            p.Oids ??= st.DescribedOids ?? PgType.ForColumns(columns, p.Rows?.Buffered);
            WriteRowDescription(columns, p.Oids, c => p.Binary(c) ? (short)1 : (short)0);
        }
        else throw new ProtocolException($"invalid DESCRIBE message subtype {kind}");
    }

    /// <summary>Column types promised before execution: declared types, else inferred from the select list, else text.</summary>
    private int[] DescribeColumns(string sql, IReadOnlyList<ColumnInfo> columns, int[] paramOids)
    {
        var oids = PgType.ForColumns(columns, null);
        if (columns.All(c => PgType.FromDeclared(c.DeclaredType) is not null)) return oids;
        Dictionary<string, string>? functions = null;
        var inferred = Wasql.Database.Sql.ResultTypes.Infer(sql, columns.Count, name =>
        {
            functions ??= _server.Database.ListFunctions().GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().ReturnType);
            return functions.GetValueOrDefault(name);
        }, n => n >= 1 && n <= paramOids.Length && paramOids[n - 1] != 0 ? PgType.ToType(paramOids[n - 1]) : null);
        for (int i = 0; i < oids.Length; i++)
            if (PgType.FromDeclared(columns[i].DeclaredType) is null && inferred[i] is { } t) oids[i] = PgType.FromType(t);
        return oids;
    }

    private async Task RunPortalAsync(Portal p, CancellationToken stop)
    {
        var st = p.Statement;
        var parameters = p.Parameters;
        p.Started = true;
        p.Rows = await StartAsync(st.Sql, st.Db is { } db ? () => db.ExecuteReader(parameters) : null, stop);
        WriteNotices();
    }

    private async Task ExecuteAsync(Message msg, CancellationToken stop)
    {
        var r = msg.Body;
        var name = r.CString();
        int maxRows = r.Int32();
        r.End();
        if (!_portals.TryGetValue(name, out var p)) throw new WasqlException(SqlStates.InvalidCursorName, $"portal \"{name}\" does not exist");
        if (p.Statement.Empty) { _out.EmptyQueryResponse(); return; }
        using var scope = EnterStatement(stop);      // running until the rows of this Execute are sent
        if (!p.Started) await RunPortalAsync(p, stop);
        if (p.Rows is not { } rows)
        {
            _out.CommandComplete(p.DoneTag!);
            return;
        }
        string tag;
        try
        {
            if (rows.Columns.Count > 0)
            {
                p.Oids ??= p.Statement.DescribedOids ?? PgType.ForColumns(rows.Columns, rows.Buffered);
                long sent = await SendRowsAsync(rows, p.Oids, maxRows > 0 ? maxRows : long.MaxValue, p.Binary, stop);
                if (!rows.Exhausted)
                {
                    p.Suspended = true;
                    _out.PortalSuspended();
                    return;
                }
                tag = p.Suspended ? $"SELECT {sent}" : rows.CommandTag;
                p.DoneTag = "SELECT 0";
            }
            else tag = p.DoneTag = rows.CommandTag;
        }
        catch (WasqlException)
        {
            p.Rows = null;
            p.DoneTag = "SELECT 0";
            await CloseRowsAsync(rows);
            throw;
        }
        p.Rows = null;
        await CloseRowsAsync(rows);
        WriteNotices();
        _out.CommandComplete(tag);
        foreach (var (k, v) in _state.ChangedReported) _out.ParameterStatus(k, v);
        _state.ChangedReported.Clear();
    }

    private async Task CloseAsync(Message msg)
    {
        var r = msg.Body;
        byte kind = r.Byte();
        var name = r.CString();
        r.End();
        if (kind == (byte)'S')
        {
            if (_statements.Remove(name, out var st)) await DisposeStatementAsync(st);
        }
        else if (kind == (byte)'P') { if (_portals.Remove(name, out var p)) await CloseRowsAsync(p.Rows); }
        else throw new ProtocolException($"invalid CLOSE message subtype {kind}");
        _out.CloseComplete();
    }
}
