// The embedding API beyond commands: reactors, poll_oneoff, readdir paging, WasiContext on a hand-made linker,
// output caps on streams, path resolution and MemoryFs at the unit level.
using Wasql.Wasi.FileSystem;
using Wasql.Wasm;

namespace Wasql.Wasi.Tests;

public class ApiTests
{
    [Fact]
    public void Reactor_InitializeThenInvoke()
    {
        var wasm = Toolchain.Build("reactor.c", "-mexec-model=reactor");
        var (ours, result) = Guest.Run(wasm, [], env: new Dictionary<string, string> { ["WHO"] = "host" },
            options: new WasiRunOptions { Invoke = "run" });
        Assert.Null(result.Trap);
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal("reactor run: initialized=42 who=host\n", ours.Stdout);
    }

    [Fact]
    public void Reactor_OnOwnLinker_ExportsAreCallable()
    {
        var engine = new Engine();
        var store = new Store(engine);
        var linker = new Linker(engine);
        var stdout = WasiOutput.Capture();
        using var ctx = new WasiConfig().WithStdout(stdout).Build();
        ctx.AddTo(linker, store);
        var instance = linker.Instantiate(store, Module.Compile(engine, File.ReadAllBytes(Toolchain.Build("reactor.c", "-mexec-model=reactor"))));
        instance.GetFunction("_initialize")!.Invoke();
        Assert.Equal(42 + 5, instance.GetFunction<Func<int, int, int>>("add")(2, 3));
        instance.GetFunction<Action>("run")();
        Assert.Equal("reactor run: initialized=42 who=(none)\n", stdout.GetText());
    }

    /// <summary>(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
    ///   (func (export "quit") (result i32) (call 0 (i32.const 7)) (i32.const 99)))</summary>
    private static readonly byte[] s_quit =
    [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f,
        0x02, 0x24, 0x01, 0x16, .. "wasi_snapshot_preview1"u8, 0x09, .. "proc_exit"u8, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x01,
        0x07, 0x08, 0x01, 0x04, .. "quit"u8, 0x00, 0x01,
        0x0a, 0x0b, 0x01, 0x09, 0x00, 0x41, 0x07, 0x10, 0x00, 0x41, 0xe3, 0x00, 0x0b,
    ];

    [Fact]
    public void ProcExit_IsWasisOwnExitCarriedByAHostErrorTrap()
    {
        var engine = new Engine();
        var store = new Store(engine);
        var linker = new Linker(engine);
        using var ctx = new WasiConfig().Build();
        ctx.AddTo(linker, store);
        var instance = linker.Instantiate(store, Module.Compile(engine, s_quit));
        var trap = Assert.Throws<TrapException>(() => instance.GetFunction<Func<int>>("quit")());
        Assert.Equal(TrapCode.HostError, trap.Code);
        Assert.Equal(7, Assert.IsType<WasiExitException>(trap.InnerException).Status);
        Assert.Equal(7, WasiExitException.StatusOf(trap));
        Assert.Equal(7, ctx.ExitCode);
        // Any other host error is not an exit.
        Assert.Null(WasiExitException.StatusOf(new TrapException(TrapCode.HostError, "boom", new InvalidOperationException())));
        Assert.Null(WasiExitException.StatusOf(new TrapException(TrapCode.Unreachable)));

        // The runner turns it into the exit status, not a trap.
        var result = WasiRunner.Run(new Engine(), s_quit, new WasiConfig(), new WasiRunOptions { Invoke = "quit" });
        Assert.Equal(7, result.ExitCode);
        Assert.Null(result.Trap);
    }

    [Fact]
    public void UnknownImport_IsALinkError()
    {
        // wasi_unstable (preview0) is not provided: instantiation fails with a LinkException, not a crash.
        byte[] module =
        [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type () -> i32
            0x02, 0x1a, 0x01, 0x0d, .. "wasi_unstable"u8.ToArray(), 0x08, .. "bogus_fn"u8.ToArray(), 0x00, 0x00,
        ];
        var config = new WasiConfig();
        Assert.Throws<LinkException>(() => WasiRunner.Run(new Engine(), module, config));
    }

    [Fact]
    public void PollOneoff_ClocksAndFds()
    {
        var (ours, result) = Guest.Run(Toolchain.Build("poll.c"), ["poll"], stdin: "x"u8.ToArray());
        Assert.Null(result.Trap);
        Assert.Equal(
            "clocks: errno 0 n 1 first 11 type 0 err 0 waited>=2ms 1\n" +
            "abstime: errno 0 n 1 userdata 20\n" +
            "fds: errno 0 n 2 [31 type 1 err 0] [32 type 2 err 0]\n" +
            "bad fd: errno 0 n 1 err 8\n", ours.Stdout);
    }

    [Fact]
    public void Readdir_PagesThroughLargeDirectories_MatchesNode()
    {
        var wasm = Toolchain.Build("manyfiles.c");
        using var nodeDir = new Guest.TempDir();
        using var ourDir = new Guest.TempDir();
        var node = NodeOracle.Run(wasm, ["many", "/d"], preopens: new Dictionary<string, string> { ["/d"] = nodeDir.Path });
        var (ours, _) = Guest.Run(wasm, ["many", "/d"], preopens: new Dictionary<string, string> { ["/d"] = ourDir.Path });
        Assert.Equal("entries 300 sum 44850\nrmdir 0\n", ours.Stdout);
        Assert.Equal(node.Stdout, ours.Stdout);
        var (mem, _) = Guest.Run(wasm, ["many", "/d"], configure: c => c.PreopenInMemory("/d"));
        Assert.Equal(ours.Stdout, mem.Stdout);
    }

    [Fact]
    public void StreamOutput_WithCap_TruncatesAndFlags()
    {
        var sink = new MemoryStream();
        var (ours, result) = Guest.Run(Toolchain.Build("flood.c"), ["flood"], configure: c => c.WithStdout(WasiOutput.FromStream(sink, 10_000)));
        Assert.Equal(3, ours.ExitCode);
        Assert.True(result.StdoutLimitReached);
        Assert.Equal(10_000, sink.Length);
        Assert.Equal("", ours.Stdout); // the capture in Guest.Run was replaced by the stream
    }

    [Fact]
    public void RunOnDedicatedThread_WithBigStack()
    {
        var (ours, result) = Guest.Run(Toolchain.Build("hello.c"), ["hello", "4"], options: new WasiRunOptions { ThreadStackBytes = 16 << 20 });
        Assert.Null(result.Trap);
        Assert.Equal(4, ours.ExitCode);
    }

    [Fact]
    public void Stdio_PipeOrTerminal_MatchesNodeForPipes()
    {
        var wasm = Toolchain.Build("isatty.c");
        var node = NodeOracle.Run(wasm, ["isatty"]);
        var (pipes, _) = Guest.Run(wasm, ["isatty"]);
        Assert.Equal("isatty 0 0 0\nlseek stdout -1 errno 70\n", pipes.Stdout);
        Assert.Equal(node.Stdout, pipes.Stdout);
        var stdout = WasiOutput.Capture(1 << 20, isTerminal: true);
        Guest.Run(wasm, ["isatty"], configure: cfg => cfg.WithStdout(stdout).WithStdin(WasiInput.FromString("", isTerminal: true)));
        Assert.Equal("isatty 1 1 0\nlseek stdout -1 errno 70\n", stdout.GetText());
    }

    [Fact]
    public void PathResolver_StaysInsideRoot()
    {
        var fs = new MemoryFs().AddDirectory("a/b").AddFile("a/f.txt", "f");
        Assert.Equal(Errno.Success, fs.Symlink("b", "a/lb"));
        Assert.Equal(Errno.Success, fs.Symlink("../../x", "a/out"));
        Assert.Equal(Errno.Success, fs.Symlink("/etc", "a/abs"));

        string R(string start, string path, bool follow = true)
        {
            var e = PathResolver.Resolve(fs, start, path, follow, out var resolved, out _);
            return e == Errno.Success ? resolved : e.ToString();
        }

        Assert.Equal("a/b", R("", "a/b"));
        Assert.Equal("a/b", R("", "./a//b/."));
        Assert.Equal("a/f.txt", R("a", "b/../f.txt"));
        Assert.Equal("NotCapable", R("a/b", "../f.txt")); // a descriptor never grants its parent
        Assert.Equal("NotCapable", R("a", ".."));
        Assert.Equal("", R("", "a/.."));
        Assert.Equal("NotCapable", R("a", "../.."));
        Assert.Equal("NotCapable", R("", "/a"));
        Assert.Equal("a/b", R("", "a/lb"));
        Assert.Equal("a/lb", R("", "a/lb", follow: false));
        Assert.Equal("a/b/zz", R("", "a/lb/zz", follow: false)); // intermediate links are always followed
        Assert.Equal("NotCapable", R("", "a/out"));
        Assert.Equal("a/out", R("", "a/out", follow: false));
        Assert.Equal("NotCapable", R("", "a/abs/passwd", follow: false));
        Assert.Equal("NoEnt", R("", ""));
        Assert.True(PathResolver.StaysInside("a", "../x"));
        Assert.False(PathResolver.StaysInside("a", "../../x"));
        Assert.False(PathResolver.StaysInside("", "/x"));
    }

    [Fact]
    public void PathResolver_SymlinkLoop_IsEloop()
    {
        var fs = new MemoryFs();
        fs.Symlink("l2", "l1");
        fs.Symlink("l1", "l2");
        Assert.Equal(Errno.Loop, PathResolver.Resolve(fs, "", "l1", true, out _, out _));
    }

    [Fact]
    public void MemoryFs_FileOperations()
    {
        var fs = new MemoryFs(maxBytes: 100);
        Assert.Equal(Errno.Success, fs.OpenFile("f", OFlags.Creat, true, true, out var file));
        Assert.Equal(Errno.Success, file!.Write("hello"u8, false, out int n));
        Assert.Equal(5, n);
        Assert.Equal(Errno.NoSpc, file.WriteAt(new byte[200], 0, out _));
        Assert.Equal(Errno.Success, file.Seek(-2, Whence.End, out long pos));
        Assert.Equal(3, pos);
        var buf = new byte[10];
        Assert.Equal(Errno.Success, file.Read(buf, out n));
        Assert.Equal("lo", System.Text.Encoding.ASCII.GetString(buf, 0, n));
        Assert.Equal(Errno.Inval, file.Seek(-10, Whence.Cur, out _));
        Assert.Equal(Errno.Exist, fs.OpenFile("f", OFlags.Creat | OFlags.Excl, true, false, out _));
        Assert.Equal(Errno.Success, fs.Link("f", "g"));
        Assert.Equal(Errno.Success, fs.Lstat("g", out var st));
        Assert.Equal(2UL, st.LinkCount);
        Assert.Equal(Errno.Success, fs.UnlinkFile("f"));
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(fs.ReadFile("g")!));
        Assert.Equal(Errno.Success, fs.CreateDirectory("d"));
        Assert.Equal(Errno.Inval, fs.Rename("d", "d/e"));
        Assert.Equal(Errno.IsDir, fs.Rename("g", "d"));
        Assert.Equal(Errno.Success, fs.Rename("g", "d/g"));
        Assert.Equal(Errno.NotEmpty, fs.RemoveDirectory("d"));
        var ro = new MemoryFs(readOnly: true).AddFile("x", "1");
        Assert.Equal(Errno.Rofs, ro.OpenFile("x", OFlags.None, true, true, out _));
        Assert.Equal(Errno.Success, ro.OpenFile("x", OFlags.None, true, false, out _));
        Assert.Equal(Errno.Rofs, ro.UnlinkFile("x"));
    }
}
