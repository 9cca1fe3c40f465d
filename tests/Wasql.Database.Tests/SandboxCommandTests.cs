// The compile sandbox's command line and message scrubbing are pure functions: their invariants are checked here
// without running a compiler.
using Wasql.Database.Compilers;
using static Wasql.Database.Compilers.SandboxCommand;

namespace Wasql.Database.Tests;

public sealed class SandboxCommandTests
{
    private static (EntryKind, string?) MergedUsr(string path) => path switch
    {
        "/bin" => (EntryKind.Symlink, "usr/bin"),
        "/lib" => (EntryKind.Symlink, "usr/lib"),
        "/lib64" => (EntryKind.Directory, null),
        _ => (EntryKind.Missing, null),
    };

    private static List<string> Build(CompilerLimits limits) =>
        SandboxCommand.Build(limits, "/tmp/wasql-compile-abc", "/usr/bin/clang-14", ["-o", "udf.wasm", "udf.c"], MergedUsr);

    /// <summary>The (option, source, destination) triples of every mount option in the bwrap part of the argv.</summary>
    private static List<(string Option, string Source, string Target)> Mounts(List<string> argv)
    {
        var list = new List<(string, string, string)>();
        for (int i = 0; i < argv.Count - 2; i++)
            if (argv[i] is "--bind" or "--ro-bind" or "--ro-bind-try" or "--symlink" or "--dev-bind") list.Add((argv[i], argv[i + 1], argv[i + 2]));
        return list;
    }

    [Fact]
    public void OnlyTheScratchDirectoryIsWritableAndOnlyTheToolchainIsVisible()
    {
        var limits = new CompilerLimits();
        limits.ReadOnlyPaths.Add("/opt/rust");
        var argv = Build(limits);
        var mounts = Mounts(argv);
        Assert.Equal(("--bind", "/tmp/wasql-compile-abc", ScratchMount), Assert.Single(mounts, m => m.Option == "--bind"));
        Assert.DoesNotContain(mounts, m => m.Option == "--dev-bind");
        var hostSources = mounts.Where(m => m.Option is "--ro-bind" or "--ro-bind-try").Select(m => m.Source).ToHashSet();
        Assert.Equal(new HashSet<string> { "/usr", "/lib64", "/etc/ld.so.cache", "/opt/rust" }, hostSources);
        Assert.Contains(("--symlink", "usr/bin", "/bin"), mounts);
        Assert.Contains(("--symlink", "usr/lib", "/lib"), mounts);
        foreach (var flag in new[] { "--unshare-all", "--die-with-parent", "--new-session", "--clearenv" })
            Assert.Contains(flag, argv);
        Assert.DoesNotContain("--share-net", argv);
        // The compiler and its arguments come last, after bwrap's own "--".
        Assert.Equal(["--", "/usr/bin/clang-14", "-o", "udf.wasm", "udf.c"], argv.TakeLast(5));
    }

    [Fact]
    public void RlimitsComeFromTheSettings()
    {
        var argv = Build(new CompilerLimits { CpuSeconds = 7, AddressSpaceBytes = 123456789, FileSizeBytes = 4096, MaxProcesses = 33 });
        Assert.Equal("/usr/bin/prlimit", argv[0]);
        var prlimit = argv.TakeWhile(a => a != "--").ToList();
        Assert.Equal(["--cpu=7:12", "--as=123456789", "--fsize=4096", "--nproc=33", "--core=0"], prlimit.Skip(1));
        Assert.Equal("/usr/bin/bwrap", argv[prlimit.Count + 1]);
    }

    [Fact]
    public void EnvironmentIsMinimal()
    {
        var argv = Build(new CompilerLimits());
        var env = new List<string>();
        for (int i = 0; i < argv.Count - 2; i++)
            if (argv[i] == "--setenv") env.Add(argv[i + 1]);
        Assert.Equal(["PATH", "HOME", "TMPDIR", "LC_ALL", "MALLOC_ARENA_MAX"], env);
    }

    [Fact]
    public void VisibilityFollowsTheReadOnlyMounts()
    {
        var limits = new CompilerLimits();
        Assert.True(IsVisible(limits, "/usr/bin/rustc"));
        Assert.False(IsVisible(limits, "/root/.cargo/bin/rustc"));
        Assert.False(IsVisible(limits, "/usrx/bin/rustc"));
        limits.ReadOnlyPaths.Add("/root/.rustup/");
        Assert.True(IsVisible(limits, "/root/.rustup/toolchains/x/bin/rustc"));
    }

    [Fact]
    public void ScratchPathsAreStrippedFromMessages()
    {
        const string host = "/tmp/wasql-compile-abc";
        var text = $"error: couldn't read /etc/passwd\n --> {host}/udf.rs:3:1\nnote: in /build/udf.rs and {host}\n";
        var clean = CompilerMessages.StripScratch(text, host);
        Assert.DoesNotContain(host, clean);
        Assert.DoesNotContain("/build/", clean);
        Assert.Contains("--> udf.rs:3:1", clean);
        Assert.Contains("couldn't read /etc/passwd", clean);   // paths outside the scratch directory are the user's own
    }
}
