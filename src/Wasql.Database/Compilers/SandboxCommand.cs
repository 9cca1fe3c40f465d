// Builds the command line that runs one compiler inside bubblewrap under rlimits. A pure function of its inputs, so
// the confinement can be read (and tested) in one place.
namespace Wasql.Database.Compilers;

/// <summary>
/// The argv of a sandboxed compile: <c>prlimit [limits] -- bwrap [mounts, namespaces, env] -- compiler args</c>.
/// Invariant: the compiler sees only the toolchain mounts (read-only: <c>/usr</c>, the merged-usr links or their
/// read-only binds, <c>/etc/ld.so.cache</c>, <see cref="CompilerLimits.ReadOnlyPaths"/>), its own fresh /proc, /dev
/// and /tmp, and the scratch directory as <see cref="ScratchMount"/>, the only writable host path. It has no network,
/// no host pids, no inherited environment, and dies with the server. Nothing else of the host (no /etc/passwd,
/// /home, /root, the database files) exists inside.
/// </summary>
internal static class SandboxCommand
{
    /// <summary>Where the scratch directory appears inside the sandbox (and the compile's working directory).</summary>
    public const string ScratchMount = "/build";

    /// <summary>PATH inside the sandbox.</summary>
    public const string SandboxPath = "/usr/bin:/bin";

    /// <summary>Top-level host entries a toolchain needs: on merged-usr systems these are symlinks into /usr (recreated
    /// as links), otherwise real directories (bound read-only).</summary>
    private static readonly string[] SystemEntries = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

    /// <summary>Host entry kinds the caller looked up (so this function stays pure).</summary>
    public enum EntryKind { Missing, Directory, Symlink }

    public static List<string> Build(CompilerLimits limits, string scratch, string compiler, IEnumerable<string> args,
        Func<string, (EntryKind Kind, string? LinkTarget)> inspect)
    {
        var argv = Rlimits(limits);
        argv.AddRange(new[]
        {
            limits.BubblewrapPath,
            "--unshare-all", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr",
        });
        foreach (var entry in SystemEntries)
        {
            var (kind, target) = inspect(entry);
            if (kind == EntryKind.Symlink && target is not null) argv.AddRange(["--symlink", target, entry]);
            else if (kind == EntryKind.Directory) argv.AddRange(["--ro-bind", entry, entry]);
        }
        argv.AddRange(["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]);
        foreach (var path in limits.ReadOnlyPaths) argv.AddRange(["--ro-bind", path, path]);
        argv.AddRange([
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--bind", scratch, ScratchMount, "--chdir", ScratchMount,
            "--clearenv", "--setenv", "PATH", SandboxPath, "--setenv", "HOME", ScratchMount, "--setenv", "TMPDIR", ScratchMount,
            "--setenv", "LC_ALL", "C",
            "--setenv", "MALLOC_ARENA_MAX", "2",   // glibc reserves 64 MiB of address space per thread arena otherwise
            "--", compiler,
        ]);
        argv.AddRange(args);
        return argv;
    }

    /// <summary><c>prlimit [limits] --</c>: the rlimits of every compile, sandboxed or not; the command follows.</summary>
    public static List<string> Rlimits(CompilerLimits limits) =>
    [
        limits.PrlimitPath,
        $"--cpu={limits.CpuSeconds}:{limits.CpuSeconds + 5}",   // soft: SIGXCPU; hard a little later: SIGKILL
        $"--as={limits.AddressSpaceBytes}",
        $"--fsize={limits.FileSizeBytes}",
        $"--nproc={limits.MaxProcesses}",
        "--core=0",
        "--",
    ];

    /// <summary>The real host lookup for <see cref="Build"/>.</summary>
    public static (EntryKind Kind, string? LinkTarget) InspectHost(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists && !Directory.Exists(path) && info.LinkTarget is null) return (EntryKind.Missing, null);
        if (info.LinkTarget is { } target) return (EntryKind.Symlink, target);
        return Directory.Exists(path) ? (EntryKind.Directory, null) : (EntryKind.Missing, null);
    }

    /// <summary>True when <paramref name="path"/> (absolute, normalized) is visible inside the sandbox.</summary>
    public static bool IsVisible(CompilerLimits limits, string path) =>
        new[] { "/usr" }.Concat(limits.ReadOnlyPaths).Any(root => path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal));
}
