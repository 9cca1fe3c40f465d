// Test helpers for the differential and fuzz tests: compiles the freestanding C programs in c/*.c to wasm
// with clang-14 (cached per test run), runs node, and finds the committed sources next to this file.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Wasql.Wasm.Tests.Differential;

internal static class Toolchain
{
    /// <summary>clang flags: freestanding wasm32, every function exported by name, bulk memory, sign extension
    /// and saturating conversions enabled (all part of Wasm 2.0).</summary>
    public static readonly string[] ClangFlags =
    [
        "--target=wasm32", "-O2", "-nostdlib", "-mbulk-memory", "-msign-ext", "-mnontrapping-fptoint",
        "-Wl,--no-entry", "-Wl,--export-dynamic",
    ];

    private static readonly ConcurrentDictionary<string, Lazy<string>> Compiled = new();
    private static readonly Lazy<string> TempDir = new(() => Directory.CreateTempSubdirectory("wasql-diff-").FullName);

    /// <summary>The Differential/ source folder (C programs and the node runner).</summary>
    public static string SourceDir => ThisDirectory();

    private static string ThisDirectory([CallerFilePath] string thisFile = "") => Path.GetDirectoryName(thisFile)!;

    public static string CDir => Path.Combine(SourceDir, "c");

    public static string RunnerPath => Path.Combine(SourceDir, "runner.mjs");

    public static IEnumerable<string> Programs() =>
        Directory.GetFiles(CDir, "*.c").Select(f => Path.GetFileNameWithoutExtension(f)!).OrderBy(n => n, StringComparer.Ordinal);

    /// <summary>Compiles c/<paramref name="program"/>.c once per test run; returns the wasm path.</summary>
    public static string WasmPath(string program) =>
        Compiled.GetOrAdd(program, p => new Lazy<string>(() =>
        {
            string output = Path.Combine(TempDir.Value, p + ".wasm");
            Run("clang-14", [.. ClangFlags, Path.Combine(CDir, p + ".c"), "-o", output],
                "Install clang-14 and lld-14 (apt-get install clang-14 lld-14).");
            return output;
        })).Value;

    public static byte[] Wasm(string program) => File.ReadAllBytes(WasmPath(program));

    /// <summary>Runs a tool, failing the test with <paramref name="installHint"/> if it cannot start and with
    /// its stderr if it exits non-zero. Returns stdout.</summary>
    public static string Run(string tool, IEnumerable<string> args, string installHint, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{tool} is required by this test but could not be run ({e.Message}). {installHint}");
            throw;
        }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', psi.ArgumentList)} timed out");
            }
            p.WaitForExit();
            if (p.ExitCode != 0)
                Assert.Fail($"{tool} {string.Join(' ', psi.ArgumentList)} failed (exit {p.ExitCode}):\n{stderr.Result}\n{stdout.Result}");
            return stdout.Result;
        }
    }

    /// <summary>Runs <paramref name="body"/> on a fresh thread with a large stack, rethrowing its exception.</summary>
    public static void OnBigStack(Action body, int stackBytes = 16 << 20)
    {
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { body(); }
            catch (Exception e) { error = e; }
        }, stackBytes) { IsBackground = true, Name = "wasql-big-stack" };
        t.Start();
        t.Join();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
    }
}
