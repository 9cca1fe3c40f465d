// Resolves a guest path against a directory descriptor without ever leaving the preopen: every component is
// walked here (not by the OS), "..", absolute paths and symlinks are expanded by hand, and anything that would
// climb above the directory descriptor it starts from fails with ENOTCAPABLE. Invariant: a descriptor is a capability
// for its own subtree only (as in cap-std), so a resolved path always has the start directory as a prefix; an open
// subdirectory never grants its parent, not even through symlinks. Symlink targets that are absolute are refused too.
namespace Wasql.Wasi.FileSystem;

internal static class PathResolver
{
    public const int MaxSymlinkExpansions = 32;
    public const int MaxPathBytes = 4096;

    /// <summary>
    /// Resolves <paramref name="path"/> relative to the directory <paramref name="start"/> of <paramref name="fs"/>.
    /// Symlinks in intermediate components are always followed; the final one only when <paramref name="followFinal"/>
    /// (a trailing slash also follows it). The result may not exist.
    /// </summary>
    public static Errno Resolve(IWasiFileSystem fs, string start, string path, bool followFinal, out string resolved, out bool trailingSlash)
    {
        resolved = "";
        trailingSlash = false;
        if (path.Length == 0) return Errno.NoEnt;
        if (path.Length > MaxPathBytes) return Errno.NameTooLong;
        if (path[0] == '/') return Errno.NotCapable;
        trailingSlash = path[^1] == '/';
        if (trailingSlash) followFinal = true;

        var stack = new List<string>();
        if (start.Length > 0) stack.AddRange(start.Split('/'));
        int floor = stack.Count; // ".." may not pop the start directory's own components
        // Pending components, last element = next to visit.
        var pending = new List<string>();
        PushComponents(pending, path);
        int expansions = 0;

        while (pending.Count > 0)
        {
            string c = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            if (c.Length == 0 || c == ".") continue;
            if (c == "..")
            {
                if (stack.Count == floor) return Errno.NotCapable;
                stack.RemoveAt(stack.Count - 1);
                continue;
            }
            if (OperatingSystem.IsWindows() && (c.Contains('\\') || c.Contains(':'))) return Errno.Inval;
            bool last = !HasRealComponent(pending);
            stack.Add(c);
            if (last && !followFinal) continue;
            var e = fs.ReadLink(string.Join('/', stack), out string target);
            if (e != Errno.Success) continue; // not a symlink (or missing): the operation itself will report it
            if (++expansions > MaxSymlinkExpansions) return Errno.Loop;
            if (target.Length == 0) return Errno.NoEnt;
            if (target[0] == '/') return Errno.NotCapable;
            stack.RemoveAt(stack.Count - 1);
            PushComponents(pending, target);
        }
        resolved = string.Join('/', stack);
        return Errno.Success;
    }

    /// <summary>Whether a symlink target, read relative to the directory <paramref name="linkDir"/>, stays inside the root
    /// when taken lexically (used to refuse planting escaping symlinks).</summary>
    public static bool StaysInside(string linkDir, string target)
    {
        if (target.Length == 0 || target[0] == '/') return false;
        int depth = linkDir.Length == 0 ? 0 : linkDir.Split('/').Length;
        foreach (var c in target.Split('/'))
        {
            if (c.Length == 0 || c == ".") continue;
            if (c == "..")
            {
                if (--depth < 0) return false;
            }
            else depth++;
        }
        return true;
    }

    /// <summary>Splits a resolved path into (parent, name); the root has no name.</summary>
    public static (string Parent, string Name) Split(string resolved)
    {
        int i = resolved.LastIndexOf('/');
        return i < 0 ? ("", resolved) : (resolved[..i], resolved[(i + 1)..]);
    }

    private static void PushComponents(List<string> pending, string path)
    {
        var parts = path.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--) pending.Add(parts[i]);
    }

    private static bool HasRealComponent(List<string> pending)
    {
        foreach (var c in pending)
            if (c.Length != 0 && c != ".") return true;
        return false;
    }
}
