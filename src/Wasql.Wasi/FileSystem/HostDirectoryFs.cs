// A preopened host directory. Only resolved paths (see PathResolver) reach it; it joins them under the root,
// never follows a symlink in the final component on its own, and maps .NET I/O exceptions to errnos.
// Limitation: checks and uses are separate syscalls, so a concurrent host process could race a swap-in symlink.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Wasql.Wasi.FileSystem;

public sealed class HostDirectoryFs : IWasiFileSystem
{
    private readonly ulong _device;

    public string Root { get; }
    public bool ReadOnly { get; }

    public HostDirectoryFs(string hostPath, bool readOnly = false)
    {
        Root = Path.GetFullPath(hostPath);
        if (!Directory.Exists(Root)) throw new DirectoryNotFoundException($"preopened directory '{hostPath}' does not exist");
        ReadOnly = readOnly;
        _device = Hash(Root) | 1;
    }

    /// <summary>The device number every file of this preopen reports (one per preopen, not the host's).</summary>
    internal ulong Device => _device;

    private string Full(string path) => path.Length == 0 ? Root : Path.Join(Root, path);

    internal static ulong Hash(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char ch in s)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        return h;
    }

    /// <summary>The host's inode number where it can be read (so hard links agree), else a hash of the path.</summary>
    private static ulong InodeOf(string full) => UnixFileApi.TryStat(full, out var host) ? host.Inode : Hash(full);

    internal static long ToNs(DateTime utc) => (utc.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) * 100;
    internal static DateTime FromNs(long ns) => DateTime.UnixEpoch.AddTicks(ns / 100);

    /// <summary>lstat: what is at the path, without following a final symlink.</summary>
    private static FileSystemInfo? Info(string full)
    {
        var fi = new FileInfo(full);
        if (fi.Exists || fi.LinkTarget is not null) return fi;
        var di = new DirectoryInfo(full);
        return di.Exists ? di : null;
    }

    private static FileType TypeOf(FileSystemInfo info) =>
        info.LinkTarget is not null ? FileType.SymbolicLink :
        info is DirectoryInfo || (info.Attributes & FileAttributes.Directory) != 0 ? FileType.Directory : FileType.RegularFile;

    internal FileStat StatOf(FileSystemInfo info, string full)
    {
        var type = TypeOf(info);
        var stat = new FileStat
        {
            Device = _device,
            Inode = Hash(full),
            Type = type,
            LinkCount = 1,
            Size = type switch
            {
                FileType.RegularFile => (ulong)((FileInfo)info).Length,
                FileType.SymbolicLink => (ulong)System.Text.Encoding.UTF8.GetByteCount(info.LinkTarget!),
                _ => 4096,
            },
            AccessTime = ToNs(info.LastAccessTimeUtc),
            ModifyTime = ToNs(info.LastWriteTimeUtc),
            ChangeTime = ToNs(info.LastWriteTimeUtc),
        };
        if (UnixFileApi.TryStat(full, out var host))
        {
            stat.Inode = host.Inode;
            stat.LinkCount = host.LinkCount;
            stat.AccessTime = host.AccessNs;
            stat.ModifyTime = host.ModifyNs;
            stat.ChangeTime = host.ChangeNs;
        }
        return stat;
    }

    public Errno Lstat(string path, out FileStat stat)
    {
        stat = default;
        try
        {
            var full = Full(path);
            var info = Info(full);
            if (info is null) return Missing(path);
            stat = StatOf(info, full);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno ReadLink(string path, out string target)
    {
        target = "";
        try
        {
            var full = Full(path);
            var info = Info(full);
            if (info is null) return Errno.NoEnt;
            if (info.LinkTarget is not { } t) return Errno.Inval;
            target = t;
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno OpenFile(string path, OFlags oflags, bool read, bool write, out WasiFile? file)
    {
        file = null;
        try
        {
            var full = Full(path);
            var info = Info(full);
            bool creat = (oflags & OFlags.Creat) != 0, excl = (oflags & OFlags.Excl) != 0, trunc = (oflags & OFlags.Trunc) != 0;
            if (info is not null)
            {
                if (creat && excl) return Errno.Exist;
                var t = TypeOf(info);
                if (t == FileType.SymbolicLink) return Errno.Loop;
                if (t == FileType.Directory) return Errno.IsDir;
            }
            else
            {
                if (!creat) return Missing(path);
                if (ReadOnly) return Errno.Rofs;
            }
            if (ReadOnly && (write || trunc)) return Errno.Rofs;
            if (trunc) write = true;
            var mode = info is null ? FileMode.CreateNew : trunc ? FileMode.Truncate : FileMode.Open;
            // .NET refuses to create or truncate through a read-only handle: use a writable one; HostFile still
            // refuses writes the guest did not ask for.
            var access = write || mode != FileMode.Open ? (read || mode != FileMode.Open ? FileAccess.ReadWrite : FileAccess.Write) : FileAccess.Read;
            var handle = File.OpenHandle(full, mode, access, FileShare.ReadWrite | FileShare.Delete);
            file = new HostFile(this, handle, full, read, write);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno ListDirectory(string path, List<DirEntry> entries)
    {
        try
        {
            var full = Full(path);
            var di = new DirectoryInfo(full);
            if (!di.Exists) return File.Exists(full) ? Errno.NotDir : Errno.NoEnt;
            foreach (var info in di.EnumerateFileSystemInfos())
                entries.Add(new DirEntry(info.Name, TypeOf(info), InodeOf(info.FullName)));
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno CreateDirectory(string path)
    {
        try
        {
            var full = Full(path);
            if (Info(full) is not null) return Errno.Exist;
            var parent = Info(Path.GetDirectoryName(full)!);
            if (parent is null) return Errno.NoEnt;
            if (TypeOf(parent) != FileType.Directory) return Errno.NotDir;
            if (ReadOnly) return Errno.Rofs;
            Directory.CreateDirectory(full);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno RemoveDirectory(string path)
    {
        try
        {
            if (path.Length == 0) return Errno.Busy;
            var full = Full(path);
            var info = Info(full);
            if (info is null) return Missing(path);
            if (TypeOf(info) != FileType.Directory) return Errno.NotDir;
            if (Directory.EnumerateFileSystemEntries(full).Any()) return Errno.NotEmpty;
            if (ReadOnly) return Errno.Rofs;
            Directory.Delete(full, recursive: false);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno UnlinkFile(string path)
    {
        try
        {
            var full = Full(path);
            var info = Info(full);
            if (info is null) return Missing(path);
            if (TypeOf(info) == FileType.Directory) return Errno.IsDir;
            if (ReadOnly) return Errno.Rofs;
            File.Delete(full);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno Rename(string from, string to)
    {
        try
        {
            if (from.Length == 0 || to.Length == 0) return Errno.Busy;
            string f = Full(from), t = Full(to);
            var src = Info(f);
            if (src is null) return Missing(from);
            var dstParent = Info(Path.GetDirectoryName(t)!);
            if (dstParent is null) return Errno.NoEnt;
            if (TypeOf(dstParent) != FileType.Directory) return Errno.NotDir;
            var dst = Info(t);
            var srcType = TypeOf(src);
            if (srcType == FileType.Directory && (to == from || to.StartsWith(from + "/", StringComparison.Ordinal)))
                return to == from ? Errno.Success : Errno.Inval;
            if (ReadOnly) return Errno.Rofs;
            if (dst is not null)
            {
                var dstType = TypeOf(dst);
                if (srcType == FileType.Directory)
                {
                    if (dstType != FileType.Directory) return Errno.NotDir;
                    if (Directory.EnumerateFileSystemEntries(t).Any()) return Errno.NotEmpty;
                    Directory.Delete(t);
                }
                else if (dstType == FileType.Directory) return Errno.IsDir;
            }
            if (srcType == FileType.Directory) Directory.Move(f, t);
            else File.Move(f, t, overwrite: true);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno Symlink(string target, string path)
    {
        try
        {
            var full = Full(path);
            if (Info(full) is not null) return Errno.Exist;
            if (ReadOnly) return Errno.Rofs;
            File.CreateSymbolicLink(full, target);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    public Errno Link(string from, string to)
    {
        try
        {
            string f = Full(from), t = Full(to);
            var src = Info(f);
            if (src is null) return Missing(from);
            if (TypeOf(src) == FileType.Directory) return Errno.Perm;
            if (Info(t) is not null) return Errno.Exist;
            if (ReadOnly) return Errno.Rofs;
            if (OperatingSystem.IsWindows()) return Errno.NotSup;
            return link(f, t) == 0 ? Errno.Success : FromHostErrno(Marshal.GetLastPInvokeError());
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    public Errno SetTimes(string path, TimeChange change)
    {
        try
        {
            var full = Full(path);
            var info = Info(full);
            if (info is null) return Missing(path);
            if (ReadOnly) return Errno.Rofs;
            if (UnixFileApi.Available)
            {
                int err = UnixFileApi.SetTimesNoFollow(full, change.AccessNs, change.ModifyNs);
                return err == 0 ? Errno.Success : FromHostErrno(err);
            }
            if (info.LinkTarget is not null) return Errno.NotSup; // .NET's setters would follow the link on the host
            if (change.AccessNs is long a) info.LastAccessTimeUtc = FromNs(a);
            if (change.ModifyNs is long m) info.LastWriteTimeUtc = FromNs(m);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return ErrnoOf(e);
        }
    }

    /// <summary>ENOENT, or ENOTDIR when a parent component exists but is not a directory.</summary>
    private Errno Missing(string path)
    {
        var (parent, _) = PathResolver.Split(path);
        while (true)
        {
            var info = Info(Full(parent));
            if (info is not null) return TypeOf(info) == FileType.Directory ? Errno.NoEnt : Errno.NotDir;
            if (parent.Length == 0) return Errno.NoEnt;
            parent = PathResolver.Split(parent).Parent;
        }
    }

    /// <summary>Maps a .NET I/O exception to an errno (on Unix, IOException.HResult carries the OS errno).</summary>
    internal static Errno ErrnoOf(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => Errno.NoEnt,
        UnauthorizedAccessException => Errno.Acces,
        PathTooLongException => Errno.NameTooLong,
        IOException io when !OperatingSystem.IsWindows() => FromHostErrno(io.HResult),
        ArgumentException => Errno.Inval,
        _ => Errno.Io,
    };

    internal static Errno FromHostErrno(int errno) => OperatingSystem.IsLinux() ? errno switch
    {
        1 => Errno.Perm, 2 => Errno.NoEnt, 5 => Errno.Io, 9 => Errno.BadF, 13 => Errno.Acces, 16 => Errno.Busy,
        17 => Errno.Exist, 18 => Errno.XDev, 20 => Errno.NotDir, 21 => Errno.IsDir, 22 => Errno.Inval, 23 => Errno.NFile,
        24 => Errno.MFile, 26 => Errno.TxtBsy, 27 => Errno.FBig, 28 => Errno.NoSpc, 30 => Errno.Rofs, 31 => Errno.MLink,
        36 => Errno.NameTooLong, 39 => Errno.NotEmpty, 40 => Errno.Loop, 95 => Errno.NotSup, 122 => Errno.DQuot,
        _ => Errno.Io,
    } : Errno.Io;
}

/// <summary>An open host file: a handle plus our own position (reads and writes go through RandomAccess).</summary>
internal sealed class HostFile(HostDirectoryFs fs, SafeFileHandle handle, string fullPath, bool canRead, bool canWrite) : PositionedFile
{
    protected override Errno GetLength(out long length)
    {
        length = 0;
        try
        {
            length = RandomAccess.GetLength(handle);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return HostDirectoryFs.ErrnoOf(e);
        }
    }

    public override Errno ReadAt(Span<byte> buffer, long offset, out int read)
    {
        read = 0;
        if (!canRead) return Errno.BadF;
        if (offset < 0) return Errno.Inval;
        try
        {
            read = RandomAccess.Read(handle, buffer, offset);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return HostDirectoryFs.ErrnoOf(e);
        }
    }

    public override Errno WriteAt(ReadOnlySpan<byte> data, long offset, out int written)
    {
        written = 0;
        if (!canWrite) return Errno.BadF;
        if (offset < 0) return Errno.Inval;
        try
        {
            RandomAccess.Write(handle, data, offset);
            written = data.Length;
            return Errno.Success;
        }
        catch (Exception e)
        {
            return HostDirectoryFs.ErrnoOf(e);
        }
    }

    public override Errno Stat(out FileStat stat)
    {
        stat = default;
        try
        {
            if (UnixFileApi.TryStat(handle, out var host))
            {
                stat = new FileStat
                {
                    Device = fs.Device, Inode = host.Inode, Type = FileType.RegularFile, LinkCount = host.LinkCount,
                    Size = (ulong)RandomAccess.GetLength(handle),
                    AccessTime = host.AccessNs, ModifyTime = host.ModifyNs, ChangeTime = host.ChangeNs,
                };
                return Errno.Success;
            }
            stat = fs.StatOf(new FileInfo(fullPath), fullPath);
            stat.Size = (ulong)RandomAccess.GetLength(handle);
            stat.ModifyTime = HostDirectoryFs.ToNs(File.GetLastWriteTimeUtc(handle));
            stat.AccessTime = HostDirectoryFs.ToNs(File.GetLastAccessTimeUtc(handle));
            stat.ChangeTime = stat.ModifyTime;
            stat.Type = FileType.RegularFile;
            return Errno.Success;
        }
        catch (FileNotFoundException)
        {
            // Unlinked while open: report what the handle still knows.
            stat = new FileStat { Type = FileType.RegularFile, LinkCount = 0, Size = (ulong)RandomAccess.GetLength(handle) };
            return Errno.Success;
        }
        catch (Exception e)
        {
            return HostDirectoryFs.ErrnoOf(e);
        }
    }

    public override Errno SetSize(long size)
    {
        if (!canWrite) return Errno.BadF;
        if (size < 0) return Errno.Inval;
        try
        {
            RandomAccess.SetLength(handle, size);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return HostDirectoryFs.ErrnoOf(e);
        }
    }

    public override Errno SetTimes(TimeChange change)
    {
        try
        {
            if (UnixFileApi.Available)
            {
                int err = UnixFileApi.SetTimes(handle, change.AccessNs, change.ModifyNs);
                return err == 0 ? Errno.Success : HostDirectoryFs.FromHostErrno(err);
            }
            if (change.AccessNs is long a) File.SetLastAccessTimeUtc(handle, HostDirectoryFs.FromNs(a));
            if (change.ModifyNs is long m) File.SetLastWriteTimeUtc(handle, HostDirectoryFs.FromNs(m));
            return Errno.Success;
        }
        catch (Exception e)
        {
            return HostDirectoryFs.ErrnoOf(e);
        }
    }

    public override Errno Sync()
    {
        try
        {
            if (canWrite) RandomAccess.FlushToDisk(handle);
            return Errno.Success;
        }
        catch (Exception e)
        {
            return HostDirectoryFs.ErrnoOf(e);
        }
    }

    public override void Close() => handle.Dispose();
}
