// A command: its text may hold several statements (split by the database's statement splitter, so trigger bodies
// and quoted ';' stay whole), each run in turn with the command's parameters bound by name or position. Timeouts
// and cancellation tokens cancel the running statement (SQLSTATE 57014); every Wasql statement (CREATE FUNCTION,
// plugins, roles) and guarantee (plugins, limits, SQLSTATEs) applies because statements go through WasqlConnection.
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Wasql.Database;

namespace Wasql.Data;

/// <summary>A SQL command on a <see cref="WasqlDbConnection"/>.</summary>
public sealed class WasqlCommand : DbCommand
{
    private WasqlDbConnection? _connection;
    private string _text = "";
    private int? _timeout;

    /// <summary>A command without text or connection.</summary>
    public WasqlCommand() { }

    /// <summary>A command with text, on a connection.</summary>
    public WasqlCommand(string text, WasqlDbConnection? connection = null)
    {
        _text = text;
        _connection = connection;
    }

    /// <inheritdoc/>
    [AllowNull]
    public override string CommandText { get => _text; set => _text = value ?? ""; }

    /// <summary>Seconds before the command is cancelled (SQLSTATE 57014); 0: never. Default: the connection
    /// string's <c>Command Timeout</c> (30).</summary>
    public override int CommandTimeout
    {
        get => _timeout ?? _connection?.Settings.CommandTimeout ?? 30;
        set => _timeout = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "a timeout is 0 (none) or more seconds");
    }

    /// <inheritdoc/>
    public override CommandType CommandType
    {
        get => CommandType.Text;
        set { if (value != CommandType.Text) throw new NotSupportedException($"Wasql runs SQL text only (CommandType.{value} is not supported)"); }
    }

    /// <inheritdoc/>
    public override bool DesignTimeVisible { get; set; }
    /// <inheritdoc/>
    public override UpdateRowSource UpdatedRowSource { get; set; }

    /// <summary>The connection it runs on.</summary>
    public new WasqlDbConnection? Connection { get => _connection; set => _connection = value; }
    /// <inheritdoc/>
    protected override DbConnection? DbConnection { get => _connection; set => _connection = (WasqlDbConnection?)value; }

    /// <summary>The transaction it belongs to (informational: a Wasql connection has at most one).</summary>
    public new WasqlTransaction? Transaction { get; set; }
    /// <inheritdoc/>
    protected override DbTransaction? DbTransaction { get => Transaction; set => Transaction = (WasqlTransaction?)value; }

    /// <summary>The parameters, by name (<c>@x</c>, <c>:x</c>, <c>$x</c>) or in order for <c>?</c> and <c>$1</c>.</summary>
    public new WasqlParameterCollection Parameters { get; } = new();
    /// <inheritdoc/>
    protected override DbParameterCollection DbParameterCollection => Parameters;

    /// <inheritdoc/>
    protected override DbParameter CreateDbParameter() => new WasqlParameter();

    /// <inheritdoc/>
    public override void Cancel() => _connection?.OpenSession?.Cancel();

    /// <summary>Statements are prepared when they run (and SQLite caches nothing between commands): nothing to do.</summary>
    public override void Prepare() => Session();

    /// <inheritdoc/>
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Execute(behavior, default);

    /// <inheritdoc/>
    protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<DbDataReader>(Execute(behavior, cancellationToken));
    }

    /// <inheritdoc/>
    public override int ExecuteNonQuery()
    {
        using var reader = Execute(CommandBehavior.Default, default);
        while (reader.NextResult()) { }
        reader.Close();
        return reader.RecordsAffected;
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var reader = Execute(CommandBehavior.Default, cancellationToken);
        while (reader.NextResult()) { }
        reader.Close();
        return Task.FromResult(reader.RecordsAffected);
    }

    /// <inheritdoc/>
    public override object? ExecuteScalar()
    {
        using var reader = Execute(CommandBehavior.Default, default);
        return reader.Read() && reader.FieldCount > 0 ? reader.GetValue(0) : null;
    }

    /// <inheritdoc/>
    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var reader = Execute(CommandBehavior.Default, cancellationToken);
        return Task.FromResult(reader.Read() && reader.FieldCount > 0 ? reader.GetValue(0) : (object?)null);
    }

    /// <summary>Starts the command: the reader runs the first statement (and any before it without rows).</summary>
    private WasqlDataReader Execute(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        var session = Session();
        var statements = WasqlConnection.SplitStatements(_text);
        if (statements.Count == 0) throw new WasqlException(SqlStates.SyntaxError, "the command text holds no statement");
        var stop = CommandTimeout > 0 || cancellationToken.CanBeCanceled ? new CommandCancellation(session, CommandTimeout, cancellationToken) : null;
        try
        {
            return new WasqlDataReader(this, statements, behavior, stop);
        }
        catch
        {
            stop?.Dispose();
            throw;
        }
    }

    /// <summary>Runs one statement of the command with its parameters.</summary>
    internal WasqlRowReader Run(string sql) => Session().ExecuteReader(sql, Parameters.Resolve);

    internal void ReaderClosed(bool closeConnection)
    {
        if (closeConnection) _connection?.Close();
    }

    private WasqlConnection Session()
    {
        if (_connection is null) throw new InvalidOperationException("the command has no connection: set Connection first");
        return _connection.OpenSession ?? throw new InvalidOperationException("the connection is not open: call Open() first");
    }

    /// <summary>Cancels the running statement when the timeout passes or the token fires, until disposed.</summary>
    private sealed class CommandCancellation : IDisposable
    {
        private readonly Timer? _timer;
        private readonly CancellationTokenRegistration _registration;

        public CommandCancellation(WasqlConnection session, int timeoutSeconds, CancellationToken token)
        {
            if (timeoutSeconds > 0)
                _timer = new Timer(_ => session.Cancel(), null, TimeSpan.FromSeconds(timeoutSeconds), Timeout.InfiniteTimeSpan);
            if (token.CanBeCanceled) _registration = token.Register(session.Cancel);
        }

        public void Dispose()
        {
            _timer?.Dispose();
            _registration.Dispose();
        }
    }
}
