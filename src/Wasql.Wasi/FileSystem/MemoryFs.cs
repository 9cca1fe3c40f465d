// An in-memory filesystem: a small tree of directories, byte-array files and symlinks that never touches the
// disk, with a byte budget (ENOSPC past it). The embedder can seed and inspect it (AddFile, ReadFile). One lock
// guards the tree so a MemoryFs may be shared by several contexts.
using System.Text;

namespace Wasql.Wasi.FileSystem;

public sealed class MemoryFs : IWasiFileSystem
{
    internal abstract class Node
    {
        public ulong Inode;
        public long AccessTime, ModifyTime, ChangeTime;
        public int LinkCount = 1;
        public abstract FileType Type { get; }
    }

    internal sealed class DirNode : Node
    {
        public readonly SortedDictionary<string, Node> Children = new(StringComparer.Ordinal);
        public override FileType Type => FileType.Directory;
    }

    internal sealed class FileNode : Node
    {
        public byte[] Data = [];
        public long Length;
        public override FileType Type => FileType.RegularFile;
    }

    internal sealed class LinkNode(string target) : Node
    {
        public readonly string Target = target;
        public override FileType Type => FileType.SymbolicLink;
    }

    private static long s_devices;
    private readonly DirNode _root;
    private readonly ulong _device = (ulong)Interlocked.Increment(ref s_devices) | 0x4d454d0000000000UL;
    private ulong _nextInode = 1;
    private long _usedBytes;
    internal readonly object Lock = new();

    public bool ReadOnly { get; }
    /// <summary>Largest total size of file contents.</summary>
    public long MaxBytes { get; }
    public long UsedBytes => Interlocked.Read(ref _usedBytes);

    public MemoryFs(long maxBytes = 64L << 20, bool readOnly = false)
    {
        MaxBytes = maxBytes;
        ReadOnly = readOnly;
        _root = NewNode(new DirNode());
    }

    internal static long Now() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private T NewNode<T>(T n) where T : Node
    {
        n.Inode = _nextInode++;
        n.AccessTime = n.ModifyTime = n.ChangeTime = Now();
        return n;
    }

    // ---- embedder API ----

    /// <summary>Creates (or replaces) a file, creating missing parent directories. Host side: ignores ReadOnly.</summary>
    public MemoryFs AddFile(string path, byte[] contents)
    {
        lock (Lock)
        {
            var (dir, name) = HostParent(path, create: true);
            if (dir.Children.TryGetValue(name, out var old) && old is FileNode of) _usedBytes -= of.Data.Length;
            var f = NewNode(new FileNode { Data = (byte[])contents.Clone(), Length = contents.Length });
            _usedBytes += contents.Length;
            dir.Children[name] = f;
        }
        return this;
    }

    public MemoryFs AddFile(string path, string text) => AddFile(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Creates a directory and its missing parents.</summary>
    public MemoryFs AddDirectory(string path)
    {
        lock (Lock)
        {
            var (dir, name) = HostParent(path, create: true);
            if (name.Length > 0 && !dir.Children.ContainsKey(name)) dir.Children[name] = NewNode(new DirNode());
        }
        return this;
    }

    /// <summary>A file's contents, or null when there is no regular file at <paramref name="path"/>.</summary>
    public byte[]? ReadFile(string path)
    {
        lock (Lock)
            return Find(Normalize(path)) is FileNode f ? f.Data.AsSpan(0, (int)f.Length).ToArray() : null;
    }

    /// <summary>Names in a directory, or null when there is no directory at <paramref name="path"/>.</summary>
    public IReadOnlyList<string>? List(string path)
    {
        lock (Lock)
            return Find(Normalize(path)) is DirNode d ? d.Children.Keys.ToList() : null;
    }

    private static string Normalize(string path) => string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries));

    private (DirNode Dir, string Name) HostParent(string path, bool create)
    {
        var parts = Normalize(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is "." or "..")) throw new ArgumentException("'.' and '..' are not allowed", nameof(path));
        var dir = _root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!dir.Children.TryGetValue(parts[i], out var n))
            {
                if (!create) throw new DirectoryNotFoundException(path);
                n = NewNode(new DirNode());
                dir.Children[parts[i]] = n;
            }
            dir = n as DirNode ?? throw new IOException($"{parts[i]} is not a directory");
        }
        return (dir, parts.Length == 0 ? "" : parts[^1]);
    }

    // ---- lookups on resolved paths ----

    private Node? Find(string path)
    {
        Node n = _root;
        if (path.Length == 0) return n;
        foreach (var c in path.Split('/'))
        {
            if (n is not DirNode d || !d.Children.TryGetValue(c, out var child)) return null;
            n = child;
        }
        return n;
    }

    /// <summary>The parent directory of a resolved path and the final name (ENOENT/ENOTDIR when the parent is missing).</summary>
    private Errno Parent(string path, out DirNode dir, out string name)
    {
        var (p, n) = PathResolver.Split(path);
        name = n;
        dir = _root;
        var node = Find(p);
        if (node is null) return Errno.NoEnt;
        if (node is not DirNode d) return Errno.NotDir;
        dir = d;
        return n.Length == 0 ? Errno.Inval : Errno.Success;
    }

    private Errno Stat(Node n, out FileStat st)
    {
        st = new FileStat
        {
            Device = _device, Inode = n.Inode, Type = n.Type, LinkCount = (ulong)n.LinkCount,
            Size = n switch { FileNode f => (ulong)f.Length, LinkNode l => (ulong)Encoding.UTF8.GetByteCount(l.Target), _ => 0 },
            AccessTime = n.AccessTime, ModifyTime = n.ModifyTime, ChangeTime = n.ChangeTime,
        };
        return Errno.Success;
    }

    // ---- IWasiFileSystem ----

    public Errno Lstat(string path, out FileStat stat)
    {
        lock (Lock)
        {
            var n = Find(path);
            if (n is null)
            {
                stat = default;
                return Errno.NoEnt;
            }
            return Stat(n, out stat);
        }
    }

    internal Errno StatNode(Node n, out FileStat stat)
    {
        lock (Lock) return Stat(n, out stat);
    }

    public Errno ReadLink(string path, out string target)
    {
        lock (Lock)
        {
            target = "";
            var n = Find(path);
            if (n is null) return Errno.NoEnt;
            if (n is not LinkNode l) return Errno.Inval;
            target = l.Target;
            return Errno.Success;
        }
    }

    public Errno OpenFile(string path, OFlags oflags, bool read, bool write, out WasiFile? file)
    {
        file = null;
        lock (Lock)
        {
            var e = Parent(path, out var dir, out var name);
            if (e != Errno.Success) return e;
            dir.Children.TryGetValue(name, out var n);
            if (n is null)
            {
                if ((oflags & OFlags.Creat) == 0) return Errno.NoEnt;
                if (ReadOnly) return Errno.Rofs;
                n = NewNode(new FileNode());
                dir.Children[name] = n;
                dir.ModifyTime = dir.ChangeTime = Now();
            }
            else
            {
                if ((oflags & (OFlags.Creat | OFlags.Excl)) == (OFlags.Creat | OFlags.Excl)) return Errno.Exist;
                if (n is DirNode) return Errno.IsDir;
                if (n is LinkNode) return Errno.Loop;
            }
            if (ReadOnly && write) return Errno.Rofs;
            var f = (FileNode)n;
            if ((oflags & OFlags.Trunc) != 0)
            {
                if (ReadOnly) return Errno.Rofs;
                Resize(f, 0);
                f.ModifyTime = f.ChangeTime = Now();
            }
            file = new MemoryFile(this, f, read, write);
            return Errno.Success;
        }
    }

    public Errno ListDirectory(string path, List<DirEntry> entries)
    {
        lock (Lock)
        {
            var n = Find(path);
            if (n is null) return Errno.NoEnt;
            if (n is not DirNode d) return Errno.NotDir;
            foreach (var (name, child) in d.Children) entries.Add(new DirEntry(name, child.Type, child.Inode));
            return Errno.Success;
        }
    }

    public Errno CreateDirectory(string path)
    {
        lock (Lock)
        {
            var e = Parent(path, out var dir, out var name);
            if (e != Errno.Success) return path.Length == 0 ? Errno.Exist : e;
            if (dir.Children.ContainsKey(name)) return Errno.Exist;
            if (ReadOnly) return Errno.Rofs;
            dir.Children[name] = NewNode(new DirNode());
            dir.ModifyTime = dir.ChangeTime = Now();
            return Errno.Success;
        }
    }

    public Errno RemoveDirectory(string path)
    {
        lock (Lock)
        {
            if (path.Length == 0) return Errno.Busy;
            var e = Parent(path, out var dir, out var name);
            if (e != Errno.Success) return e;
            if (!dir.Children.TryGetValue(name, out var n)) return Errno.NoEnt;
            if (n is not DirNode d) return Errno.NotDir;
            if (d.Children.Count > 0) return Errno.NotEmpty;
            if (ReadOnly) return Errno.Rofs;
            dir.Children.Remove(name);
            dir.ModifyTime = dir.ChangeTime = Now();
            return Errno.Success;
        }
    }

    public Errno UnlinkFile(string path)
    {
        lock (Lock)
        {
            var e = Parent(path, out var dir, out var name);
            if (e != Errno.Success) return path.Length == 0 ? Errno.IsDir : e;
            if (!dir.Children.TryGetValue(name, out var n)) return Errno.NoEnt;
            if (n is DirNode) return Errno.IsDir;
            if (ReadOnly) return Errno.Rofs;
            dir.Children.Remove(name);
            if (--n.LinkCount == 0 && n is FileNode f) _usedBytes -= f.Data.Length;
            dir.ModifyTime = dir.ChangeTime = Now();
            return Errno.Success;
        }
    }

    public Errno Rename(string from, string to)
    {
        lock (Lock)
        {
            if (from.Length == 0 || to.Length == 0) return Errno.Busy;
            var e = Parent(from, out var fromDir, out var fromName);
            if (e != Errno.Success) return e;
            if (!fromDir.Children.TryGetValue(fromName, out var n)) return Errno.NoEnt;
            e = Parent(to, out var toDir, out var toName);
            if (e != Errno.Success) return e;
            if (n is DirNode && (to == from || to.StartsWith(from + "/", StringComparison.Ordinal))) return to == from ? Errno.Success : Errno.Inval;
            if (ReadOnly) return Errno.Rofs;
            if (toDir.Children.TryGetValue(toName, out var existing))
            {
                if (ReferenceEquals(existing, n)) return Errno.Success;
                if (n is DirNode)
                {
                    if (existing is not DirNode ed) return Errno.NotDir;
                    if (ed.Children.Count > 0) return Errno.NotEmpty;
                }
                else if (existing is DirNode) return Errno.IsDir;
                if (--existing.LinkCount == 0 && existing is FileNode ef) _usedBytes -= ef.Data.Length;
            }
            fromDir.Children.Remove(fromName);
            toDir.Children[toName] = n;
            fromDir.ModifyTime = toDir.ModifyTime = n.ChangeTime = Now();
            return Errno.Success;
        }
    }

    public Errno Symlink(string target, string path)
    {
        lock (Lock)
        {
            var e = Parent(path, out var dir, out var name);
            if (e != Errno.Success) return path.Length == 0 ? Errno.Exist : e;
            if (dir.Children.ContainsKey(name)) return Errno.Exist;
            if (ReadOnly) return Errno.Rofs;
            dir.Children[name] = NewNode(new LinkNode(target));
            return Errno.Success;
        }
    }

    public Errno Link(string from, string to)
    {
        lock (Lock)
        {
            var n = Find(from);
            if (n is null) return Errno.NoEnt;
            if (n is DirNode) return Errno.Perm;
            var e = Parent(to, out var dir, out var name);
            if (e != Errno.Success) return to.Length == 0 ? Errno.Exist : e;
            if (dir.Children.ContainsKey(name)) return Errno.Exist;
            if (ReadOnly) return Errno.Rofs;
            dir.Children[name] = n;
            n.LinkCount++;
            n.ChangeTime = Now();
            return Errno.Success;
        }
    }

    public Errno SetTimes(string path, TimeChange change)
    {
        lock (Lock)
        {
            var n = Find(path);
            if (n is null) return Errno.NoEnt;
            if (ReadOnly) return Errno.Rofs;
            ApplyTimes(n, change);
            return Errno.Success;
        }
    }

    internal void ApplyTimes(Node n, TimeChange change)
    {
        if (change.AccessNs is long a) n.AccessTime = a;
        if (change.ModifyNs is long m) n.ModifyTime = m;
        n.ChangeTime = Now();
    }

    /// <summary>Sets a file's length, charging or refunding the byte budget (caller holds the lock).</summary>
    internal Errno Resize(FileNode f, long length)
    {
        if (length < 0) return Errno.Inval;
        if (length > Array.MaxLength) return Errno.FBig;
        if (length > f.Data.Length)
        {
            long capacity = Math.Min(Math.Max(length, Math.Min((long)f.Data.Length * 2, Array.MaxLength)), Array.MaxLength);
            long extra = capacity - f.Data.Length;
            if (_usedBytes + extra > MaxBytes)
            {
                capacity = length;
                extra = capacity - f.Data.Length;
                if (_usedBytes + extra > MaxBytes) return Errno.NoSpc;
            }
            Array.Resize(ref f.Data, (int)capacity);
            _usedBytes += extra;
        }
        else if (length < f.Length)
        {
            f.Data.AsSpan((int)length, (int)(f.Length - length)).Clear();
        }
        f.Length = length;
        return Errno.Success;
    }
}

/// <summary>An open in-memory file: a node and a position.</summary>
internal sealed class MemoryFile(MemoryFs fs, MemoryFs.FileNode node, bool canRead, bool canWrite) : PositionedFile
{
    protected override Errno GetLength(out long length)
    {
        lock (fs.Lock) length = node.Length;
        return Errno.Success;
    }

    public override Errno ReadAt(Span<byte> buffer, long offset, out int read)
    {
        read = 0;
        if (!canRead) return Errno.BadF;
        if (offset < 0) return Errno.Inval;
        lock (fs.Lock)
        {
            if (offset >= node.Length) return Errno.Success;
            read = (int)Math.Min(buffer.Length, node.Length - offset);
            node.Data.AsSpan((int)offset, read).CopyTo(buffer);
            node.AccessTime = MemoryFs.Now();
            return Errno.Success;
        }
    }

    public override Errno WriteAt(ReadOnlySpan<byte> data, long offset, out int written)
    {
        written = 0;
        if (!canWrite) return Errno.BadF;
        if (offset < 0) return Errno.Inval;
        lock (fs.Lock)
        {
            long end = offset + data.Length;
            if (end > node.Length)
            {
                var e = fs.Resize(node, end);
                if (e != Errno.Success) return e;
            }
            data.CopyTo(node.Data.AsSpan((int)offset));
            node.ModifyTime = node.ChangeTime = MemoryFs.Now();
            written = data.Length;
            return Errno.Success;
        }
    }

    public override Errno Stat(out FileStat stat) => fs.StatNode(node, out stat);

    public override Errno SetSize(long size)
    {
        if (!canWrite) return Errno.BadF;
        lock (fs.Lock)
        {
            var e = fs.Resize(node, size);
            if (e == Errno.Success) node.ModifyTime = node.ChangeTime = MemoryFs.Now();
            return e;
        }
    }

    public override Errno SetTimes(TimeChange change)
    {
        lock (fs.Lock) fs.ApplyTimes(node, change);
        return Errno.Success;
    }
}
