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
    public static string? WhyUnavailable(CompilerLimits limits)
    {
        var key = (limits.BubblewrapPath, limits.PrlimitPath);
        if (Results.TryGetValue(key, out var known)) return known;
        var (why, definitive) = Probe(limits);
        if (definitive) Results[key] = why;   // a probe that timed out (a loaded machine) is asked again next time
        return why;
    }

    private static (string? Why, bool Definitive) Probe(CompilerLimits limits)
    {
        if (!File.Exists(limits.BubblewrapPath)) return ($"{limits.BubblewrapPath} not found", true);
        if (!File.Exists(limits.PrlimitPath)) return ($"{limits.PrlimitPath} not found", true);
        var scratch = Directory.CreateTempSubdirectory("wasql-probe-");
        try
        {
            var argv = SandboxCommand.Build(limits, scratch.FullName, ProbeProgram, [], SandboxCommand.InspectHost);
            var run = CompilerProcess.Run(argv, scratch.FullName, ProbeTimeout, 4096, () => false);
            if (run.End == CompileEnd.Exited && run.ExitCode == 0) return (null, true);
            if (run.End == CompileEnd.TimedOut) return ($"the sandbox did not start within {ProbeTimeout.TotalSeconds:0} s", false);
            var first = run.Output.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim();
            return (first ?? $"the sandbox test run ended with {run.End} (exit code {run.ExitCode})", true);
        }
        finally
        {
            try { scratch.Delete(true); } catch (IOException) { }
        }
    }
}
