// Entry point for LANGUAGE rust / LANGUAGE c: generates the direct-ABI export wrapper around the user's source
// (with the SDK files under sdk/ embedded in this assembly), compiles to wasm32 with the configured toolchain,
// and caches the module by a hash of everything that affects the output.
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Wasql.Database.Catalog;

namespace Wasql.Database.Compilers;

internal static partial class SourceCompiler
{
    public static byte[] Compile(WasqlOptions options, string language, string name, IReadOnlyList<string> args, string result, string body, int position)
    {
        var (compiler, fileName, source, flags) = language == "rust"
            ? (options.RustCompiler, "udf.rs", RustSource(name, args, result, body, position),
               new[] { "--edition", "2021", "--target", "wasm32-unknown-unknown", "--crate-type", "cdylib", "-O", "-C", "panic=abort", "-C", "strip=symbols", "-C", "debuginfo=0" })
            : (options.CCompiler, "udf.c", CSource(body),
               new[] { "--target=wasm32", "-nostdlib", "-Wl,--no-entry", "-O2", "-Wl,--strip-all", $"-Wl,--export={name}" });
        var key = ModuleCodec.Sha256Hex(Encoding.UTF8.GetBytes($"{language}\n{compiler}\n{string.Join(" ", flags)}\n{source}"));
        var cacheDir = options.CompileCacheDirectory ?? DefaultCacheDirectory();
        var cached = Path.Combine(cacheDir, key + ".wasm");
        if (File.Exists(cached))
        {
            try { return File.ReadAllBytes(cached); } catch (IOException) { }
        }

        var work = Directory.CreateTempSubdirectory("wasql-compile-");
        try
        {
            var src = Path.Combine(work.FullName, fileName);
            var output = Path.Combine(work.FullName, "udf.wasm");
            File.WriteAllText(src, source);
            var psi = new ProcessStartInfo(compiler) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = work.FullName };
            foreach (var f in flags) psi.ArgumentList.Add(f);
            psi.ArgumentList.Add("-o");
            psi.ArgumentList.Add(output);
            psi.ArgumentList.Add(src);
            Process process;
            try { process = Process.Start(psi) ?? throw new InvalidOperationException(); }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                throw Missing(language, compiler, position);
            }
            using (process)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                var stdout = process.StandardOutput.ReadToEndAsync();
                if (!process.WaitForExit(options.CompileTimeout))
                {
                    try { process.Kill(true); } catch { }
                    throw new WasqlException(SqlStates.InvalidFunctionDefinition, $"{language} compilation timed out after {options.CompileTimeout.TotalSeconds:0} s", position);
                }
                var errors = (stderr.Result + stdout.Result).Replace(work.FullName + "/", "");
                if (process.ExitCode != 0 || !File.Exists(output))
                {
                    if (language == "rust" && errors.Contains("can't find crate for `std`"))
                        throw new WasqlException(SqlStates.InvalidFunctionDefinition,
                            $"{compiler} has no wasm32-unknown-unknown standard library", position)
                        { Hint = "install it: apt-get install libstd-rust-dev-wasm32 (Debian's rustc), or set WasqlOptions.RustCompiler", Detail = errors.Trim() };
                    if (language == "c" && (errors.Contains("wasm-ld") && errors.Contains("No such file") || errors.Contains("unable to execute command")))
                        throw new WasqlException(SqlStates.InvalidFunctionDefinition, $"{compiler} cannot link wasm32 (wasm-ld missing)", position)
                        { Hint = "install it: apt-get install lld-14", Detail = errors.Trim() };
                    var first = errors.Split('\n').FirstOrDefault(l => l.Contains("error")) ?? errors.Split('\n')[0];
                    throw new WasqlException(SqlStates.InvalidFunctionDefinition, $"{language} compilation failed: {first.Trim()}", position)
                    { Detail = errors.Trim() };
                }
            }
            var wasm = File.ReadAllBytes(output);
            try
            {
                Directory.CreateDirectory(cacheDir);
                var tmp = cached + "." + Environment.ProcessId + ".tmp";
                File.WriteAllBytes(tmp, wasm);
                File.Move(tmp, cached, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            return wasm;
        }
        finally
        {
            try { work.Delete(true); } catch (IOException) { }
        }
    }

    private static WasqlException Missing(string language, string compiler, int position) => language == "rust"
        ? new WasqlException(SqlStates.FeatureNotSupported, $"LANGUAGE rust needs rustc with the wasm32 target, but '{compiler}' was not found", position)
        { Hint = "install Debian's toolchain: apt-get install rustc libstd-rust-dev-wasm32 (or set WasqlOptions.RustCompiler)" }
        : new WasqlException(SqlStates.FeatureNotSupported, $"LANGUAGE c needs clang with the wasm32 target, but '{compiler}' was not found", position)
        { Hint = "install it: apt-get install clang-14 lld-14 (or set WasqlOptions.CCompiler)" };

    private static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrEmpty(xdg) ? xdg : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache") : Path.GetTempPath();
        return Path.Combine(root, "wasql", "compile");
    }

    private static string Sdk(string name)
    {
        using var s = typeof(SourceCompiler).Assembly.GetManifestResourceStream(name)!;
        return new StreamReader(s).ReadToEnd();
    }

    private static string RustType(string sql, bool result, int position) => sql switch
    {
        "int2" => "i16", "int4" => "i32", "int8" => "i64", "float4" => "f32", "float8" => "f64", "boolean" => "bool",
        "text" => result ? "String" : "&str",
        "bytea" => result ? "Vec<u8>" : "&[u8]",
        _ => throw new WasqlException(SqlStates.FeatureNotSupported, $"type {sql} is not supported by LANGUAGE rust (direct ABI: int2, int4, int8, float4, float8, boolean, text, bytea)", position),
    };

    [GeneratedRegex(@"(?m)^(\s*)(?:pub\s+)?fn\s")]
    private static partial Regex TopLevelFn();

    /// <summary>The user's functions go into a module (made pub so the wrapper can call them); the SDK macro
    /// defines the export with the declared SQL signature and calls the user's function of the same name.</summary>
    private static string RustSource(string name, IReadOnlyList<string> args, string result, string body, int position)
    {
        var ps = args.Select((t, i) => $"a{i}: {RustType(t, false, position)}").ToList();
        var call = string.Join(", ", args.Select((_, i) => $"a{i}"));
        var user = TopLevelFn().Replace(body, "$1pub fn ");
        var sb = new StringBuilder();
        sb.AppendLine("#![allow(dead_code, unused_imports, unused_macros)]");
        sb.AppendLine(Sdk("wasql_udf.rs"));
        sb.AppendLine("mod user_code {");
        sb.AppendLine(user);
        sb.AppendLine("}");
        sb.AppendLine($"wasql_udf!(fn {name}({string.Join(", ", ps)}) -> {RustType(result, true, position)} {{ user_code::{name}({call}) }});");
        return sb.ToString();
    }

    /// <summary>The SDK header, then the user's C; the function named like the SQL function is exported by the linker.</summary>
    private static string CSource(string body) => Sdk("wasql_udf.h") + "\n#line 1 \"udf.c\"\n" + body + "\n";
}
