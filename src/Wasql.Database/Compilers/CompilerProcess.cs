// Runs one compiler process to completion, a wall-clock timeout, or a cancel, killing its whole tree in the two latter
// cases, and keeps a bounded amount of its output.
using System.Diagnostics;
using System.Text;

namespace Wasql.Database.Compilers;

/// <summary>How a compiler process ended.</summary>
internal enum CompileEnd { Exited, TimedOut, Canceled, NotStarted }

/// <summary>The outcome of <see cref="CompilerProcess.Run"/>: exit code (128 + signal when killed by one, as bwrap and
/// shells report it) and the captured stderr + stdout, at most the configured number of characters.</summary>
internal sealed record CompileRun(CompileEnd End, int ExitCode, string Output);

internal static class CompilerProcess
{
    /// <summary>How often a waiting compile looks at the cancel flag.</summary>
    private static readonly TimeSpan CancelPollInterval = TimeSpan.FromMilliseconds(50);

    public static CompileRun Run(IReadOnlyList<string> argv, string workingDirectory, TimeSpan timeout, int maxOutputChars,
        Func<bool> canceled)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true,
            WorkingDirectory = workingDirectory, UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(psi) ?? throw new InvalidOperationException(); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new CompileRun(CompileEnd.NotStarted, -1, "");
        }
        using (process)
        {
            process.StandardInput.Close();
            var output = new CappedText(maxOutputChars);
            var stderr = output.DrainAsync(process.StandardError);
            var stdout = output.DrainAsync(process.StandardOutput);
            var deadline = Stopwatch.StartNew();
            var end = CompileEnd.Exited;
            while (!process.WaitForExit(CancelPollInterval))
            {
                if (canceled()) { end = CompileEnd.Canceled; break; }
                if (deadline.Elapsed >= timeout) { end = CompileEnd.TimedOut; break; }
            }
            if (end != CompileEnd.Exited)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
            }
            Task.WaitAll(stderr, stdout);
            return new CompileRun(end, end == CompileEnd.Exited ? process.ExitCode : -1, output.ToString());
        }
    }

    /// <summary>Collects text from several readers up to a cap, then keeps reading (so the writer never blocks) and drops
    /// the rest.</summary>
    private sealed class CappedText(int cap)
    {
        private readonly StringBuilder _text = new();
        private long _dropped;

        public async Task DrainAsync(StreamReader reader)
        {
            var buffer = new char[4096];
            int n;
            while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                lock (_text)
                {
                    int keep = Math.Clamp(cap - _text.Length, 0, n);
                    _text.Append(buffer, 0, keep);
                    _dropped += n - keep;
                }
            }
        }

        public override string ToString()
        {
            lock (_text) return _dropped == 0 ? _text.ToString() : $"{_text}\n... ({_dropped} more characters of compiler output)";
        }
    }
}
