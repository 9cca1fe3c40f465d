// Test helper shared by the server and plugin tests (linked into both projects): runs a tool such as psql with a
// script on stdin and returns its exit code and output, killing it after a minute.
using System.Diagnostics;

namespace Wasql.Tests.Shared;

internal static class ScriptedProcess
{
    public static (int Exit, string Out, string Err) Run(ProcessStartInfo psi, string stdin)
    {
        psi.RedirectStandardInput = psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{psi.FileName} did not finish"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
