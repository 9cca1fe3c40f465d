// The server's side of a COPY on the session thread: decodes rows from CopyData (FROM) or encodes them into CopyData
// chunks (TO) in the statement's format, and tells the I/O loop when the COPY has started.
using System.Threading.Channels;
using Wasql.Database;
using Wasql.Database.Copy;
using Wasql.Server.Sessions;
using Wasql.Server.Protocol;
using Wasql.Server.Types;

namespace Wasql.Server.Copy;

internal sealed class WireCopyChannel(CancellationToken cancel) : ICopyChannel
{
    /// <summary>Encoded output is handed to the I/O loop in chunks of about this size.</summary>
    private const int OutChunkBytes = 64 << 10;
    private const int QueuedOutChunks = 4;

    private readonly TaskCompletionSource<(CopyStatement Statement, int Columns)> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CopyDecoder? _decoder;
    private CopyEncoder? _encoder;
    private int[] _oids = [];
    private readonly MessageWriter _chunk = new(Stream.Null);
    private object?[]? _values;
    private FieldSink? _sink;

    public CopyInput Input { get; } = new(cancel);

    /// <summary>Finished CopyData chunks for the I/O loop (TO); completed after the last one.</summary>
    public Channel<byte[]> Output { get; } = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueuedOutChunks) { SingleReader = true, SingleWriter = true });

    /// <summary>Completes when the COPY is planned and allowed: the I/O loop then sends CopyIn/CopyOutResponse.</summary>
    public Task<(CopyStatement Statement, int Columns)> Started => _started.Task;

    public long Line => _decoder?.Line ?? 0;

    public void Start(CopyStatement statement, IReadOnlyList<ColumnInfo> columns)
    {
        _oids = columns.Select(c => PgType.FromDeclared(c.DeclaredType) ?? Oid.Text).ToArray();
        if (statement.Direction == CopyDirection.From)
        {
            _decoder = CopyDecoder.For(statement.Options);
            bool binary = statement.Options.Format == CopyFormat.Binary;
            _sink = (column, value, isNull) => _values![column] = isNull ? null : Decode(_oids[column], value, binary);
        }
        else
        {
            _encoder = new CopyEncoder(statement.Options, columns, _oids);
            _encoder.WriteHeader(_chunk);
        }
        _started.TrySetResult((statement, columns.Count));
    }

    private static object? Decode(int oid, ReadOnlySpan<byte> value, bool binary)
    {
        if (!binary && oid is Oid.Text or Oid.Varchar or Oid.Bpchar or Oid.Json) return System.Text.Encoding.UTF8.GetString(value);
        if (binary && oid is Oid.Int2 or Oid.Int4 or Oid.Int8)
        {
            // SQLite integers have one size; accept whichever width the client sends.
            return value.Length switch
            {
                2 => (long)System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(value),
                4 => (long)System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(value),
                8 => System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(value),
                _ => throw new WasqlException(SqlStates.InvalidBinaryRepresentation, $"invalid binary integer of {value.Length} bytes"),
            };
        }
        try { return ValueDecoder.Decode(oid, value, binary); }
        catch (WasqlException e) { throw new WasqlException(e.SqlState, e.Message.Replace("for parameter", "for column")); }
    }

    public bool ReadRow(object?[] values)
    {
        _values = values;
        return _decoder!.ReadRow(Input, values.Length, _sink!);
    }

    public void WriteRow(object?[] values)
    {
        try { _encoder!.WriteRow(_chunk, values); }
        catch (Exception e) when (e is OverflowException or FormatException or ArgumentException)
        {
            throw new WasqlException(SqlStates.NumericValueOutOfRange, $"cannot send a value in COPY: {e.Message}");
        }
        if (_chunk.Pending >= OutChunkBytes) Hand();
    }

    public void Finish()
    {
        _encoder!.WriteTrailer(_chunk);
        Hand();
    }

    /// <summary>Passes the encoded chunk to the I/O loop, waiting while it is behind (a slow client).</summary>
    private void Hand()
    {
        if (_chunk.Pending == 0) return;
        var bytes = _chunk.WrittenSince(0).ToArray();
        _chunk.Truncate(0);
        try { Output.Writer.WriteAsync(bytes, cancel).AsTask().GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { throw new WasqlException(SqlStates.QueryCanceled, "canceling statement due to user request"); }
        catch (ChannelClosedException) { throw new WasqlException(SqlStates.ConnectionFailure, "the client stopped reading the COPY data"); }
    }
}
