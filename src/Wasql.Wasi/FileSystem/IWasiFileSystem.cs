// The filesystem a preopen exposes. Paths given to it are already resolved by PathResolver: relative to the
// filesystem root, components joined by '/', no ".", "..", empty components or symlinks before the last one
// ("" is the root). Implementations must not follow a symlink in the final component unless told to via Open.
namespace Wasql.Wasi.FileSystem;

public interface IWasiFileSystem
{
    /// <summary>Every mutating operation fails with EROFS.</summary>
    bool ReadOnly { get; }

    /// <summary>Attributes of the final component itself (a symlink is reported as a symlink).</summary>
    Errno Lstat(string path, out FileStat stat);

    /// <summary>The target text of a symlink; EINVAL when the path is not a symlink, ENOENT when it does not exist.</summary>
    Errno ReadLink(string path, out string target);

    /// <summary>Opens (or creates) a regular file. The path's final component is known not to be a symlink or directory
    /// unless it does not exist yet.</summary>
    Errno OpenFile(string path, OFlags oflags, bool read, bool write, out WasiFile? file);

    /// <summary>Lists a directory, without "." and "..".</summary>
    Errno ListDirectory(string path, List<DirEntry> entries);

    Errno CreateDirectory(string path);
    Errno RemoveDirectory(string path);
    Errno UnlinkFile(string path);
    Errno Rename(string from, string to);
    Errno Symlink(string target, string path);
    Errno Link(string from, string to);
    Errno SetTimes(string path, TimeChange change);
}
