// `wasql inspect` lists imports, exports, features and memory of a module.
namespace Wasql.Cli.Tests;

public class InspectCommandTests
{
    [Fact]
    public void ListsImportsExportsAndFeatures()
    {
        string wasm = CliProcess.CompileC("""
            #include <stdio.h>
            #include <string.h>
            char buf[256];
            __attribute__((export_name("fill"))) void fill(int c) { memset(buf, c, sizeof buf); }
            int main(void) { puts("hi"); return 0; }
            """);
        var r = CliProcess.Wasql("inspect", wasm);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("wasi_snapshot_preview1::fd_write", r.Stdout);
        Assert.Contains("_start  func [] -> []", r.Stdout);
        Assert.Contains("fill  func [i32] -> []", r.Stdout);
        Assert.Contains("memory: min", r.Stdout);
        Assert.Contains("features:", r.Stdout);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("sql")]
    public void HelpPrintsUsageOnly(string command)
    {
        var r = CliProcess.Wasql(command, "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith($"usage: wasql {command}", r.Stdout.TrimStart());
        Assert.DoesNotContain("unknown option", r.Stdout + r.Stderr);
    }

    [Fact]
    public void InvalidModuleIsReported()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(bad, [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 3, 2, 1, 0]);
        var r = CliProcess.Wasql("inspect", bad);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("function and code section have inconsistent lengths", r.Stderr);
    }
}
