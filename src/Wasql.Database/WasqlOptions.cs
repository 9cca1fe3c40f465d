// Options of a WasqlDatabase: UDF limits, the toolchains used by LANGUAGE rust / LANGUAGE c, and the compile cache.
using Wasql.Udf;

namespace Wasql.Database;

/// <summary>How a <see cref="WasqlDatabase"/> runs UDFs and compiles inline function sources.</summary>
public sealed class WasqlOptions
{
    /// <summary>Limits for every UDF call (deadline, fuel, memory). Null: <see cref="Udf.UdfLimits.Default"/>.</summary>
    public UdfLimits? UdfLimits { get; set; }

    /// <summary>The rustc used for <c>LANGUAGE rust</c> (must have the wasm32-unknown-unknown target; Debian's
    /// <c>/usr/bin/rustc</c> with <c>libstd-rust-dev-wasm32</c> does).</summary>
    public string RustCompiler { get; set; } = "/usr/bin/rustc";

    /// <summary>The clang used for <c>LANGUAGE c</c> (needs the wasm32 target and wasm-ld: Debian's clang-14 + lld-14).</summary>
    public string CCompiler { get; set; } = "clang-14";

    /// <summary>Where compiled modules are cached by source hash. Null: <c>$XDG_CACHE_HOME/wasql/compile</c>
    /// (or <c>~/.cache/wasql/compile</c>).</summary>
    public string? CompileCacheDirectory { get; set; }

    /// <summary>
    /// Opt-in cache of compiled wasm code (null, the default: off). Each stored function's module is then compiled once
    /// per engine build and configuration and later processes load its code from here, so the first query after a
    /// restart does not recompile a big module (bench/RESULTS.md, "Cold start"). Put it beside the database file or use
    /// <see cref="UserModuleCacheDirectory"/>; entries are authenticated with a per-user key (see the engine's
    /// <c>EngineConfig.CacheDirectory</c>), so whoever can write the directory cannot make the database run other code.
    /// </summary>
    public string? ModuleCacheDirectory { get; set; }

    /// <summary>The per-user location for <see cref="ModuleCacheDirectory"/>: <c>$XDG_CACHE_HOME/wasql/modules</c>
    /// (or <c>~/.cache/wasql/modules</c>).</summary>
    public static string UserModuleCacheDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "wasql", "modules");

    /// <summary>Resource limits, concurrency cap and sandbox tools for LANGUAGE rust / LANGUAGE c compiles.</summary>
    public Compilers.CompilerLimits CompilerLimits { get; set; } = new();

    /// <summary>
    /// Where the compile sandbox (bubblewrap) cannot start, compile without it (rlimits still apply) instead of refusing.
    /// Unsafe on a shared server: the compiler can then read, and quote in its errors, every file the server can
    /// (<c>include_str!("/etc/passwd")</c>). Default false.
    /// </summary>
    public bool AllowUnsandboxedCompilers { get; set; }

    /// <summary>Longest (wall clock) a compiler may run for one CREATE FUNCTION; it is killed past it. Default 2 minutes.</summary>
    public TimeSpan CompileTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Largest result one statement may build, in (approximate) bytes; past it the statement fails with SQLSTATE 54000
    /// and the connection stays usable. Bounds the memory a session (and a server connection) can hold. Default 256 MiB.
    /// </summary>
    public long MaxResultBytes { get; set; } = 256L << 20;

    /// <summary>How long a write waits for the database's writer lock (one writer at a time, as SQLite allows) before
    /// failing with SQLSTATE 55P03; sessions can change it (<see cref="WasqlConnection.LockTimeout"/>, the server's
    /// <c>SET lock_timeout</c>). Default 5 s.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long SQLite itself retries a busy file (WAL checkpoints, another process on the same file) before
    /// failing (SQLite busy timeout). Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times extensions (query plugins) may rewrite one statement before it fails with SQLSTATE 54001.
    /// Default 8.</summary>
    public int MaxRewrites { get; set; } = 8;
}
