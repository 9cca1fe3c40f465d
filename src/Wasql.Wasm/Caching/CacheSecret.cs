// The secret that authenticates module cache entries (CacheEntry): the embedder's (EngineConfig.CacheSecret), or a
// per-user random key file created on first use, readable by its owner only.
using System.Security.Cryptography;

namespace Wasql.Wasm.Caching;

internal static class CacheSecret
{
    public const int Bytes = 32;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Where the per-user key lives when the embedder gives none: the user's local data directory
    /// (<c>$XDG_DATA_HOME</c> or <c>~/.local/share</c> on Linux), never the cache directory, whose writers must not
    /// learn or replace it. Null when the user has no such directory.</summary>
    public static string? DefaultPath()
    {
        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(root) ? null : Path.Combine(root, "wasql", "module-cache.key");
    }

    /// <summary>
    /// Invariant: a key file is trusted only if no one but its owner may read or write it (no group or other bits),
    /// since anyone who can read it can forge cache entries. (Windows: profile directories are private by default.)
    /// </summary>
    public static bool IsPrivate(UnixFileMode mode) =>
        (mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                 UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) == 0;

    /// <summary>Reads the key at <paramref name="path"/>, creating it (random, owner-only) if absent. Null when it
    /// cannot be read or created, or is not private: the cache is then off rather than trusting a known key.</summary>
    public static byte[]? LoadOrCreate(string path)
    {
        try
        {
            if (!File.Exists(path)) Create(path);
            if (!OperatingSystem.IsWindows() && !IsPrivate(File.GetUnixFileMode(path))) return null;
            var key = File.ReadAllBytes(path);
            return key.Length == Bytes ? key : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Create(string path)
    {
        string dir = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, OwnerOnlyDirectory);
        // Written under a temporary name and moved into place, so a concurrent reader never sees half a key; the
        // process that loses the race keeps the winner's key.
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        using (var f = new FileStream(temp, options)) f.Write(RandomNumberGenerator.GetBytes(Bytes));
        try { File.Move(temp, path, overwrite: false); }
        catch (IOException) { File.Delete(temp); }
    }
}
