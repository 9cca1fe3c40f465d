// The bytes of a COPY FROM as the session thread reads them: CopyData chunks arrive through a bounded channel filled
// by the connection's I/O loop (so a fast client waits instead of filling memory), and rows are cut from a buffer
// that holds only the unread part (at most one row plus one chunk).
using System.Threading.Channels;
using Wasql.Database;

namespace Wasql.Server.Copy;

internal sealed class CopyInput
{
    /// <summary>Chunks queued between the I/O loop and the session thread.</summary>
    private const int QueuedChunks = 8;
    /// <summary>Longest row accepted; a longer one fails with 54000 instead of growing the buffer without bound.</summary>
    internal const int MaxRowBytes = 64 << 20;

    private readonly Channel<byte[]> _chunks = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true });
    private readonly CancellationToken _cancel;
    private byte[] _buf = new byte[64 << 10];
    private int _start, _end;

    public CopyInput(CancellationToken cancel) => _cancel = cancel;

    public ChannelWriter<byte[]> Writer => _chunks.Writer;

    public ReadOnlySpan<byte> Available => _buf.AsSpan(_start, _end - _start);
    public int Start => _start;
    public byte[] Buffer => _buf;
    public int End => _end;

    public void Consume(int n) => _start += n;

    /// <summary>Waits for the next chunk and appends it; false at the end of the data (CopyDone). A CopyFail, a lost
    /// client or a cancel throw a <see cref="WasqlException"/>.</summary>
    public bool More()
    {
        byte[] chunk;
        try
        {
            var reader = _chunks.Reader;
            if (!reader.TryRead(out chunk!))
            {
                if (!reader.WaitToReadAsync(_cancel).AsTask().GetAwaiter().GetResult()) return false;
                if (!reader.TryRead(out chunk!)) return false;
            }
        }
        catch (OperationCanceledException) { throw new WasqlException(SqlStates.QueryCanceled, "canceling statement due to user request"); }
        catch (ChannelClosedException e) when (e.InnerException is WasqlException w) { throw w; }
        catch (WasqlException) { throw; }
        int have = _end - _start;
        if (have + chunk.Length > MaxRowBytes + (long)chunk.Length && have > MaxRowBytes)
            throw new WasqlException(SqlStates.ProgramLimitExceeded, $"a COPY row is longer than {MaxRowBytes:N0} bytes");
        if (_start > 0 && _buf.Length - _end < chunk.Length)
        {
            System.Buffer.BlockCopy(_buf, _start, _buf, 0, have);
            _start = 0; _end = have;
        }
        if (_buf.Length - _end < chunk.Length)
            Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _end + chunk.Length));
        System.Buffer.BlockCopy(chunk, 0, _buf, _end, chunk.Length);
        _end += chunk.Length;
        return true;
    }

    /// <summary>Makes sure <paramref name="n"/> bytes are available; false when the data ends first.</summary>
    public bool Ensure(int n)
    {
        while (_end - _start < n) if (!More()) return false;
        return true;
    }
}
