// Standard streams as capabilities: WasiOutput (a .NET stream or a bounded capture buffer, both with an
// optional byte cap the embedder can check) and WasiInput (a stream, bytes or nothing). Defaults: empty/discard.
using System.Text;

namespace Wasql.Wasi;

/// <summary>Where a guest's stdout or stderr goes. Writes past <see cref="MaxBytes"/> are truncated, then fail with ENOSPC.</summary>
public sealed class WasiOutput
{
    private readonly Stream? _stream;
    private readonly bool _capture;
    private readonly object _lock = new();
    private byte[] _buffer = [];
    private int _count;

    /// <summary>Largest number of bytes accepted; the rest is dropped and <see cref="LimitReached"/> set.</summary>
    public long MaxBytes { get; }
    /// <summary>Bytes accepted so far.</summary>
    public long BytesWritten { get; private set; }
    /// <summary>The guest tried to write more than <see cref="MaxBytes"/>.</summary>
    public bool LimitReached { get; private set; }

    /// <summary>
    /// Report the stream to the guest as a terminal (a character device, so C's stdio line-buffers it) rather than a
    /// pipe (an unknown file type: fully buffered, like native programs writing into a pipe).
    /// </summary>
    public bool IsTerminal { get; init; }

    private WasiOutput(Stream? stream, bool capture, long maxBytes)
    {
        if (maxBytes < 0) throw new ArgumentOutOfRangeException(nameof(maxBytes));
        _stream = stream;
        _capture = capture;
        MaxBytes = maxBytes;
    }

    /// <summary>Discards everything (the default).</summary>
    public static WasiOutput Null() => new(null, false, long.MaxValue);

    /// <summary>Keeps the output in memory, at most <paramref name="maxBytes"/> of it.</summary>
    public static WasiOutput Capture(int maxBytes = 16 << 20, bool isTerminal = false) =>
        new(null, true, maxBytes) { IsTerminal = isTerminal };

    /// <summary>Writes through to a stream (not closed by WASI); <paramref name="maxBytes"/> caps the total.</summary>
    public static WasiOutput FromStream(Stream stream, long maxBytes = long.MaxValue, bool isTerminal = false) =>
        new(stream ?? throw new ArgumentNullException(nameof(stream)), false, maxBytes) { IsTerminal = isTerminal };

    /// <summary>The process's own stdout.</summary>
    public static WasiOutput StandardOutput() =>
        new(Console.OpenStandardOutput(), false, long.MaxValue) { IsTerminal = !Console.IsOutputRedirected };

    /// <summary>The process's own stderr.</summary>
    public static WasiOutput StandardError() =>
        new(Console.OpenStandardError(), false, long.MaxValue) { IsTerminal = !Console.IsErrorRedirected };

    public bool IsCapture => _capture;

    /// <summary>The captured bytes (empty unless created with <see cref="Capture"/>).</summary>
    public byte[] ToArray()
    {
        lock (_lock) return _buffer.AsSpan(0, _count).ToArray();
    }

    /// <summary>The captured bytes as UTF-8 text.</summary>
    public string GetText()
    {
        lock (_lock) return Encoding.UTF8.GetString(_buffer, 0, _count);
    }

    internal Errno Write(ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        if (data.IsEmpty) return Errno.Success;
        long room = MaxBytes - BytesWritten;
        if (room <= 0)
        {
            LimitReached = true;
            return Errno.NoSpc;
        }
        if (data.Length > room)
        {
            LimitReached = true;
            data = data[..(int)room];
        }
        if (_capture)
        {
            lock (_lock)
            {
                if (_count + data.Length > _buffer.Length)
                {
                    long want = Math.Max(Math.Max(256, (long)_buffer.Length * 2), (long)_count + data.Length);
                    Array.Resize(ref _buffer, (int)Math.Min(want, Array.MaxLength));
                }
                data.CopyTo(_buffer.AsSpan(_count));
                _count += data.Length;
            }
        }
        else if (_stream is not null)
        {
            try
            {
                _stream.Write(data);
                _stream.Flush();
            }
            catch (IOException)
            {
                return Errno.Io;
            }
            catch (ObjectDisposedException)
            {
                return Errno.Pipe;
            }
        }
        BytesWritten += data.Length;
        written = data.Length;
        return Errno.Success;
    }
}

/// <summary>Where a guest's stdin comes from.</summary>
public sealed class WasiInput
{
    private readonly Stream? _stream;

    private WasiInput(Stream? stream) => _stream = stream;

    /// <summary>Report stdin to the guest as a terminal (character device) rather than a pipe.</summary>
    public bool IsTerminal { get; init; }

    /// <summary>End of file at once (the default).</summary>
    public static WasiInput Empty() => new(null);
    public static WasiInput FromStream(Stream stream, bool isTerminal = false) =>
        new(stream ?? throw new ArgumentNullException(nameof(stream))) { IsTerminal = isTerminal };
    public static WasiInput FromBytes(byte[] bytes, bool isTerminal = false) => new(new MemoryStream(bytes, writable: false)) { IsTerminal = isTerminal };
    public static WasiInput FromString(string text, bool isTerminal = false) => FromBytes(Encoding.UTF8.GetBytes(text), isTerminal);

    /// <summary>The process's own stdin.</summary>
    public static WasiInput StandardInput() => new(Console.OpenStandardInput()) { IsTerminal = !Console.IsInputRedirected };

    internal Errno Read(Span<byte> buffer, out int read)
    {
        read = 0;
        if (_stream is null || buffer.IsEmpty) return Errno.Success;
        try
        {
            read = _stream.Read(buffer);
            return Errno.Success;
        }
        catch (IOException)
        {
            return Errno.Io;
        }
        catch (ObjectDisposedException)
        {
            return Errno.BadF;
        }
    }

    /// <summary>Bytes known to be readable without blocking (for poll_oneoff), or 0 when unknown.</summary>
    internal long Available
    {
        get
        {
            try
            {
                return _stream is { CanSeek: true } s ? Math.Max(0, s.Length - s.Position) : 0;
            }
            catch (Exception)
            {
                return 0;
            }
        }
    }
}
