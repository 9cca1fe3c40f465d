// COPY over the wire (simple query protocol): the statement runs on the DB thread with a WireCopyChannel while this
// I/O side sends CopyInResponse and feeds CopyData to it (FROM), or sends CopyOutResponse and the CopyData chunks it
// produces (TO). CopyFail, a malformed row or a lost client end the statement with nothing loaded.
using System.Text;
using Wasql.Database;
using Wasql.Database.Copy;
using Wasql.Server.Sessions;
using Wasql.Server.Copy;
using Wasql.Server.Protocol;

namespace Wasql.Server.Connection;

internal sealed partial class PgConnection
{
    private CancellationTokenSource? _copyCancel;

    private async Task<RowStream> CopyAsync(string sql, CancellationToken stop)
    {
        using var cancel = new CancellationTokenSource();
        _copyCancel = cancel;
        var channel = new WireCopyChannel(cancel.Token);
        var run = StartAsync(sql, () => _session!.ReaderFor(_session!.ExecuteCopy(sql, channel)), stop);
        try
        {
            await Task.WhenAny(channel.Started, run);
            if (!channel.Started.IsCompleted)
                return await run;   // failed before any data moved: a plain error (a short COPY TO may finish first)
            var (statement, columns) = await channel.Started;
            short format = statement.Options.Format == CopyFormat.Binary ? (short)1 : (short)0;
            _out.Start(statement.Direction == CopyDirection.From ? (byte)'G' : (byte)'H');
            _out.Byte((byte)format);
            _out.Int16((short)columns);
            for (int i = 0; i < columns; i++) _out.Int16(format);
            _out.End();
            await FlushAsync();
            if (statement.Direction == CopyDirection.From) await ReceiveCopyDataAsync(channel, run, stop);
            else await SendCopyDataAsync(channel, run);
            return await run;
        }
        finally
        {
            channel.Input.Writer.TryComplete(new WasqlException(SqlStates.ConnectionFailure, "the connection was lost during COPY"));
            channel.Output.Writer.TryComplete();
            try { await run; } catch (Exception) { }   // never leave the DB thread inside the COPY
            _copyCancel = null;
        }
    }

    /// <summary>Reads CopyData until CopyDone or CopyFail. After the statement failed (a bad row) the rest is read
    /// and dropped, so the protocol stays in step.</summary>
    private async Task ReceiveCopyDataAsync(WireCopyChannel channel, Task run, CancellationToken stop)
    {
        var writer = channel.Input.Writer;
        while (true)
        {
            using var msg = await _in.ReadAsync(stop) ?? throw new EndOfStreamException();
            switch ((char)msg.Type)
            {
                case 'd':
                    if (!run.IsCompleted)
                    {
                        var chunk = msg.Span.ToArray();
                        var write = writer.WriteAsync(chunk, stop).AsTask();
                        // The DB thread may fail while we wait for room: stop waiting then.
                        if (await Task.WhenAny(write, run) == run && !write.IsCompleted) continue;
                        try { await write; } catch (System.Threading.Channels.ChannelClosedException) { }
                    }
                    continue;
                case 'c':
                    writer.TryComplete();
                    return;
                case 'f':
                    var reason = msg.Body.CString();
                    writer.TryComplete(new WasqlException(SqlStates.QueryCanceled, $"COPY from stdin failed: {reason}"));
                    return;
                case 'H': case 'S':
                    continue;             // allowed during COPY, meaningless here
                default:
                    writer.TryComplete(new WasqlException(SqlStates.ProtocolViolation, $"unexpected message type 0x{msg.Type:x2} during COPY from stdin"));
                    return;
            }
        }
    }

    private async Task SendCopyDataAsync(WireCopyChannel channel, Task run)
    {
        _ = run.ContinueWith(_ => channel.Output.Writer.TryComplete(), TaskScheduler.Default);
        await foreach (var chunk in channel.Output.Reader.ReadAllAsync())
        {
            _out.Bytes(chunk);
            if (_out.Pending >= 64 << 10) await FlushAsync();
        }
        if (run.IsCompletedSuccessfully || !run.IsCompleted)
        {
            try { await run; } catch (WasqlException) { return; }
            _out.Start((byte)'c'); _out.End();   // CopyDone, then CommandComplete from the caller
        }
    }
}
