// Test plugins: small WAT guests in guests/ (assembled with wabt's wat2wasm) and the example plugins under
// examples/plugins, built from source once per test run by examples/plugins/build.sh (C, Rust, AssemblyScript).
using System.Diagnostics;

namespace Wasql.Plugins.Tests;

internal static class Guests
{
    private static readonly string s_repo = Wasql.Tests.Shared.TestPaths.Repo;
    private static readonly Lazy<string> s_examples = new(BuildExamples);

    public static string Repo => s_repo;

    /// <summary>The bytes of guests/NAME.wat.</summary>
    public static byte[] Wat(string name)
    {
        var dir = Directory.CreateTempSubdirectory("wasql-plugin-wat-").FullName;
        try
        {
            var output = Path.Combine(dir, name + ".wasm");
            Run("wat2wasm", [Path.Combine(AppContext.BaseDirectory, "guests", name + ".wat"), "-o", output], s_repo);
            return File.ReadAllBytes(output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The path of an example plugin's built module (examples/plugins/NAME).</summary>
    public static string Example(string name)
    {
        var path = Path.Combine(s_examples.Value, name + ".wasm");
        Assert.True(File.Exists(path), $"examples/plugins/build.sh did not produce {name}.wasm");
        return path;
    }

    public static string Base64(byte[] wasm) => Convert.ToBase64String(wasm);

    private static string BuildExamples()
    {
        var output = Path.Combine(Path.GetTempPath(), $"wasql-plugin-examples-{Environment.ProcessId}");
        Directory.CreateDirectory(output);
        Run("bash", [Path.Combine(s_repo, "examples", "plugins", "build.sh"), output], s_repo);
        return output;
    }

    private static void Run(string tool, IEnumerable<string> args, string workingDirectory)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException($"{tool} did not finish"); }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}); run scripts/setup.sh to install the toolchains.\n{stdout.Result}\n{stderr.Result}");
    }
}
