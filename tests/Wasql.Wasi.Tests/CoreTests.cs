// Differential tests of the core imports (args, env, clocks, random, stdio, exit codes) against node:wasi.
namespace Wasql.Wasi.Tests;

public class CoreTests
{
    private static void AssertSame(GuestOutput expected, GuestOutput actual)
    {
        Assert.Equal(expected.Stdout, actual.Stdout);
        Assert.Equal(expected.ExitCode, actual.ExitCode);
    }

    [Fact]
    public void Printf_MatchesNode()
    {
        var wasm = Toolchain.Build("hello.c");
        var node = NodeOracle.Run(wasm, ["hello"]);
        var (ours, result) = Guest.Run(wasm, ["hello"]);
        Assert.Null(result.Trap);
        AssertSame(node, ours);
        Assert.Contains("Hello, WASI!", ours.Stdout);
        Assert.Equal("to stderr\n", ours.Stderr);
        Assert.Equal(0, ours.ExitCode);
    }

    [Fact]
    public void ExitCode_FromMainReturn_MatchesNode()
    {
        var wasm = Toolchain.Build("hello.c");
        var node = NodeOracle.Run(wasm, ["hello", "7"]);
        var (ours, result) = Guest.Run(wasm, ["hello", "7"]);
        Assert.Null(result.Trap);
        Assert.Equal(7, ours.ExitCode);
        AssertSame(node, ours);
    }

    [Fact]
    public void MallocHeavy_MatchesNode()
    {
        var wasm = Toolchain.Build("malloc.c");
        var node = NodeOracle.Run(wasm, ["malloc"]);
        var (ours, _) = Guest.Run(wasm, ["malloc"]);
        AssertSame(node, ours);
        Assert.Contains("sorted 1", ours.Stdout);
    }

    [Fact]
    public void ArgsAndEnv_MatchNode()
    {
        var wasm = Toolchain.Build("argsenv.c");
        string[] args = ["prog", "a b", "", "ünïcødé", "--flag=1"];
        var env = new Dictionary<string, string> { ["FOO"] = "bar baz", ["EMPTY"] = "", ["UTF"] = "€" };
        var node = NodeOracle.Run(wasm, args, env);
        var (ours, _) = Guest.Run(wasm, args, env);
        AssertSame(node, ours);
        Assert.Contains("argv[3]=[ünïcødé]", ours.Stdout);
        Assert.Contains("FOO=bar baz", ours.Stdout);
    }

    [Fact]
    public void NoEnvironmentByDefault()
    {
        var (ours, _) = Guest.Run(Toolchain.Build("argsenv.c"), []);
        Assert.Contains("argc=0", ours.Stdout);
        Assert.Contains("envc=0", ours.Stdout);
    }

    [Fact]
    public void ClocksAndRandom_Work()
    {
        var wasm = Toolchain.Build("clockrand.c");
        var node = NodeOracle.Run(wasm, ["clockrand"]);
        var (ours, result) = Guest.Run(wasm, ["clockrand"]);
        Assert.Null(result.Trap);
        AssertSame(node, ours);
        Assert.DoesNotContain(" 0\n", ours.Stdout);
        Assert.Contains("random different 1", ours.Stdout);
    }

    [Fact]
    public void SeededRandom_IsReproducible()
    {
        var wasm = Toolchain.Build("clockrand.c");
        var (a, _) = Guest.Run(wasm, [], configure: c => c.WithSeededRandom(1));
        Assert.Contains("random different 1", a.Stdout);
    }

    [Fact]
    public void Stdin_MatchesNode()
    {
        var wasm = Toolchain.Build("stdin.c");
        var input = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i} of the input\n")));
        var node = NodeOracle.Run(wasm, ["stdin"], stdin: input);
        var (ours, _) = Guest.Run(wasm, ["stdin"], stdin: input);
        AssertSame(node, ours);
        Assert.Contains("lines 3000 words 15000", ours.Stdout);
    }

    [Fact]
    public void Stdin_EmptyByDefault()
    {
        var (ours, _) = Guest.Run(Toolchain.Build("stdin.c"), []);
        Assert.Contains("bytes 0 lines 0", ours.Stdout);
    }
}
