// Locates /work/shared (env WASQL_SHARED, else ../shared next to the folder holding Wasql.slnx) and compiles test
// guests with clang-14 and Debian's rustc into a per-content cache directory.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Wasql.Udf.Tests;

internal static class Paths
{
    public static string Repo => Wasql.Tests.Shared.TestPaths.Repo;
    public static string Shared => Wasql.Tests.Shared.TestPaths.Shared;
    public static string Fixture(string name) => Wasql.Tests.Shared.TestPaths.ArrowUdfFixture(name);
    public static string Sdk => Path.Combine(Repo, "sdk");
    public static string Guests => Path.Combine(AppContext.BaseDirectory, "guests");
}

internal static class Toolchain
{
    private static readonly string s_cache = Path.Combine(Path.GetTempPath(), "wasql-udf-guests");
    private static readonly object s_lock = new();

    /// <summary>Compiles C sources (freestanding wasm32, no libc) to a module; cached by content.</summary>
    public static byte[] CompileC(string source, params string[] extraArgs) =>
        Compile(source, ".c", extraArgs, (src, outp) =>
            ["clang-14", "--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-dynamic", "-I", Paths.Sdk + "/c", .. extraArgs, "-o", outp, src]);

    /// <summary>Compiles a Rust source with Debian's rustc to a wasm32-unknown-unknown cdylib; cached by content.</summary>
    public static byte[] CompileRust(string source) =>
        Compile(source, ".rs", [], (src, outp) =>
            ["/usr/bin/rustc", "--target", "wasm32-unknown-unknown", "--crate-type", "cdylib", "-O", "-C", "strip=debuginfo", "--edition", "2021", "-o", outp, src]);

    /// <summary>Assembles WebAssembly text with wabt's wat2wasm; cached by content.</summary>
    public static byte[] Wat(string source) =>
        Compile(source, ".wat", [], (src, outp) => ["wat2wasm", src, "-o", outp]);

    private static byte[] Compile(string source, string ext, string[] extra, Func<string, string, string[]> command)
    {
        string sdkHash = Directory.Exists(Paths.Sdk)
            ? string.Join(",", Directory.GetFiles(Paths.Sdk, "*.*", SearchOption.AllDirectories).Order().Select(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))))
            : "";
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source + "\0" + string.Join(" ", extra) + "\0" + sdkHash)))[..24];
        lock (s_lock)
        {
            Directory.CreateDirectory(s_cache);
            string outp = Path.Combine(s_cache, key + ".wasm");
            if (File.Exists(outp)) return File.ReadAllBytes(outp);
            string src = Path.Combine(s_cache, key + ext);
            File.WriteAllText(src, source);
            var cmd = command(src, outp + ".tmp");
            var psi = new ProcessStartInfo(cmd[0]) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = s_cache };
            foreach (var a in cmd[1..]) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd() + p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(120_000)) { p.Kill(); throw new TimeoutException("compiler timed out"); }
            if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(" ", cmd)} failed:\n{err}");
            File.Move(outp + ".tmp", outp, true);
            return File.ReadAllBytes(outp);
        }
    }
}
