// Builds the SQLite workload (sqlite_workload.c next to this file + the SQLite amalgamation) to wasm32-wasi with
// clang-14 and natively with gcc. The amalgamation is not in the repository: it comes from the better-sqlite3 npm
// tarball (`npm pack`, no install, no native build), pinned to one version. Tarball, extracted sources, objects and
// binaries are cached by content hash under $TMP/wasql-wasi-tests/sqlite, so only the first run pays the
// ~30 s compiles of sqlite3.c. Missing tools fail with a message saying what to install.
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Wasql.Wasi.Tests.Sqlite;

public static class SqliteBuild
{
    /// <summary>better-sqlite3 12.4.1 ships SQLite 3.50.4 as deps/sqlite3/sqlite3.c + sqlite3.h.</summary>
    public const string BetterSqlite3Version = "12.4.1";
    public const string SqliteVersion = "3.50.4";

    /// <summary>Compile-time options for both targets: no threads, no extensions, no WAL or shared cache (wasi-libc
    /// has no shared mmap or locks), temp tables in memory. The workload only opens ":memory:".</summary>
    public static readonly string[] SqliteDefines =
    [
        "-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION", "-DSQLITE_OMIT_WAL", "-DSQLITE_OMIT_SHARED_CACHE",
        "-DSQLITE_TEMP_STORE=3", "-DSQLITE_DEFAULT_MEMSTATUS=0",
    ];

    // The unix VFS compiles against wasi-libc with its emulation libraries for mmap, getpid and process clocks.
    private static readonly string[] s_wasiEmulation = ["-D_WASI_EMULATED_MMAN", "-D_WASI_EMULATED_GETPID", "-D_WASI_EMULATED_PROCESS_CLOCKS"];
    private static readonly string[] s_wasiLibs = ["-lwasi-emulated-mman", "-lwasi-emulated-getpid", "-lwasi-emulated-process-clocks"];

    public static string CacheDir { get; } = Path.Combine(Path.GetTempPath(), "wasql-wasi-tests", "sqlite");
    public static string Npm => Environment.GetEnvironmentVariable("WASQL_NPM") ?? "npm";
    public static string Gcc => Environment.GetEnvironmentVariable("WASQL_GCC") ?? "gcc";

    private static readonly Lazy<string> s_amalgamation = new(FetchAmalgamation);
    private static readonly Lazy<(string Wasm, string Native)> s_workload = new(BuildWorkload);

    /// <summary>The directory holding sqlite3.c and sqlite3.h.</summary>
    public static string Amalgamation => s_amalgamation.Value;

    /// <summary>The workload compiled to wasm32-wasi and to a native executable.</summary>
    public static (string Wasm, string Native) Workload => s_workload.Value;

    public static string DriverSource => Path.Combine(ThisDir(), "sqlite_workload.c");

    private static string ThisDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static string FetchAmalgamation()
    {
        string dir = Path.Combine(CacheDir, "sqlite-" + SqliteVersion + "-bs3-" + BetterSqlite3Version);
        if (File.Exists(Path.Combine(dir, "sqlite3.c")) && File.Exists(Path.Combine(dir, "sqlite3.h"))) return dir;
        Directory.CreateDirectory(CacheDir);
        string tarball = Path.Combine(CacheDir, $"better-sqlite3-{BetterSqlite3Version}.tgz");
        if (!File.Exists(tarball))
        {
            string packDir = Path.Combine(CacheDir, "pack-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(packDir);
            try
            {
                var (code, stdout, stderr) = Run(Npm, ["pack", "better-sqlite3@" + BetterSqlite3Version, "--pack-destination", packDir, "--silent"],
                    TimeSpan.FromMinutes(3), "npm (Node.js) to fetch the SQLite amalgamation from the better-sqlite3 tarball");
                string? got = Directory.GetFiles(packDir, "*.tgz").FirstOrDefault();
                if (code != 0 || got is null)
                    throw new InvalidOperationException($"npm pack better-sqlite3@{BetterSqlite3Version} failed (exit {code}; is the npm registry reachable?):\n{stdout}{stderr}");
                File.Move(got, tarball, overwrite: true);
            }
            finally
            {
                Directory.Delete(packDir, recursive: true);
            }
        }
        string tmp = dir + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        Directory.CreateDirectory(tmp);
        using (var file = File.OpenRead(tarball)) ExtractSqlite(file, tmp, 0);
        foreach (var name in new[] { "sqlite3.c", "sqlite3.h" })
            if (!File.Exists(Path.Combine(tmp, name)))
                throw new InvalidOperationException($"{tarball} has no deps/sqlite3/{name} (nor a deps/*.tar.gz holding it): the package layout changed");
        try
        {
            Directory.Move(tmp, dir);
        }
        catch (IOException) when (File.Exists(Path.Combine(dir, "sqlite3.c")))
        {
            Directory.Delete(tmp, recursive: true); // another test process won the race
        }
        return dir;
    }

    /// <summary>Copies sqlite3.c / sqlite3.h out of a .tgz. Current tarballs hold them as deps/sqlite3/*; older
    /// ones (before 7.x) held a deps/sqlite3.tar.gz (or similar) archive with them inside, which is opened in turn.</summary>
    private static void ExtractSqlite(Stream tgz, string destination, int depth)
    {
        using var gzip = new GZipStream(tgz, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            string name = entry.Name.Replace('\\', '/');
            string leaf = name[(name.LastIndexOf('/') + 1)..];
            if ((leaf is "sqlite3.c" or "sqlite3.h") && name.Contains("sqlite", StringComparison.OrdinalIgnoreCase) && !name.Contains("/test", StringComparison.Ordinal))
            {
                using var output = File.Create(Path.Combine(destination, leaf));
                entry.DataStream.CopyTo(output);
            }
            else if (depth == 0 && name.Contains("/deps/", StringComparison.Ordinal) && (leaf.EndsWith(".tar.gz", StringComparison.Ordinal) || leaf.EndsWith(".tgz", StringComparison.Ordinal)))
            {
                var inner = new MemoryStream();
                entry.DataStream.CopyTo(inner);
                inner.Position = 0;
                ExtractSqlite(inner, destination, depth + 1);
            }
        }
    }

    private static (string Wasm, string Native) BuildWorkload()
    {
        string src = Amalgamation;
        string sqliteC = Path.Combine(src, "sqlite3.c");
        string driver = DriverSource;
        if (!File.Exists(driver)) throw new FileNotFoundException($"the workload driver {driver} is missing (tests run from a source checkout)");
        string[] wasmFlags = [.. WasiTarget(), "-O2", .. s_wasiEmulation, .. SqliteDefines];
        string[] nativeFlags = ["-O2", .. SqliteDefines];
        // sqlite3.c is compiled once per target into an object; the small driver is then compiled and linked.
        var wasmObject = Task.Run(() => Compile(Toolchain.Clang, [.. wasmFlags, "-c"], sqliteC, "sqlite3-wasm32", ".o", [], []));
        var nativeObject = Task.Run(() => Compile(Gcc, [.. nativeFlags, "-c"], sqliteC, "sqlite3-native", ".o", [], []));
        string wasm = Compile(Toolchain.Clang, [.. wasmFlags, "-I" + src], driver, "sqlite_workload", ".wasm", [wasmObject.Result], s_wasiLibs);
        string native = Compile(Gcc, [.. nativeFlags, "-I" + src], driver, "sqlite_workload-native", "", [nativeObject.Result], ["-lm"]);
        return (wasm, native);
    }

    private static string[] WasiTarget()
    {
        string[] sysroots = ["/usr/share/wasi-sysroot", "/opt/wasi-sdk/share/wasi-sysroot"];
        var sysroot = sysroots.FirstOrDefault(Directory.Exists);
        if (sysroot is null && !File.Exists("/usr/lib/wasm32-wasi/libc.a"))
            throw new InvalidOperationException("wasi-libc not found: install clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32 (see .ci)");
        return sysroot is null ? ["--target=wasm32-wasi"] : ["--target=wasm32-wasi", "--sysroot=" + sysroot];
    }

    /// <summary>Runs <paramref name="tool"/> on <paramref name="source"/> (plus inputs/libs) unless an output for the same
    /// tool, flags and input contents is cached; returns the output path.</summary>
    private static string Compile(string tool, string[] flags, string source, string stem, string extension, string[] inputs, string[] libs)
    {
        var key = new StringBuilder().Append(tool).Append('\0').AppendJoin(' ', flags).Append('\0').AppendJoin(' ', libs).Append('\0');
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(key.ToString()));
        foreach (var f in inputs.Prepend(source)) sha.AppendData(File.ReadAllBytes(f));
        string hash = Convert.ToHexString(sha.GetHashAndReset())[..16];
        string output = Path.Combine(CacheDir, $"{stem}-{hash}{extension}");
        if (File.Exists(output)) return output;
        string tmp = output + "." + Environment.ProcessId + "." + Environment.CurrentManagedThreadId + ".tmp";
        string[] args = [.. flags, source, .. inputs, "-o", tmp, .. libs];
        var (code, stdout, stderr) = Run(tool, args, TimeSpan.FromMinutes(5), tool == Gcc ? "gcc" : "clang-14 with wasi-libc");
        if (code != 0) throw new InvalidOperationException($"{tool} failed on {Path.GetFileName(source)} (exit {code}):\n{stdout}{stderr}");
        File.Move(tmp, output, overwrite: true);
        return output;
    }

    private static (int Code, string Stdout, string Stderr) Run(string tool, string[] args, TimeSpan timeout, string what)
    {
        try
        {
            return Toolchain.Exec(tool, args, null, timeout);
        }
        catch (InvalidOperationException e) when (e.InnerException is System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"the SQLite test needs {what}: cannot run '{tool}' ({e.InnerException.Message})", e);
        }
    }
}
