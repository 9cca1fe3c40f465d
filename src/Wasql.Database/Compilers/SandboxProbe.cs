// Finds out once per process (per bwrap/prlimit pair) whether the compile sandbox can start here: bwrap may be missing,
// or the kernel / container may forbid the namespaces it needs.
using System.Collections.Concurrent;

namespace Wasql.Database.Compilers;

internal static class SandboxProbe
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);
    private const string ProbeProgram = "/usr/bin/true";
    private static readonly ConcurrentDictionary<(string, string), string?> Results = new();

    /// <summary>Null when a sandboxed process runs; otherwise why not (the first line bwrap printed, or what is missing).</summary>
    public static string? WhyUnavailable(CompilerLimits limits) =>
        Results.GetOrAdd((limits.BubblewrapPath, limits.PrlimitPath), _ => Probe(limits));

    private static string? Probe(CompilerLimits limits)
    {
        if (!File.Exists(limits.BubblewrapPath)) return $"{limits.BubblewrapPath} not found";
        if (!File.Exists(limits.PrlimitPath)) return $"{limits.PrlimitPath} not found";
        var scratch = Directory.CreateTempSubdirectory("wasql-probe-");
        try
        {
            var argv = SandboxCommand.Build(limits, scratch.FullName, ProbeProgram, [], SandboxCommand.InspectHost);
            var run = CompilerProcess.Run(argv, scratch.FullName, ProbeTimeout, 4096, () => false);
            if (run.End == CompileEnd.Exited && run.ExitCode == 0) return null;
            var first = run.Output.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim();
            return first ?? $"the sandbox test run ended with {run.End} (exit code {run.ExitCode})";
        }
        finally
        {
            try { scratch.Delete(true); } catch (IOException) { }
        }
    }
}
