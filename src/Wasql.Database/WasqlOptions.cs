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

    /// <summary>How long a statement waits on a lock held by another connection before failing (SQLite busy timeout). Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times extensions (query plugins) may rewrite one statement before it fails with SQLSTATE 54001.
    /// Default 8.</summary>
    public int MaxRewrites { get; set; } = 8;
}
