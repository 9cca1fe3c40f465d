// `wasql run` behaves like `wasmtime run`: compared with node:wasi on the same module, plus traps,
// limits, the sandbox and bad input.
namespace Wasql.Cli.Tests;

public class RunCommandTests
{
    private const string Program = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        int main(int argc, char** argv) {
            unsigned long h = 5381;
            for (int i = 0; i < argc; i++) { printf("arg %d: %s\n", i, argv[i]); for (char* p = argv[i]; *p; p++) h = h * 33 + *p; }
            const char* v = getenv("GREETING");
            printf("GREETING=%s\n", v ? v : "(unset)");
            double acc = 0; for (int i = 1; i < 100000; i++) acc += 1.0 / ((double)i * i);
            printf("zeta2 ~ %.12f hash %lu\n", acc, h);
            FILE* f = fopen("/data/out.txt", "w");
            if (f) { fprintf(f, "line %d\n", argc); fclose(f); } else printf("no /data\n");
            char line[128];
            while (fgets(line, sizeof line, stdin)) printf("stdin: %s", line);
            return argc + 40;
        }
        """;

    [Fact]
    public void MatchesNodeWasiOnStdoutAndExitCode()
    {
        string wasm = CliProcess.CompileC(Program);
        string ours = Directory.CreateTempSubdirectory("wasql-run-").FullName;
        string theirs = Directory.CreateTempSubdirectory("wasql-node-").FullName;
        var a = CliProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "wasql.dll"), "run", "--dir", $"{ours}::/data", "--env", "GREETING=hi there", wasm, "x", "yz"], stdin: "one\ntwo\n");
        var b = CliProcess.Node(wasm, ["x", "yz"], new Dictionary<string, string> { ["GREETING"] = "hi there" }, theirs, "/data");
        Assert.Equal(43, a.ExitCode);
        Assert.Equal(b.ExitCode, a.ExitCode);
        // node gets no stdin here, so compare everything before the stdin echo, then check ours echoed it
        Assert.Equal(b.Stdout, a.Stdout.Replace("stdin: one\nstdin: two\n", ""));
        Assert.Contains("stdin: one\nstdin: two\n", a.Stdout);
        Assert.Equal(File.ReadAllText(Path.Combine(theirs, "out.txt")), File.ReadAllText(Path.Combine(ours, "out.txt")));
    }

    [Fact]
    public void TrapPrintsBacktraceAndExitsNonZero()
    {
        string wasm = CliProcess.CompileC("""
            #include <stdio.h>
            int main(void) { printf("before\n"); fflush(stdout); __builtin_trap(); }
            """);
        var r = CliProcess.Wasql("run", wasm);
        Assert.Equal(134, r.ExitCode);
        Assert.Equal("before\n", r.Stdout);
        Assert.Contains("trapped: unreachable", r.Stderr);
        Assert.Contains("wasm backtrace:", r.Stderr);
    }

    [Fact]
    public void TimeoutAndFuelStopALoopingProgram()
    {
        string wasm = CliProcess.CompileC("int main(void) { volatile int x = 1; while (x) {} return 0; }");
        var t = CliProcess.Wasql("run", "--timeout", "300ms", wasm);
        Assert.NotEqual(0, t.ExitCode);
        Assert.Contains("interrupted", t.Stderr);
        var f = CliProcess.Wasql("run", "--fuel", "2M", wasm);
        Assert.NotEqual(0, f.ExitCode);
        Assert.Contains("fuel", f.Stderr);
    }

    [Fact]
    public void MemoryCapMakesMallocFail()
    {
        string wasm = CliProcess.CompileC("""
            #include <stdio.h>
            #include <stdlib.h>
            static char* volatile keep;
            int main(void) { int n = 0; for (;;) { char* p = malloc(1 << 20); if (!p) break; p[0] = 1; keep = p; n++; } printf("allocated %d MiB\n", n); return n < 64 ? 0 : 1; }
            """);
        var r = CliProcess.Wasql("run", "--max-memory", "32MiB", wasm);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("allocated ", r.Stdout);
    }

    [Fact]
    public void GuestSeesNoFilesWithoutDir()
    {
        string wasm = CliProcess.CompileC("""
            #include <stdio.h>
            int main(void) { FILE* f = fopen("/etc/passwd", "r"); printf("%s\n", f ? "opened" : "denied"); return 0; }
            """);
        var r = CliProcess.Wasql("run", wasm);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("denied\n", r.Stdout);
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        string junk = Path.Combine(Path.GetTempPath(), $"junk-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5]);
        var r = CliProcess.Wasql("run", junk);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("magic header not detected", r.Stderr);
        Assert.Equal(2, CliProcess.Wasql("run", "/nonexistent.wasm").ExitCode);
        var opt = CliProcess.Wasql("run", "--max-memory", "lots", junk);
        Assert.Equal(2, opt.ExitCode);
        Assert.Contains("not a number", opt.Stderr);
    }
}
