// The few Linux file calls .NET does not expose: statx (inode number, link count, nanosecond times, so hard links
// share an inode as WASI programs expect) and utimensat with AT_SYMLINK_NOFOLLOW (set a symlink's own times; .NET's
// setters follow links). Both act on the final component without following it. Elsewhere callers fall back to .NET.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Wasql.Wasi.FileSystem;

internal static class UnixFileApi
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const long UtimeOmit = (1L << 30) - 2;
    private const int StatxBufferBytes = 256;

    // Offsets in struct statx (the same on every Linux architecture).
    private const int NlinkOffset = 16, InoOffset = 32, AtimeOffset = 64, CtimeOffset = 96, MtimeOffset = 112;

    public static bool Available { get; } = OperatingSystem.IsLinux();

    public readonly record struct HostStat(ulong Inode, ulong LinkCount, long AccessNs, long ModifyNs, long ChangeNs);

    /// <summary>lstat-like facts of <paramref name="path"/>; false when the call is unavailable or fails.</summary>
    public static bool TryStat(string path, out HostStat stat) => TryStatx(AtFdCwd, path, AtSymlinkNoFollow, out stat);

    /// <summary>fstat-like facts of an open file (still right after the file was renamed or unlinked).</summary>
    public static bool TryStat(SafeFileHandle handle, out HostStat stat)
    {
        stat = default;
        if (!Available || handle.IsInvalid || handle.IsClosed) return false;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return TryStatx((int)handle.DangerousGetHandle(), "", AtEmptyPath, out stat);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static unsafe bool TryStatx(int dirFd, string path, int flags, out HostStat stat)
    {
        stat = default;
        if (!Available) return false;
        byte* buf = stackalloc byte[StatxBufferBytes];
        try
        {
            if (statx(dirFd, path, flags, StatxBasicStats, buf) != 0) return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a libc without statx (glibc < 2.28)
        }
        stat = new HostStat(
            Inode: *(ulong*)(buf + InoOffset),
            LinkCount: *(uint*)(buf + NlinkOffset),
            AccessNs: TimestampNs(buf + AtimeOffset),
            ModifyNs: TimestampNs(buf + MtimeOffset),
            ChangeNs: TimestampNs(buf + CtimeOffset));
        return true;
    }

    /// <summary>Sets access and/or modification time of the final component itself (a symlink's own times).
    /// Returns 0 or the host errno.</summary>
    public static unsafe int SetTimesNoFollow(string path, long? accessNs, long? modifyNs)
    {
        long* times = stackalloc long[4];
        FillTimespec(times, accessNs);
        FillTimespec(times + 2, modifyNs);
        return utimensat(AtFdCwd, path, times, AtSymlinkNoFollow) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Sets the times of an open file (futimens), at full nanosecond precision. Returns 0 or the host errno.</summary>
    public static unsafe int SetTimes(SafeFileHandle handle, long? accessNs, long? modifyNs)
    {
        long* times = stackalloc long[4];
        FillTimespec(times, accessNs);
        FillTimespec(times + 2, modifyNs);
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return futimens((int)handle.DangerousGetHandle(), times) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static unsafe void FillTimespec(long* timespec, long? ns)
    {
        if (ns is long v)
        {
            timespec[0] = Math.DivRem(v, 1_000_000_000L, out long rem);
            timespec[1] = rem;
        }
        else
        {
            timespec[0] = 0;
            timespec[1] = UtimeOmit;
        }
    }

    private static unsafe long TimestampNs(byte* ts) => *(long*)ts * 1_000_000_000L + *(uint*)(ts + 8);

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int futimens(int fd, long* times);

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int utimensat(int dirfd, string path, long* times, int flags);
}
