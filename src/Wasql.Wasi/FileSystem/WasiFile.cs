// Open-file objects behind file descriptors: the operations fd_* calls need, each returning an errno.
// Subclasses: stdio streams (below), host files (HostDirectoryFs), in-memory files (MemoryFs), directories.
namespace Wasql.Wasi.FileSystem;

public abstract class WasiFile
{
    public abstract FileType Type { get; }

    /// <summary>Reads at the current position (advancing it).</summary>
    public virtual Errno Read(Span<byte> buffer, out int read)
    {
        read = 0;
        return Type == FileType.Directory ? Errno.IsDir : Errno.BadF;
    }

    /// <summary>Writes at the current position, or at the end when <paramref name="append"/> (advancing it).</summary>
    public virtual Errno Write(ReadOnlySpan<byte> data, bool append, out int written)
    {
        written = 0;
        return Type == FileType.Directory ? Errno.IsDir : Errno.BadF;
    }

    public virtual Errno ReadAt(Span<byte> buffer, long offset, out int read)
    {
        read = 0;
        return Type == FileType.Directory ? Errno.IsDir : Errno.SPipe;
    }

    public virtual Errno WriteAt(ReadOnlySpan<byte> data, long offset, out int written)
    {
        written = 0;
        return Type == FileType.Directory ? Errno.IsDir : Errno.SPipe;
    }

    public virtual Errno Seek(long offset, Whence whence, out long position)
    {
        position = 0;
        return Type == FileType.Directory ? Errno.BadF : Errno.SPipe;
    }

    public virtual Errno Stat(out FileStat stat)
    {
        stat = new FileStat { Type = Type, LinkCount = 1 };
        return Errno.Success;
    }

    public virtual Errno SetSize(long size) => Type == FileType.Directory ? Errno.IsDir : Errno.Inval;
    public virtual Errno SetTimes(TimeChange change) => Errno.NotSup;
    public virtual Errno Sync() => Errno.Success;

    /// <summary>Bytes readable without blocking, for poll_oneoff (0 when unknown).</summary>
    public virtual long ReadableBytes => 0;

    public virtual void Close() { }

    /// <summary>Turns a seek request into an absolute position (EINVAL when it would be negative or overflow).</summary>
    protected static Errno Reposition(long current, long end, long offset, Whence whence, out long position)
    {
        position = current;
        long baseOffset = whence switch { Whence.Set => 0, Whence.Cur => current, Whence.End => end, _ => -1 };
        if (baseOffset < 0) return Errno.Inval;
        long target;
        try
        {
            target = checked(baseOffset + offset);
        }
        catch (OverflowException)
        {
            return Errno.Inval;
        }
        if (target < 0) return Errno.Inval;
        position = target;
        return Errno.Success;
    }
}

/// <summary>stdout/stderr: a character device (terminal) or an unknown-type stream (pipe) writing to a <see cref="WasiOutput"/>.</summary>
/// <summary>
/// A regular file with a current position: the stream operations (read, write, append, seek) are the positioned
/// ones plus the position, so host and in-memory files only implement ReadAt/WriteAt and their length.
/// </summary>
public abstract class PositionedFile : WasiFile
{
    protected long Position;

    public override FileType Type => FileType.RegularFile;

    /// <summary>The file's current length (host files can fail with an errno).</summary>
    protected abstract Errno GetLength(out long length);

    public override long ReadableBytes => GetLength(out long length) == Errno.Success ? Math.Max(0, length - Position) : 0;

    public override Errno Read(Span<byte> buffer, out int read)
    {
        var e = ReadAt(buffer, Position, out read);
        Position += read;
        return e;
    }

    public override Errno Write(ReadOnlySpan<byte> data, bool append, out int written)
    {
        written = 0;
        if (append)
        {
            var e = GetLength(out long end);
            if (e != Errno.Success) return e;
            Position = end;
        }
        var r = WriteAt(data, Position, out written);
        Position += written;
        return r;
    }

    public override Errno Seek(long offset, Whence whence, out long position)
    {
        position = Position;
        long end = 0;
        if (whence == Whence.End)
        {
            var e = GetLength(out end);
            if (e != Errno.Success) return e;
        }
        var r = Reposition(Position, end, offset, whence, out position);
        if (r == Errno.Success) Position = position;
        return r;
    }
}

internal sealed class OutputFile(WasiOutput output) : WasiFile
{
    public WasiOutput Output { get; } = output;
    public override FileType Type => Output.IsTerminal ? FileType.CharacterDevice : FileType.Unknown;
    public override Errno Write(ReadOnlySpan<byte> data, bool append, out int written) => Output.Write(data, out written);
}

/// <summary>stdin: a character device (terminal) or an unknown-type stream (pipe) reading from a <see cref="WasiInput"/>.</summary>
internal sealed class InputFile(WasiInput input) : WasiFile
{
    public override FileType Type => input.IsTerminal ? FileType.CharacterDevice : FileType.Unknown;
    public override Errno Read(Span<byte> buffer, out int read) => input.Read(buffer, out read);
    public override long ReadableBytes => input.Available;
}

/// <summary>An open directory: a filesystem and a resolved path inside it (the base of path_* calls).</summary>
public sealed class DirectoryFile(IWasiFileSystem fs, string path) : WasiFile
{
    public IWasiFileSystem Fs { get; } = fs;
    /// <summary>Resolved path from the filesystem root ("" for the root), components joined by '/'.</summary>
    public string Path { get; } = path;
    public override FileType Type => FileType.Directory;

    /// <summary>The listing readdir pages through; refreshed when a guest starts again at cookie 0.</summary>
    internal List<DirEntry>? Listing;

    public override Errno Stat(out FileStat stat) => Fs.Lstat(Path, out stat);
    public override Errno SetTimes(TimeChange change) => Fs.SetTimes(Path, change);
}
