// Runs the interop scripts under tests/Wasql.Arrow.Tests/interop with Node and apache-arrow from the
// repository's node_modules. Missing node or apache-arrow is a test FAILURE with a clear message
// (CI installs both via scripts/setup.sh), never a silent pass.
using System.Diagnostics;

namespace Wasql.Arrow.Tests.Interop;

public static class NodeRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string RepoRoot => Wasql.Tests.Shared.TestPaths.Repo;

    public static string ScriptDir => Path.Combine(RepoRoot, "tests", "Wasql.Arrow.Tests", "interop");

    /// <summary>Runs `node interop/script args...` and returns its stdout; fails the test on any error.</summary>
    public static string Run(string script, params string[] args)
    {
        string node = FindNode() ?? throw new Xunit.Sdk.XunitException(
            "node was not found (PATH or /usr/bin/node): the Arrow interop tests need Node 18+; run scripts/setup.sh");
        if (!Directory.Exists(Path.Combine(RepoRoot, "node_modules", "apache-arrow")))
            throw new Xunit.Sdk.XunitException(
                $"{RepoRoot}/node_modules/apache-arrow is missing: run `npm ci` (scripts/setup.sh) before the Arrow interop tests");

        var psi = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        psi.ArgumentList.Add(Path.Combine(ScriptDir, script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"node {script} timed out after {Timeout.TotalSeconds} s");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"node {script} exited with {process.ExitCode}:\n{stderr.Result}");
        return stdout.Result;
    }

    private static string? FindNode()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin"))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
