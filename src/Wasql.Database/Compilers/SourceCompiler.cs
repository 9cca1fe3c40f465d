// Entry point for LANGUAGE rust / LANGUAGE c: generates the direct-ABI export wrapper around the user's source
// (with the SDK files under sdk/ embedded in this assembly), compiles to wasm32 with the configured toolchain,
// inside the compile sandbox (SandboxCommand) under CompilerLimits, and caches the module by a hash of everything that
// affects the output.
using System.Text;
using System.Text.RegularExpressions;
using Wasql.Database.Catalog;

namespace Wasql.Database.Compilers;

internal static partial class SourceCompiler
{
    /// <summary>What the compile's working files are called (relative to the scratch directory, which is also the
    /// compiler's working directory), so messages name them without any host path.</summary>
    private const string OutputFile = "udf.wasm";

    /// <summary>Exit codes of a compiler killed by a resource limit (128 + signal, as bwrap and shells report them).</summary>
    private const int ExitSigKill = 128 + 9, ExitSigXcpu = 128 + 24, ExitSigXfsz = 128 + 25;

    /// <summary>The source to compile for an inline function: the user's body with its generated wrapper. Checks the
    /// name first (it becomes a source identifier and part of a linker flag, -Wl,--export=NAME, where commas split
    /// flags, so only plain identifiers pass).</summary>
    public static GeneratedSource Generate(string language, string name, IReadOnlyList<string> args, string result, int tableColumns,
        string body, int position)
    {
        if (!Identifier().IsMatch(name))
            throw new WasqlException(SqlStates.InvalidFunctionDefinition,
                $"LANGUAGE {language} needs a function name that is a plain identifier (letters, digits, _), not \"{name}\"", position);
        if (language == "rust") return RustWrapper.Generate(name, args, result, tableColumns, body, position);
        if (tableColumns > 0)
            throw new WasqlException(SqlStates.FeatureNotSupported, "LANGUAGE c supports scalar functions only; write table functions in Rust or as arrow-udf modules", position);
        return CWrapper.Generate(name, args, result, body, Sdk("wasql_udf.h"), position);
    }

    /// <summary>Compiles one generated source in a sandbox (see <see cref="SandboxCommand"/>) under the database's
    /// <see cref="CompilerLimits"/>; <paramref name="canceled"/> is polled so a cancel or statement_timeout kills it.</summary>
    public static byte[] Compile(WasqlDatabase database, GeneratedSource generated, string name, int position, Func<bool> canceled)
    {
        var language = generated.Language;
        var options = database.Options;
        var limits = options.CompilerLimits;
        var (compiler, fileName, source) = (language == "rust" ? options.RustCompiler : options.CCompiler, generated.FileName, generated.Text);
        var flags = language == "rust"
            ? new[] { "--edition", "2021", "--target", "wasm32-unknown-unknown", "--crate-type", "cdylib", "-O", "-C", "codegen-units=1", "-C", "panic=abort", "-C", "strip=symbols", "-C", "debuginfo=0", "--cap-lints", "allow" }
            : new[] { "--target=wasm32", "-nostdlib", "-Wl,--no-entry", "-O2", "-fno-crash-diagnostics", "-Wl,--strip-all" }
                .Concat(generated.LinkerExport ? [$"-Wl,--export={name}"] : Array.Empty<string>()).ToArray();
        var key = ModuleCodec.Sha256Hex(Encoding.UTF8.GetBytes($"{language}\n{compiler}\n{string.Join(" ", flags)}\n{source}"));
        var cacheDir = options.CompileCacheDirectory ?? DefaultCacheDirectory();
        var cached = Path.Combine(cacheDir, key + ".wasm");
        if (File.Exists(cached))
        {
            try { return File.ReadAllBytes(cached); } catch (IOException) { }
        }

        var executable = FindExecutable(compiler) ?? throw Missing(language, compiler, position);
        bool sandboxed = UseSandbox(options, language, executable, position);
        using var slot = database.CompileGate.Enter(canceled, position);
        var work = Directory.CreateTempSubdirectory("wasql-compile-");
        try
        {
            File.WriteAllText(Path.Combine(work.FullName, fileName), source);
            var compilerArgs = flags.Concat(["-o", OutputFile, fileName]).ToList();
            var argv = sandboxed
                ? SandboxCommand.Build(limits, work.FullName, executable, compilerArgs, SandboxCommand.InspectHost)
                : Unsandboxed(limits, executable, compilerArgs);
            var run = CompilerProcess.Run(argv, work.FullName, options.CompileTimeout, limits.MaxMessageChars, canceled);
            var errors = CompilerMessages.StripScratch(run.Output, work.FullName).Trim();
            var output = Path.Combine(work.FullName, OutputFile);
            switch (run.End)
            {
                case CompileEnd.NotStarted: throw Missing(language, sandboxed ? limits.PrlimitPath : executable, position);
                case CompileEnd.Canceled: throw new WasqlException(SqlStates.QueryCanceled, "canceling statement due to user request", position);
                case CompileEnd.TimedOut:
                    throw new WasqlException(SqlStates.InvalidFunctionDefinition, $"{language} compilation timed out after {options.CompileTimeout.TotalSeconds:0} s", position)
                    { Hint = "the limit is WasqlOptions.CompileTimeout" };
            }
            if (run.ExitCode != 0 || !File.Exists(output)) throw Failed(language, compiler, run.ExitCode, errors, limits, position, generated.BodyLines);
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

    /// <summary>True to compile in the sandbox; false only when it cannot start here and the options allow unsandboxed
    /// compiles. Otherwise throws, naming bwrap and the setting.</summary>
    private static bool UseSandbox(WasqlOptions options, string language, string executable, int position)
    {
        var limits = options.CompilerLimits;
        if (SandboxProbe.WhyUnavailable(limits) is { } why)
        {
            if (options.AllowUnsandboxedCompilers) return false;
            throw new WasqlException(SqlStates.FeatureNotSupported, $"LANGUAGE {language} compiles only in a sandbox, and the sandbox cannot start here: {why}", position)
            {
                Hint = "install bubblewrap (apt-get install bubblewrap) where unprivileged user namespaces are allowed, or set " +
                       "WasqlOptions.AllowUnsandboxedCompilers = true (the compiler can then read every file the server can)",
            };
        }
        if (!SandboxCommand.IsVisible(limits, executable))
            throw new WasqlException(SqlStates.FeatureNotSupported, $"the {language} compiler {executable} is outside the compile sandbox", position)
            { Hint = "add its toolchain directory to WasqlOptions.CompilerLimits.ReadOnlyPaths" };
        return true;
    }

    /// <summary>Without the sandbox the rlimits still apply (when prlimit exists).</summary>
    private static List<string> Unsandboxed(CompilerLimits limits, string executable, IEnumerable<string> args)
    {
        var argv = File.Exists(limits.PrlimitPath) ? SandboxCommand.Rlimits(limits) : [];
        argv.Add(executable);
        argv.AddRange(args);
        return argv;
    }

    private static WasqlException Failed(string language, string compiler, int exitCode, string errors, CompilerLimits limits, int position, int bodyLines)
    {
        // rustc reports its own signals; the clang driver outlives a killed frontend and names the signal in its text.
        string? limit = null;
        if (exitCode is ExitSigXcpu or ExitSigKill || errors.Contains("CPU time limit exceeded", StringComparison.Ordinal))
            limit = $"the CPU time limit of {limits.CpuSeconds} s (CompilerLimits.CpuSeconds)";
        else if (exitCode == ExitSigXfsz || errors.Contains("File size limit exceeded", StringComparison.Ordinal))
            limit = $"the file size limit of {limits.FileSizeBytes >> 20} MiB (CompilerLimits.FileSizeBytes)";
        else if (OutOfMemory(errors))
            limit = $"the memory limit of {limits.AddressSpaceBytes >> 20} MiB (CompilerLimits.AddressSpaceBytes)";
        if (limit is not null)
            return new WasqlException(SqlStates.ProgramLimitExceeded, $"{language} compilation exceeded {limit}", position) { Detail = errors };
        if (language == "rust" && errors.Contains("can't find crate for `std`"))
            return new WasqlException(SqlStates.InvalidFunctionDefinition, $"{compiler} has no wasm32-unknown-unknown standard library", position)
            { Hint = "install it: apt-get install libstd-rust-dev-wasm32 (Debian's rustc), or set WasqlOptions.RustCompiler", Detail = errors };
        if (language == "c" && (errors.Contains("wasm-ld") && errors.Contains("No such file") || errors.Contains("unable to execute command")))
            return new WasqlException(SqlStates.InvalidFunctionDefinition, $"{compiler} cannot link wasm32 (wasm-ld missing)", position)
            { Hint = "install it: apt-get install lld-14", Detail = errors };
        if (language == "rust" && RustDiagnostics.FirstError(errors, bodyLines) is { } d)
            return new WasqlException(SqlStates.InvalidFunctionDefinition, $"rust compilation failed: {d.Message}", position)
            { Detail = errors, Hint = d.Help };
        var lines = errors.Split('\n');
        var first = lines.FirstOrDefault(l => l.Contains("error")) ?? lines[0];
        return new WasqlException(SqlStates.InvalidFunctionDefinition, $"{language} compilation failed: {first.Trim()}", position) { Detail = errors };
    }

    private static bool OutOfMemory(string errors) =>
        errors.Contains("memory allocation of", StringComparison.Ordinal) || errors.Contains("LLVM ERROR: out of memory", StringComparison.Ordinal)
        || errors.Contains("bad_alloc", StringComparison.Ordinal) || errors.Contains("Cannot allocate memory", StringComparison.Ordinal);

    /// <summary>An absolute path as given, or the first match on the server's PATH; null when there is none.</summary>
    private static string? FindExecutable(string compiler)
    {
        if (compiler.Contains('/')) return File.Exists(compiler) ? ThroughUsr(Path.GetFullPath(compiler)) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, compiler);
            if (File.Exists(candidate)) return ThroughUsr(Path.GetFullPath(candidate));
        }
        return null;
    }

    /// <summary>/bin/x as /usr/bin/x where /bin is the merged-usr link (so it is seen to be inside the sandbox).</summary>
    private static string ThroughUsr(string path)
    {
        var slash = path.IndexOf('/', 1);
        if (slash < 0) return path;
        var top = new DirectoryInfo(path[..slash]);
        return top.LinkTarget is { } target && !target.StartsWith('/') ? "/" + target + path[slash..] : path;
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

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex Identifier();

}
