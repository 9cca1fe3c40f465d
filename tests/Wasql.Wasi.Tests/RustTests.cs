// Rust std programs (Debian rustc 1.63, wasm32-wasi): println!, env, files, process::exit, and a panic that
// prints its message on stderr and traps with unreachable. Differential against node:wasi where it applies.
using Wasql.Wasm;

namespace Wasql.Wasi.Tests;

public class RustTests
{
    [Fact]
    public void HelloRust_MatchesNode()
    {
        var wasm = Toolchain.Build("hello.rs");
        using var nodeDir = new Guest.TempDir();
        using var ourDir = new Guest.TempDir();
        var env = new Dictionary<string, string> { ["LANG"] = "C", ["X"] = "1" };
        var node = NodeOracle.Run(wasm, ["hello", "/work"], env, new Dictionary<string, string> { ["/work"] = nodeDir.Path });
        var (ours, result) = Guest.Run(wasm, ["hello", "/work"], env, new Dictionary<string, string> { ["/work"] = ourDir.Path });
        Assert.Null(result.Trap);
        Assert.Equal(node.Stdout, ours.Stdout);
        Assert.Equal(node.ExitCode, ours.ExitCode);
        Assert.Contains("read back: written by rust", ours.Stdout);
        Assert.Contains("dir = [\"rust.txt\"]", ours.Stdout);
        Assert.Equal("rust stderr line\n", ours.Stderr);
    }

    [Fact]
    public void Panic_PrintsMessage_AndTrapsUnreachable()
    {
        var wasm = Toolchain.Build("panic.rs");
        var (ours, result) = Guest.Run(wasm, ["panic", "1", "2"]);
        Assert.Equal(TrapCode.Unreachable, result.Trap?.Code);
        Assert.Equal(WasiRunner.TrapExitCode, ours.ExitCode);
        Assert.Equal("before panic\n", ours.Stdout);
        Assert.Contains("panicked at 'boom: 2 values, answer 42'", ours.Stderr);
        var node = NodeOracle.Run(wasm, ["panic", "1", "2"]);
        Assert.Equal(node.Stdout, ours.Stdout);
        Assert.Contains("panicked at 'boom: 2 values, answer 42'", node.Stderr);
        Assert.NotEqual(0, node.ExitCode);
    }

    [Fact]
    public void ProcessExit_GivesExitCode()
    {
        var wasm = Toolchain.Build("exit.rs");
        var node = NodeOracle.Run(wasm, ["exit"]);
        var (ours, result) = Guest.Run(wasm, ["exit"]);
        Assert.Null(result.Trap);
        Assert.Equal(17, ours.ExitCode);
        Assert.Equal(node.ExitCode, ours.ExitCode);
        Assert.Equal(node.Stdout, ours.Stdout);
    }
}
