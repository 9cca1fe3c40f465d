// Runs the real `wasql` executable (and node / clang for peers) as child processes with timeouts.
using System.Diagnostics;

namespace Wasql.Cli.Tests;

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

internal static class CliProcess
{
    public static ProcessResult Wasql(params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "wasql.dll"), .. args]);

    public static ProcessResult Run(string file, IEnumerable<string> args, string? stdin = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeoutMs} ms");
        }
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Compiles a C program for wasm32-wasi with clang-14 (cached by content).</summary>
    public static string CompileC(string source)
    {
        string dir = Path.Combine(Path.GetTempPath(), "wasql-cli-tests");
        Directory.CreateDirectory(dir);
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)))[..16];
        string wasm = Path.Combine(dir, hash + ".wasm");
        if (File.Exists(wasm)) return wasm;
        string c = Path.Combine(dir, hash + ".c");
        File.WriteAllText(c, source);
        ProcessResult r;
        try
        {
            r = Run("clang-14", ["--target=wasm32-wasi", "-O2", c, "-o", wasm]);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("clang-14 is not installed: run scripts/setup.sh (Debian clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)");
        }
        Assert.True(r.ExitCode == 0, $"clang-14 failed: {r.Stderr}");
        return wasm;
    }

    /// <summary>Runs a WASI module under Node's node:wasi (the reference peer).</summary>
    public static ProcessResult Node(string wasm, IEnumerable<string> args, IDictionary<string, string>? env = null, string? preopenHost = null, string? preopenGuest = null)
    {
        string script = $$"""
            import { readFileSync } from 'node:fs';
            import { WASI } from 'node:wasi';
            const wasi = new WASI({ version: 'preview1', args: {{System.Text.Json.JsonSerializer.Serialize(args.Prepend(Path.GetFileName(wasm)))}},
              env: {{System.Text.Json.JsonSerializer.Serialize(env ?? new Dictionary<string, string>())}},
              preopens: {{(preopenHost is null ? "{}" : System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { [preopenGuest!] = preopenHost }))}},
              returnOnExit: true });
            const { instance } = await WebAssembly.instantiate(readFileSync({{System.Text.Json.JsonSerializer.Serialize(wasm)}}), wasi.getImportObject());
            process.exitCode = wasi.start(instance);
            """;
        string path = Path.Combine(Path.GetTempPath(), "wasql-cli-tests", $"run-{Guid.NewGuid():N}.mjs");
        File.WriteAllText(path, script);
        try { return Run("node", ["--no-warnings", path]); }
        finally { File.Delete(path); }
    }
}
