// Adapts Wasql.Database (WasqlDatabase/WasqlConnection/WasqlStatement) to the server's ISqlBackend,
// turning WasqlException into SqlError (same SQLSTATE, position, detail, hint).
using Wasql.Database;

namespace Wasql.Server.Backend;

public sealed class WasqlBackend(WasqlDatabase database) : ISqlBackend
{
    public WasqlDatabase Database { get; } = database;

    public ISqlSession Connect(ClientInfo? client = null) => Wrap(() =>
    {
        var connection = Database.Connect();
        if (client is null) connection.ExtensionsEnabled = false;
        else
        {
            connection.Session = new Wasql.Database.Extensions.SessionInfo(client.User, client.Address, client.Database, client.ApplicationName);
            connection.SetRole(client.User, unknownIsSuperuser: client.Trusted);
        }
        return new Session(connection);
    });

    public IReadOnlyList<FunctionInfo> ListFunctions() =>
        Database.ListFunctions().Select(f => new FunctionInfo(f.Name, f.ArgumentTypes, f.ReturnType, f.Language, f.Kind)).ToList();

    internal static T Wrap<T>(Func<T> f)
    {
        try { return f(); }
        catch (WasqlException e) { throw new SqlError(e.SqlState, e.Message, e.Position, e) { Detail = e.Detail, Hint = e.Hint, Notices = e.Notices, Where = e.Where }; }
    }

    private static SqlResult Convert(QueryResult r) => new()
    {
        Columns = Columns(r.Columns),
        Rows = r.Rows,
        RecordsAffected = r.RecordsAffected,
        CommandTag = r.CommandTag,
        Notices = r.Notices,
    };

    private static SqlColumn[] Columns(IReadOnlyList<ColumnInfo> cs)
    {
        var a = new SqlColumn[cs.Count];
        for (int i = 0; i < a.Length; i++) a[i] = new SqlColumn(cs[i].Name, cs[i].DeclaredType);
        return a;
    }

    private sealed class Session(WasqlConnection c) : ISqlSession
    {
        public IReadOnlyList<SqlResult> ExecuteBatch(string sql) => Wrap(() => c.ExecuteBatch(sql).Select(Convert).ToList());
        public SqlResult Execute(string sql, IReadOnlyList<object?>? parameters = null) => Wrap(() => Convert(c.Execute(sql, parameters)));
        public SqlResult ExecuteInternal(string sql, IReadOnlyList<object?>? parameters = null) => Wrap(() =>
        {
            bool enabled = c.ExtensionsEnabled;
            c.ExtensionsEnabled = false;
            try { return Convert(c.Execute(sql, parameters)); }
            finally { c.ExtensionsEnabled = enabled; }
        });
        public SqlResult ExecuteCopy(string sql, Wasql.Database.Copy.ICopyChannel channel) => Wrap(() => Convert(c.ExecuteCopy(sql, channel)));
        public ISqlReader ExecuteReader(string sql) => Wrap(() => new Reader(c.ExecuteReader(sql)));
        public ISqlStatement Prepare(string sql) => Wrap(() => new Statement(c.Prepare(sql)));
        public MemoryBudget? MemoryBudget { get => c.MemoryBudget; set => c.MemoryBudget = value; }
        public bool InTransaction => c.InTransaction;
        public bool InReadOnlyTransaction => c.InReadOnlyTransaction;
        public TimeSpan LockTimeout { get => c.LockTimeout; set => c.LockTimeout = value; }
        public void Cancel() => c.Cancel();
        public void Dispose() => c.Dispose();
    }

    private sealed class Statement(WasqlStatement s) : ISqlStatement
    {
        private readonly SqlColumn[] _columns = Columns(s.Columns);
        public int ParameterCount => s.ParameterCount;
        public IReadOnlyList<SqlColumn> Columns => _columns;
        public SqlResult Execute(IReadOnlyList<object?>? parameters) => Wrap(() => Convert(s.Execute(parameters)));
        public ISqlReader ExecuteReader(IReadOnlyList<object?>? parameters) => Wrap(() => new Reader(s.ExecuteReader(parameters)));
        public void Dispose() => s.Dispose();
    }

    private sealed class Reader(WasqlRowReader r) : ISqlReader
    {
        private readonly SqlColumn[] _columns = Columns(r.Columns);
        public IReadOnlyList<SqlColumn> Columns => _columns;
        public bool Read() => Wrap(r.Read);
        public long RowSize => r.CurrentRowSize;
        public void GetValues(object?[] values) => r.GetValues(values);
        public string CommandTag => r.CommandTag;
        public IReadOnlyList<string> Notices => r.Notices;
        public void Dispose() => Wrap(() => { r.Dispose(); return 0; });
    }
}
