// WASI preview1 flag sets, enums and the host-side records (filestat, dirent) the filesystem layer returns.
// Bit values are those of wasi_snapshot_preview1's witx definitions.
namespace Wasql.Wasi;

[Flags]
public enum Rights : ulong
{
    None = 0,
    FdDatasync = 1 << 0, FdRead = 1 << 1, FdSeek = 1 << 2, FdFdstatSetFlags = 1 << 3, FdSync = 1 << 4, FdTell = 1 << 5,
    FdWrite = 1 << 6, FdAdvise = 1 << 7, FdAllocate = 1 << 8, PathCreateDirectory = 1 << 9, PathCreateFile = 1 << 10,
    PathLinkSource = 1 << 11, PathLinkTarget = 1 << 12, PathOpen = 1 << 13, FdReaddir = 1 << 14, PathReadlink = 1 << 15,
    PathRenameSource = 1 << 16, PathRenameTarget = 1 << 17, PathFilestatGet = 1 << 18, PathFilestatSetSize = 1 << 19,
    PathFilestatSetTimes = 1 << 20, FdFilestatGet = 1 << 21, FdFilestatSetSize = 1 << 22, FdFilestatSetTimes = 1 << 23,
    PathSymlink = 1 << 24, PathRemoveDirectory = 1 << 25, PathUnlinkFile = 1 << 26, PollFdReadwrite = 1 << 27,
    SockShutdown = 1 << 28, SockAccept = 1 << 29,
    All = (1UL << 30) - 1,

    /// <summary>What a regular file descriptor can have.</summary>
    RegularFile = FdDatasync | FdRead | FdSeek | FdFdstatSetFlags | FdSync | FdTell | FdWrite | FdAdvise | FdAllocate |
                  FdFilestatGet | FdFilestatSetSize | FdFilestatSetTimes | PollFdReadwrite,
    /// <summary>What a directory descriptor can have.</summary>
    Directory = FdFdstatSetFlags | FdSync | FdAdvise | PathCreateDirectory | PathCreateFile | PathLinkSource |
                PathLinkTarget | PathOpen | FdReaddir | PathReadlink | PathRenameSource | PathRenameTarget |
                PathFilestatGet | PathFilestatSetSize | PathFilestatSetTimes | FdFilestatGet | FdFilestatSetTimes |
                PathSymlink | PathRemoveDirectory | PathUnlinkFile | PollFdReadwrite,
    /// <summary>Rights whose use needs the file opened for writing.</summary>
    WriteLike = FdDatasync | FdWrite | FdAllocate | FdFilestatSetSize,
}

public enum FileType : byte
{
    Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4, SocketDgram = 5,
    SocketStream = 6, SymbolicLink = 7,
}

[Flags]
public enum FdFlags : ushort { None = 0, Append = 1, Dsync = 2, NonBlock = 4, Rsync = 8, Sync = 16 }

internal static class FdFlagSets
{
    /// <summary>Every flag a descriptor remembers (all of them: fd_fdstat_get reports what path_open was given).</summary>
    public const FdFlags Kept = FdFlags.Append | FdFlags.Dsync | FdFlags.NonBlock | FdFlags.Rsync | FdFlags.Sync;

    /// <summary>Flags that make each write durable before it returns (the file is synced after the write).</summary>
    public const FdFlags SyncWrites = FdFlags.Dsync | FdFlags.Sync;
}

[Flags]
public enum OFlags : ushort { None = 0, Creat = 1, Directory = 2, Excl = 4, Trunc = 8 }

[Flags]
public enum LookupFlags : uint { None = 0, SymlinkFollow = 1 }

[Flags]
public enum FstFlags : ushort { None = 0, Atim = 1, AtimNow = 2, Mtim = 4, MtimNow = 8 }

public enum Whence : byte { Set = 0, Cur = 1, End = 2 }

public enum ClockId : uint { Realtime = 0, Monotonic = 1, ProcessCputime = 2, ThreadCputime = 3 }

public enum EventType : byte { Clock = 0, FdRead = 1, FdWrite = 2 }

/// <summary>Attributes of a file as WASI's filestat reports them (times in nanoseconds since the Unix epoch).</summary>
public struct FileStat
{
    public ulong Device;
    public ulong Inode;
    public FileType Type;
    public ulong LinkCount;
    public ulong Size;
    public long AccessTime;
    public long ModifyTime;
    public long ChangeTime;
}

/// <summary>One directory entry as a filesystem lists it (without "." and "..").</summary>
public readonly record struct DirEntry(string Name, FileType Type, ulong Inode);

/// <summary>A time change for set_times calls: null leaves a time alone.</summary>
public readonly record struct TimeChange(long? AccessNs, long? ModifyNs);
