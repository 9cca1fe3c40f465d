// Compiles the guest programs under programs/ to .wasm at test time (clang-14 + wasi-libc for C, Debian's
// rustc 1.63 for Rust), cached by content hash in the temp directory. Fails with a clear message when a tool is missing.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Wasql.Wasi.Tests;

public static class Toolchain
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> s_built = new();
    private static readonly string s_cacheDir = Path.Combine(Path.GetTempPath(), "wasql-wasi-tests");

    public static string ProgramsDir => Path.Combine(AppContext.BaseDirectory, "programs");

    public static string Clang => Environment.GetEnvironmentVariable("WASQL_CLANG") ?? "clang-14";
    public static string Rustc => Environment.GetEnvironmentVariable("WASQL_RUSTC") ?? "/usr/bin/rustc";

    /// <summary>The path of programs/<paramref name="file"/> compiled to wasm (C or Rust by extension).</summary>
    public static string Build(string file, params string[] extraFlags) =>
        s_built.GetOrAdd(file + "\0" + string.Join(' ', extraFlags), _ => new Lazy<string>(() => Compile(file, extraFlags))).Value;

    private static string Compile(string file, string[] extraFlags)
    {
        string src = Path.Combine(ProgramsDir, file);
        if (!File.Exists(src)) throw new FileNotFoundException($"no guest program {src}");
        bool rust = file.EndsWith(".rs", StringComparison.Ordinal);
        string tool = rust ? Rustc : Clang;
        string[] flags = [.. rust ? ["--target", "wasm32-wasi", "-O", "-C", "debuginfo=0"] : ClangFlags(), .. extraFlags];
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(File.ReadAllText(src) + "\0" + tool + string.Join(' ', flags))))[..16];
        Directory.CreateDirectory(s_cacheDir);
        string output = Path.Combine(s_cacheDir, $"{Path.GetFileNameWithoutExtension(file)}-{hash}.wasm");
        if (File.Exists(output)) return output;
        string tmp = output + "." + Environment.ProcessId + ".tmp";
        var args = new List<string>(flags) { src, "-o", tmp };
        var (code, stdout, stderr) = Exec(tool, args, null, TimeSpan.FromMinutes(3));
        if (code != 0) throw new InvalidOperationException($"{tool} failed on {file} (exit {code}):\n{stdout}{stderr}");
        File.Move(tmp, output, overwrite: true);
        return output;
    }

    private static string[] ClangFlags()
    {
        // Debian's clang-14 finds wasi-libc under /usr by default; a standalone wasi-sysroot works too.
        string[] sysroots = ["/usr/share/wasi-sysroot", "/opt/wasi-sdk/share/wasi-sysroot"];
        var sysroot = sysroots.FirstOrDefault(Directory.Exists);
        if (sysroot is null && !File.Exists("/usr/lib/wasm32-wasi/libc.a"))
            throw new InvalidOperationException("wasi-libc not found: install clang-14, wasi-libc and libclang-rt-14-dev-wasm32 (see .ci)");
        var flags = new List<string> { "--target=wasm32-wasi", "-O2", "-Wall" };
        if (sysroot is not null) flags.Add("--sysroot=" + sysroot);
        return flags.ToArray();
    }

    /// <summary>Runs a process with a time limit, feeding <paramref name="stdin"/>; returns its exit code and output.</summary>
    public static (int Code, string Stdout, string Stderr) Exec(string file, IEnumerable<string> args, byte[]? stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run '{file}' ({e.Message}); install it (see .ci) or set WASQL_CLANG / WASQL_RUSTC", e);
        }
        using (p)
        {
            var outTask = p.StandardOutput.ReadToEndAsync();
            var errTask = p.StandardError.ReadToEndAsync();
            try
            {
                if (stdin is not null) p.StandardInput.BaseStream.Write(stdin);
                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child exited without reading all of its input.
            }
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} did not finish within {timeout}");
            }
            return (p.ExitCode, outTask.Result, errTask.Result);
        }
    }
}
