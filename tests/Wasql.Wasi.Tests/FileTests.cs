// File I/O in a preopened directory, differential against node:wasi, on a host temp dir and on a MemoryFs.
using Wasql.Wasi.FileSystem;

namespace Wasql.Wasi.Tests;

public class FileTests
{
    [Fact]
    public void HostDirectory_MatchesNode()
    {
        var wasm = Toolchain.Build("files.c");
        using var nodeDir = new Guest.TempDir();
        using var ourDir = new Guest.TempDir();
        var node = NodeOracle.Run(wasm, ["files", "/data"], preopens: new Dictionary<string, string> { ["/data"] = nodeDir.Path });
        var (ours, result) = Guest.Run(wasm, ["files", "/data"], preopens: new Dictionary<string, string> { ["/data"] = ourDir.Path });
        Assert.Null(result.Trap);
        Assert.Equal(node.Stdout, ours.Stdout);
        Assert.Equal(node.ExitCode, ours.ExitCode);
        Assert.Contains("size 3902 reg 1", ours.Stdout);
        Assert.Contains("pread 5: 9 X Y Z 13", ours.Stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(ourDir.Path));
    }

    [Fact]
    public void MemoryFs_BehavesLikeHostDirectory()
    {
        var wasm = Toolchain.Build("files.c");
        using var hostDir = new Guest.TempDir();
        var (host, _) = Guest.Run(wasm, ["files", "/data"], preopens: new Dictionary<string, string> { ["/data"] = hostDir.Path });
        var fs = new MemoryFs();
        var (mem, result) = Guest.Run(wasm, ["files", "/data"], configure: c => c.Preopen(fs, "/data"));
        Assert.Null(result.Trap);
        Assert.Equal(host.Stdout, mem.Stdout);
        Assert.Equal(0, mem.ExitCode);
        Assert.Empty(fs.List("")!);
        Assert.Equal(0, fs.UsedBytes);
    }

    [Fact]
    public void MemoryFs_SeededByHost_IsVisibleToGuest()
    {
        var fs = new MemoryFs().AddFile("in/data.txt", "hello from the host\n");
        var (ours, _) = Guest.Run(Toolchain.Build("sandbox.c"), ["sandbox", "/scratch/in/data.txt"], configure: c => c.Preopen(fs, "/scratch"));
        Assert.Contains("open /scratch/in/data.txt: ok [hello from the host\n]", ours.Stdout);
        Assert.Contains("stat /scratch/in/data.txt: ok size 20", ours.Stdout);
        // sandbox.c planted the symlink "good"; files.c then leaves the preopen as it found it.
        var (files, _) = Guest.Run(Toolchain.Build("files.c"), ["files", "/scratch"], configure: c => c.Preopen(fs, "/scratch"));
        Assert.Contains("ls .: good in\n", files.Stdout);
        Assert.Equal("hello from the host\n", System.Text.Encoding.UTF8.GetString(fs.ReadFile("in/data.txt")!));
    }

    [Fact]
    public void MemoryFs_ByteBudget_GivesEnospc()
    {
        var fs = new MemoryFs(maxBytes: 1000);
        var (ours, _) = Guest.Run(Toolchain.Build("files.c"), ["files", "/data"], configure: c => c.Preopen(fs, "/data"));
        // files.c writes 3902 bytes into a.txt: the budget cuts the file short.
        Assert.Contains("stat a -> 0 ok", ours.Stdout);
        Assert.DoesNotContain("size 3902", ours.Stdout);
        Assert.True(fs.UsedBytes <= 1000, $"used {fs.UsedBytes}");
    }

    [Fact]
    public void ReadOnlyPreopen_RefusesWrites()
    {
        using var dir = new Guest.TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "keep.txt"), "keep");
        var (ours, _) = Guest.Run(Toolchain.Build("files.c"), ["files", "/ro"],
            configure: c => c.PreopenDirectory(dir.Path, "/ro", readOnly: true));
        Assert.Contains("mkdir sub -> -1 Read-only file system", ours.Stdout);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).ToArray());
        Assert.Equal("keep", File.ReadAllText(Path.Combine(dir.Path, "keep.txt")));
    }
}
