// The one reader of host files named by USING FILE (CREATE FUNCTION, CREATE PLUGIN): only regular files on real
// filesystems, at most MaxModuleBytes, with one error text for every reason a file cannot be used.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Wasql.Database.Catalog;

/// <summary>Reads a wasm module from a host path for <c>USING FILE</c>.</summary>
public static class ModuleFile
{
    /// <summary>The largest module USING FILE accepts (applied while reading, whatever size the file reports).</summary>
    public const long MaxModuleBytes = 64L << 20;

    private const int ReadChunk = 64 * 1024;

    /// <summary>
    /// The file's bytes. Invariant: bytes are returned only from a regular file (not a directory, FIFO, socket or
    /// device) that is not on a kernel pseudo-filesystem (/proc, /sys, ...), checked on the opened descriptor (so a
    /// path swapped after the check cannot slip through), and never more than <see cref="MaxModuleBytes"/>. A missing,
    /// unreadable or non-regular file gets one error text, so the error does not tell which (no existence probing).
    /// </summary>
    /// <param name="path">The path from the statement.</param>
    /// <param name="subject">Prefix for messages, e.g. <c>plugin "p"</c>; null for none.</param>
    /// <param name="position">The statement position to report.</param>
    public static byte[] Read(string path, string? subject = null, int? position = null)
    {
        using var stream = OpenRegular(path) ?? throw Unusable(path, subject, position);
        var buffer = new MemoryStream();
        var chunk = new byte[ReadChunk];
        int n;
        try
        {
            while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + n > MaxModuleBytes)
                    throw new WasqlException(SqlStates.ProgramLimitExceeded,
                        $"{Prefix(subject)}module file \"{path}\" is larger than {MaxModuleBytes >> 20} MiB", position);
                buffer.Write(chunk, 0, n);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unusable(path, subject, position);
        }
        return buffer.ToArray();
    }

    private static string Prefix(string? subject) => subject is null ? "" : subject + ": ";

    private static WasqlException Unusable(string path, string? subject, int? position) =>
        new(SqlStates.UndefinedFile, $"{Prefix(subject)}could not read module file \"{path}\": not a readable regular file", position);

    /// <summary>An open stream on a regular file, or null for anything else (missing, unreadable, wrong type).</summary>
    private static FileStream? OpenRegular(string path)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0')) return null;
        if (!OperatingSystem.IsLinux()) return OpenPortable(path);
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it has no effect on regular files.
        int fd = Native.open(path, Native.O_RDONLY | Native.O_NONBLOCK | Native.O_CLOEXEC);
        if (fd < 0) return null;
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        bool regular;
        try { regular = Native.IsRegularOnRealFileSystem(fd); }
        catch (EntryPointNotFoundException) { regular = false; }   // a libc without statx (glibc < 2.28): refuse
        if (!regular)
        {
            handle.Dispose();
            return null;
        }
        try { return new FileStream(handle, FileAccess.Read, bufferSize: 0); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            handle.Dispose();
            return null;
        }
    }

    /// <summary>Elsewhere than Linux: attributes say directory / device / link target; good enough off-server.</summary>
    private static FileStream? OpenPortable(string path)
    {
        try
        {
            var attributes = File.GetAttributes(path);
            if ((attributes & (FileAttributes.Directory | FileAttributes.Device)) != 0) return null;
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Linux calls with layouts fixed by the kernel ABI (statx is the same on every architecture).</summary>
    private static class Native
    {
        public const int O_RDONLY = 0, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
        private const int AT_EMPTY_PATH = 0x1000;
        private const uint STATX_TYPE = 0x1;
        private const int StatxSize = 256, StatxModeOffset = 0x1C;
        private const int S_IFMT = 0xF000, S_IFREG = 0x8000;
        private const int StatfsSize = 512;   // larger than struct statfs on any 64-bit Linux; f_type comes first

        /// <summary>Filesystems whose "regular" files are kernel views (/proc/self/environ, /sys/...), never modules.</summary>
        private static readonly HashSet<long> PseudoFileSystems =
        [
            0x9fa0,        // proc
            0x62656572,    // sysfs
            0x64626720,    // debugfs
            0x74726163,    // tracefs
            0x73636673,    // securityfs
            0x27e0eb,      // cgroup
            0x63677270,    // cgroup2
            0xcafe4a11,    // bpf
            0x62656570,    // configfs
            0xde5e81e4,    // efivarfs
        ];

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern int fstatfs(int fd, byte[] buffer);

        public static bool IsRegularOnRealFileSystem(int fd)
        {
            var st = new byte[StatxSize];
            if (statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, st) != 0) return false;
            int mode = BinaryPrimitives.ReadUInt16LittleEndian(st.AsSpan(StatxModeOffset));
            if ((mode & S_IFMT) != S_IFREG) return false;
            if (!IntPtr.Size.Equals(8)) return true;   // f_type's width below assumes a 64-bit ABI
            var fs = new byte[StatfsSize];
            if (fstatfs(fd, fs) != 0) return false;
            long type = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadInt64LittleEndian(fs) : BinaryPrimitives.ReadInt64BigEndian(fs);
            return !PseudoFileSystems.Contains(type);
        }
    }
}
