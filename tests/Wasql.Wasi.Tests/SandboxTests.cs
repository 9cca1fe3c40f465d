// The sandbox: no way out of a preopen (.., absolute paths, planted symlinks), hostile pointers become errnos,
// and runaway guests (loops, sleeps, memory bombs, deep recursion, stdout floods) stop cleanly while the host
// process keeps running modules afterwards.
using Wasql.Wasi.FileSystem;
using Wasql.Wasm;

namespace Wasql.Wasi.Tests;

public class SandboxTests
{
    private const string Secret = "TOP-SECRET-HOST-DATA";

    /// <summary>outer/secret.txt, outer/secretdir/secret.txt, outer/box (the preopen) with escaping symlinks.</summary>
    private static Guest.TempDir MakeBox(out string box)
    {
        var outer = new Guest.TempDir();
        File.WriteAllText(Path.Combine(outer.Path, "secret.txt"), Secret);
        Directory.CreateDirectory(Path.Combine(outer.Path, "secretdir"));
        File.WriteAllText(Path.Combine(outer.Path, "secretdir", "secret.txt"), Secret);
        box = Path.Combine(outer.Path, "box");
        Directory.CreateDirectory(Path.Combine(box, "sub"));
        File.WriteAllText(Path.Combine(box, "inside.txt"), "inside");
        File.CreateSymbolicLink(Path.Combine(box, "escape_abs"), Path.Combine(outer.Path, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(box, "escape_rel"), "../secret.txt");
        Directory.CreateSymbolicLink(Path.Combine(box, "dirlink"), Path.Combine(outer.Path, "secretdir"));
        File.CreateSymbolicLink(Path.Combine(box, "sub", "deeper_escape"), "../../secret.txt");
        File.CreateSymbolicLink(Path.Combine(box, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(box, "loop2"), "loop1");
        return outer;
    }

    private static Dictionary<string, string> Lines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(": "))
            .GroupBy(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]).ToDictionary(g => g.Key, g => g.First()[(g.Key.Length + 2)..]);

    [Fact]
    public void CannotEscapePreopen()
    {
        using var outer = MakeBox(out var box);
        string[] paths = ["/box/inside.txt", "/box/../secret.txt", "/box/sub/../../secret.txt", "/secret.txt", "/etc/passwd",
            "/box/escape_abs", "/box/escape_rel", "/box/dirlink/secret.txt", "/box/dirlink", "/box/sub/deeper_escape", "secret.txt", "../secret.txt", "/box"];
        var (ours, result) = Guest.Run(Toolchain.Build("sandbox.c"), ["sandbox", .. paths],
            configure: c => c.PreopenDirectory(box, "/box"));
        Assert.Null(result.Trap);
        Assert.Equal(0, ours.ExitCode);
        Assert.DoesNotContain(Secret, ours.Stdout);
        var lines = Lines(ours.Stdout);
        Assert.Equal("ok [inside]", lines["open /box/inside.txt"]);
        Assert.Equal("ok [inside]", lines["raw inside.txt"]);
        Assert.Equal("ok []", lines["raw ."]); // the preopen itself opens (as a directory: reading it gives nothing)
        Assert.Equal("read errno 31", lines["open /box"]); // EISDIR
        const string notCapable = "errno 76";
        foreach (var p in new[] { "../secret.txt", "sub/../../secret.txt", "/etc/passwd", "/", "escape_abs", "escape_rel", "dirlink/secret.txt", "sub/deeper_escape" })
            Assert.Equal(notCapable, lines["raw " + p]);
        Assert.Equal("errno 32", lines["raw loop1"]); // ELOOP
        foreach (var p in paths.Skip(1).SkipLast(1))
        {
            Assert.StartsWith("errno", lines["open " + p]);
            Assert.StartsWith("errno", lines["opendir " + p]);
        }
        Assert.Equal(notCapable, lines["plant abs symlink"]);
        Assert.Equal(notCapable, lines["plant rel symlink"]);
        Assert.Equal(notCapable, lines["plant sub symlink"]);
        Assert.Equal("errno 0", lines["plant ok symlink"]);
        Assert.Equal("ok [inside]", lines["raw good"]);
        Assert.Equal(notCapable, lines["rename out"]);
        Assert.Equal(notCapable, lines["mkdir out"]);
        Assert.Equal(notCapable, lines["unlink out"]);
        Assert.True(File.Exists(Path.Combine(outer.Path, "secret.txt")));
        Assert.False(File.Exists(Path.Combine(outer.Path, "stolen.txt")));
        Assert.False(Directory.Exists(Path.Combine(outer.Path, "newdir")));
        Assert.False(File.Exists(Path.Combine(box, "evil1")) || File.Exists(Path.Combine(box, "evil2")));
    }

    [Fact]
    public void NoFilesystemByDefault()
    {
        var (ours, _) = Guest.Run(Toolchain.Build("sandbox.c"), ["sandbox", "/etc/passwd", "/", "."]);
        Assert.DoesNotContain(": ok", ours.Stdout.Replace("plant", ""));
        Assert.Contains("raw inside.txt: errno 8", ours.Stdout); // fd 3 does not exist
    }

    [Fact]
    public void HostilePointers_BecomeErrnos()
    {
        var fs = new MemoryFs();
        var (ours, result) = Guest.Run(Toolchain.Build("rawcalls.c"), ["rawcalls"], configure: c => c.Preopen(fs, "/scratch"));
        Assert.Null(result.Trap);
        var got = ours.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(' '))
            .Select(l => l.Split(' ')).Where(p => p.Length == 2 && int.TryParse(p[1], out _)).ToDictionary(p => p[0], p => int.Parse(p[1]));
        var expected = new Dictionary<string, Errno>
        {
            ["write_bad_iovs"] = Errno.Fault, ["write_bad_buf"] = Errno.Fault, ["write_bad_nwritten"] = Errno.Fault,
            ["write_huge_count"] = Errno.Fault, ["write_bad_fd"] = Errno.BadF, ["write_stdin"] = Errno.BadF,
            ["read_bad_buf"] = Errno.Fault, ["read_stdout"] = Errno.BadF, ["random_bad"] = Errno.Fault,
            ["args_sizes_bad"] = Errno.Fault, ["args_get_bad"] = Errno.Fault,
            ["clock_bad_id"] = Errno.Inval, ["clock_bad_ptr"] = Errno.Fault, ["path_open_bad_ptr"] = Errno.Fault,
            ["path_open_bad_utf8"] = Errno.Ilseq, ["path_open_not_dir"] = Errno.NotCapable, ["path_open_bad_out"] = Errno.Fault,
            ["close_bad"] = Errno.BadF, ["prestat_stdin"] = Errno.BadF, ["prestat_name_short"] = Errno.NameTooLong,
            ["seek_stdout"] = Errno.SPipe, ["readdir_stdout"] = Errno.NotCapable, ["readdir_bad_buf"] = Errno.Fault,
            ["renumber_bad"] = Errno.BadF, ["raise"] = Errno.NoSys, ["sched_yield"] = Errno.Success,
            ["poll_zero"] = Errno.Inval, ["poll_bad"] = Errno.Fault, ["sock_recv_stdout"] = Errno.NotSock,
            ["sock_send_bad_fd"] = Errno.BadF, ["sock_accept_preopen"] = Errno.NotSock, ["sock_shutdown"] = Errno.NotSock,
            ["set_rights_escalate"] = Errno.NotCapable, ["filestat_set_times_bad"] = Errno.Inval,
        };
        foreach (var (name, errno) in expected)
        {
            Assert.True(got.ContainsKey(name), $"missing line {name} in:\n{ours.Stdout}");
            Assert.True((int)errno == got[name], $"{name}: expected {errno} ({(int)errno}), got {got[name]}");
        }
        Assert.Contains("survived", ours.Stdout);
        Assert.Empty(fs.List("")!); // path_open with a bad result pointer created nothing
    }

    [Fact]
    public void InfiniteLoop_StopsAtDeadline_ThenHostRunsNextModule()
    {
        var (ours, result) = Guest.Run(Toolchain.Build("loop.c"), ["loop"], options: new WasiRunOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        Assert.NotNull(result.Trap);
        Assert.Equal(TrapCode.Interrupted, result.Trap!.Code);
        Assert.True(result.TimedOut);
        Assert.Equal(WasiRunner.TrapExitCode, ours.ExitCode);
        Assert.Equal("looping\n", ours.Stdout);
        AssertHostStillWorks();
    }

    [Fact]
    public void InfiniteLoop_StopsWhenFuelRunsOut()
    {
        var engine = new Engine(new EngineConfig { ConsumeFuel = true, Interruptible = true });
        var (_, result) = Guest.Run(Toolchain.Build("loop.c"), ["loop"], engine: engine, options: new WasiRunOptions { Fuel = 50_000_000 });
        Assert.Equal(TrapCode.OutOfFuel, result.Trap?.Code);
        AssertHostStillWorks();
    }

    [Fact]
    public void MeteredEngine_WithoutAFuelBudget_RunsUnlimited()
    {
        // Only a timeout set: no fuel given means no fuel limit, not an immediate OutOfFuel trap.
        var engine = new Engine(new EngineConfig { ConsumeFuel = true, Interruptible = true });
        var (ours, result) = Guest.Run(Toolchain.Build("hello.c"), ["hello"], engine: engine,
            options: new WasiRunOptions { Timeout = TimeSpan.FromMinutes(1) });
        Assert.Null(result.Trap);
        Assert.Equal(0, ours.ExitCode);
        Assert.NotEmpty(ours.Stdout);
    }

    [Fact]
    public void Sleep_IsWokenByDeadline()
    {
        var (ours, result) = Guest.Run(Toolchain.Build("sleep.c"), ["sleep"], options: new WasiRunOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        Assert.Equal(TrapCode.Interrupted, result.Trap?.Code);
        Assert.Equal("sleeping\n", ours.Stdout);
        AssertHostStillWorks();
    }

    [Fact]
    public void MemoryBomb_HitsStoreLimit_MallocReturnsNull()
    {
        var (ours, result) = Guest.Run(Toolchain.Build("membomb.c"), ["membomb"], options: new WasiRunOptions { MaxMemoryBytes = 32 << 20 });
        Assert.Null(result.Trap);
        Assert.Equal(0, ours.ExitCode);
        var m = System.Text.RegularExpressions.Regex.Match(ours.Stdout, @"malloc returned NULL after (\d+) MiB");
        Assert.True(m.Success, ours.Stdout);
        Assert.InRange(int.Parse(m.Groups[1].Value), 1, 31);
        AssertHostStillWorks();
    }

    [Fact]
    public void DeepRecursion_TrapsWithStackExhausted()
    {
        var (ours, result) = Guest.Run(Toolchain.Build("recurse.c"), ["recurse"]);
        Assert.Equal(TrapCode.StackExhausted, result.Trap?.Code);
        Assert.Equal("recursing\n", ours.Stdout);
        AssertHostStillWorks();
    }

    [Fact]
    public void StdoutFlood_IsCapped()
    {
        const int cap = 100_000;
        var (ours, result) = Guest.Run(Toolchain.Build("flood.c"), ["flood"], maxOutput: cap);
        Assert.Null(result.Trap);
        Assert.Equal(3, ours.ExitCode);
        Assert.True(result.StdoutLimitReached);
        Assert.Equal(cap, ours.Stdout.Length);
        Assert.Contains($"write failed after {cap} bytes: No space left on device", ours.Stderr);
        AssertHostStillWorks();
    }

    private static void AssertHostStillWorks()
    {
        var (ours, result) = Guest.Run(Toolchain.Build("hello.c"), ["hello", "5"]);
        Assert.Null(result.Trap);
        Assert.Equal(5, ours.ExitCode);
        Assert.StartsWith("Hello, WASI!\n", ours.Stdout);
    }
}
