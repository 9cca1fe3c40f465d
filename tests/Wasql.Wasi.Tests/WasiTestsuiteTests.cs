// The official WASI preview1 test suite (../shared/wasi-testsuite: 72 prebuilt C, Rust and AssemblyScript tests),
// run the way its upstream runner does: each X.wasm with the args, env and preopened `root` folder of X.json (a
// scratch copy, since tests create and delete files), passing when the exit code and any given stdout/stderr match.
// wasmtime passes all of them; so must we.
using System.Text.Json;
using Wasql.Tests.Shared;

namespace Wasql.Wasi.Tests;

public class WasiTestsuiteTests
{
    private static readonly string[] Suites = ["c", "rust", "assemblyscript"];

    private static string SuiteRoot => Path.Combine(TestPaths.Shared, "wasi-testsuite");

    public static TheoryData<string> Tests()
    {
        var data = new TheoryData<string>();
        if (!Directory.Exists(SuiteRoot))
        {
            data.Add(""); // reported as skipped by the test itself
            return data;
        }
        foreach (var suite in Suites)
            foreach (var wasm in Directory.GetFiles(Path.Combine(SuiteRoot, suite), "*.wasm").Order(StringComparer.Ordinal))
                data.Add($"{suite}/{Path.GetFileNameWithoutExtension(wasm)}");
        return data;
    }

    [Fact]
    public void TheSuiteHasAllSeventyTwoTests()
    {
        if (!Directory.Exists(SuiteRoot)) return;
        Assert.Equal(72, Tests().Count);
    }

    [Theory]
    [MemberData(nameof(Tests))]
    public void Conforms(string test)
    {
        if (test.Length == 0)
        {
            Console.WriteLine($"skipped: the WASI test suite is not at {SuiteRoot} (set WASQL_SHARED)");
            return;
        }
        var wasm = Path.Combine(SuiteRoot, test + ".wasm");
        var spec = TestSpec.Load(Path.ChangeExtension(wasm, ".json"));
        using var scratch = new Guest.TempDir();
        var preopens = new Dictionary<string, string>();
        if (spec.Root is { } root)
        {
            CopyDirectory(Path.Combine(Path.GetDirectoryName(wasm)!, root), scratch.Path);
            preopens["/"] = scratch.Path;
        }
        var (output, result) = Guest.Run(wasm, [Path.GetFileName(wasm), .. spec.Args], spec.Env, preopens);
        var why = $"{test}: exit {output.ExitCode}, trap {result.Trap?.Message}\nstdout: {output.Stdout}\nstderr: {output.Stderr}";
        Assert.True(spec.ExitCode == output.ExitCode, $"expected exit code {spec.ExitCode}; {why}");
        if (spec.Stdout is not null) Assert.Equal(spec.Stdout, output.Stdout);
        if (spec.Stderr is not null) Assert.Equal(spec.Stderr, output.Stderr);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>The legacy spec keys of wasi-testsuite's JSON files; a missing file means no args, env or preopen, exit 0.</summary>
    private sealed record TestSpec(string[] Args, Dictionary<string, string> Env, string? Root, int ExitCode, string? Stdout, string? Stderr)
    {
        public static TestSpec Load(string path)
        {
            if (!File.Exists(path)) return new([], [], null, 0, null, null);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var json = doc.RootElement;
            string? Text(string key) => json.TryGetProperty(key, out var v) ? v.GetString() : null;
            var args = json.TryGetProperty("args", out var a) ? a.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];
            var env = json.TryGetProperty("env", out var e)
                ? e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
                : new Dictionary<string, string>();
            int exit = json.TryGetProperty("exit_code", out var x) ? x.GetInt32() : 0;
            return new(args, env, Text("root"), exit, Text("stdout"), Text("stderr"));
        }
    }
}
