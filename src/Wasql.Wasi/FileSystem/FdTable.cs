// The guest's file descriptor table: numbers to open files with their rights and flags. New descriptors take
// the lowest free number; the table size is capped (EMFILE) so a guest cannot exhaust host handles.
namespace Wasql.Wasi.FileSystem;

internal sealed class FdEntry(WasiFile file, Rights rightsBase, Rights rightsInheriting, FdFlags flags, string? preopenName = null)
{
    public readonly WasiFile File = file;
    public Rights Base = rightsBase;
    public Rights Inheriting = rightsInheriting;
    public FdFlags Flags = flags;
    /// <summary>The guest path of a preopened directory (what fd_prestat_dir_name reports).</summary>
    public readonly string? PreopenName = preopenName;
}

internal sealed class FdTable(int maxDescriptors)
{
    private FdEntry?[] _entries = new FdEntry?[16];

    public int MaxDescriptors { get; } = maxDescriptors;

    public Errno Get(int fd, out FdEntry entry)
    {
        if ((uint)fd < (uint)_entries.Length && _entries[fd] is { } e)
        {
            entry = e;
            return Errno.Success;
        }
        entry = null!;
        return Errno.BadF;
    }

    /// <summary>Gets an entry that has all of <paramref name="rights"/> (ENOTCAPABLE otherwise).</summary>
    public Errno Get(int fd, Rights rights, out FdEntry entry)
    {
        var e = Get(fd, out entry);
        if (e != Errno.Success) return e;
        return (entry.Base & rights) == rights ? Errno.Success : Errno.NotCapable;
    }

    public Errno Insert(FdEntry entry, out int fd)
    {
        for (fd = 0; fd < _entries.Length; fd++)
            if (_entries[fd] is null)
            {
                _entries[fd] = entry;
                return Errno.Success;
            }
        if (_entries.Length >= MaxDescriptors) return Errno.MFile;
        fd = _entries.Length;
        Array.Resize(ref _entries, Math.Min(_entries.Length * 2, MaxDescriptors));
        _entries[fd] = entry;
        return Errno.Success;
    }

    /// <summary>Places an entry at a given number (for stdio and preopens at build time).</summary>
    public void Set(int fd, FdEntry entry)
    {
        if (fd >= _entries.Length) Array.Resize(ref _entries, Math.Max(fd + 1, _entries.Length * 2));
        _entries[fd] = entry;
    }

    public Errno Remove(int fd, out FdEntry entry)
    {
        var e = Get(fd, out entry);
        if (e == Errno.Success) _entries[fd] = null;
        return e;
    }

    /// <summary>fd_renumber: moves <paramref name="from"/> onto <paramref name="to"/>, closing what was there.</summary>
    public Errno Renumber(int from, int to)
    {
        var e = Get(from, out var source);
        if (e != Errno.Success) return e;
        e = Get(to, out var target);
        if (e != Errno.Success) return e;
        if (from == to) return Errno.Success;
        if (!ReferenceEquals(source.File, target.File)) target.File.Close();
        _entries[to] = source;
        _entries[from] = null;
        return Errno.Success;
    }

    public void CloseAll()
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            _entries[i]?.File.Close();
            _entries[i] = null;
        }
    }
}
