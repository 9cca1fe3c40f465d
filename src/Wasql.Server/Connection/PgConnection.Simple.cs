// The simple query protocol: a Query message may hold several statements; each gets its own
// RowDescription/DataRows/CommandComplete (all text format), the first error ends the batch.
using System.Text;
using Wasql.Database.Sql;
using Wasql.Server.Sessions;
using Wasql.Server.Catalog;
using Wasql.Server.Protocol;
using Wasql.Server.Types;
using Wasql.Database;

namespace Wasql.Server.Connection;

internal sealed partial class PgConnection
{
    private async Task SimpleQueryAsync(Message msg, CancellationToken stop)
    {
        var r = msg.Body;
        var sql = r.CString();
        r.End();
        var pieces = StatementSplitter.Split(sql);
        if (pieces.Count == 0) _out.EmptyQueryResponse();
        // Like Postgres, several statements in one Query run as one implicit transaction (unless they
        // manage transactions themselves or cannot run inside one).
        bool implicitTx = pieces.Count > 1 && !_failedTx && !_session!.InTransaction &&
                          pieces.All(p => !NoImplicitTransaction.Contains(SqlText.FirstKeyword(p.Text)));
        if (implicitTx)
        {
            // Only reads: a READ ONLY transaction, which does not queue behind writers.
            var begin = pieces.All(p => ReadOnlyWords.Contains(SqlText.FirstKeyword(p.Text))) ? "BEGIN READ ONLY" : "BEGIN";
            try { await RunOnWorkerAsync(() => _session!.ExecuteInternal(begin), stop); }
            catch (WasqlException) { implicitTx = false; }
        }
        bool failed = false;
        foreach (var piece in pieces)
        {
            using var scope = EnterStatement(stop);      // running until its last row is sent
            RowStream rows;
            try { rows = SqlText.FirstKeyword(piece.Text) == "COPY" ? await CopyAsync(piece.Text, stop) : await StartAsync(piece.Text, null, stop); }
            catch (WasqlException e)
            {
                WriteError(e, piece.Offset);
                failed = true;
                break;
            }
            try
            {
                WriteNotices();
                if (rows.Columns.Count > 0)
                {
                    var oids = PgType.ForColumns(rows.Columns, rows.Buffered);
                    WriteRowDescription(rows.Columns, oids, _ => 0);
                    await SendRowsAsync(rows, oids, long.MaxValue, _ => false, stop);
                }
            }
            catch (WasqlException e)
            {
                await CloseRowsAsync(rows);
                WriteError(e, piece.Offset);
                failed = true;
                if (_session!.InTransaction) _failedTx = true;
                break;
            }
            await CloseRowsAsync(rows);
            WriteNotices();
            _out.CommandComplete(rows.CommandTag);
            // Settings changed by SET are reported like Postgres does.
            foreach (var (k, v) in _state.ChangedReported) _out.ParameterStatus(k, v);
            _state.ChangedReported.Clear();
        }
        if (implicitTx && _session!.InTransaction)
        {
            try { await RunOnWorkerAsync(() => _session!.ExecuteInternal(failed ? "ROLLBACK" : "COMMIT"), stop); }
            catch (WasqlException e)
            {
                WriteError(e, 0);
                if (_session.InTransaction) await RunOnWorkerAsync(() => _session!.ExecuteInternal("ROLLBACK"), stop);
            }
        }
        if (implicitTx) _failedTx = false;
        _out.ReadyForQuery(TransactionStatus);
        await FlushAsync();
    }


    private static readonly HashSet<string> ReadOnlyWords = ["SELECT", "VALUES", "SHOW", "TABLE"];

    private static readonly HashSet<string> NoImplicitTransaction =
        ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "VACUUM", "PRAGMA", "ATTACH", "DETACH", "DISCARD"];

    private void WriteRowDescription(IReadOnlyList<ColumnInfo> columns, int[] oids, Func<int, short> format)
    {
        var names = new string[columns.Count];
        var sizes = new short[columns.Count];
        for (int i = 0; i < names.Length; i++) { names[i] = columns[i].Name; sizes[i] = PgType.Size(oids[i]); }
        _out.RowDescription(names, oids, sizes, format);
    }

    /// <summary>Sends up to <paramref name="maxRows"/> rows, fetching batch after batch on the DB thread; a batch is
    /// flushed to the client before the next is read, so what a connection holds stays one batch.</summary>
    private async Task<long> SendRowsAsync(RowStream rows, int[] oids, long maxRows, Func<int, bool> binary, CancellationToken stop)
    {
        long sent = 0;
        while (sent < maxRows)
        {
            if (!rows.HasBuffered)
            {
                if (rows.ReaderDone) break;
                await FlushAsync();
                await RunOnWorkerAsync(() => { rows.Fetch(); return 0; }, stop);
                continue;
            }
            WriteRow(rows.Next(), rows.Columns, oids, binary);
            sent++;
            if (_out.Pending > 64 << 10) await FlushAsync();
        }
        return sent;
    }

    private void WriteRow(object?[] row, IReadOnlyList<ColumnInfo> columns, int[] oids, Func<int, bool> binary)
    {
        int mark = _out.Pending;
        _out.Start((byte)'D');
        _out.Int16((short)oids.Length);
        for (int c = 0; c < oids.Length; c++)
        {
            object? v = c < row.Length ? row[c] : null;
            try { ValueEncoder.Write(_out, oids[c], v, binary(c)); }
            catch (Exception e) when (e is OverflowException or FormatException or WasqlException or ArgumentException)
            {
                _out.Truncate(mark);
                // The value is quoted only when it can be: a NUL would end the error message's C string.
                var shown = ValueEncoder.AsString(v!) is var text && !text.Contains('\0') ? text + " " : "";
                throw new WasqlException(e is WasqlException se ? se.SqlState : SqlStates.NumericValueOutOfRange,
                    $"column \"{columns[c].Name}\": cannot send value {shown}as {PgType.Name(oids[c])}: {e.Message}");
            }
        }
        _out.End();
    }
}
