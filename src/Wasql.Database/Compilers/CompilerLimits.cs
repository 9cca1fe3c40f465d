// The limits every LANGUAGE rust / LANGUAGE c compile runs under, and where the sandbox tools live.
namespace Wasql.Database.Compilers;

/// <summary>
/// Resource limits and sandbox settings for inline-source compiles (<c>LANGUAGE rust</c>, <c>LANGUAGE c</c>). Each
/// compile runs under bubblewrap (<c>bwrap</c>) with these rlimits applied through <c>prlimit</c>; see README, Security.
/// </summary>
public sealed class CompilerLimits
{
    /// <summary>CPU seconds one compiler process may use (RLIMIT_CPU; all its threads together). Default 60 s.</summary>
    public int CpuSeconds { get; set; } = 60;

    /// <summary>Address space of one compiler process (RLIMIT_AS). Default 2 GiB: rustc and clang need well under 1 GiB
    /// for a UDF; a macro or preprocessor bomb fails with "memory allocation failed".</summary>
    public long AddressSpaceBytes { get; set; } = 2L << 30;

    /// <summary>Largest file a compiler may write (RLIMIT_FSIZE), e.g. the module or an object file. Default 64 MiB.</summary>
    public long FileSizeBytes { get; set; } = 64L << 20;

    /// <summary>RLIMIT_NPROC: the kernel counts every process and thread of the server's user (not only the compile's),
    /// so keep it well above the server's own thread count. Not enforced when the server runs as root. Default 1024.</summary>
    public int MaxProcesses { get; set; } = 1024;

    /// <summary>How many compiles run at once per database; more wait for a slot. Default 2.</summary>
    public int MaxConcurrent { get; set; } = 2;

    /// <summary>How long a compile waits for a slot before failing with SQLSTATE 53400. Default 60 s.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most compiler output (stderr + stdout) kept for the error DETAIL; the rest is dropped. Default 64 KiB.</summary>
    public int MaxMessageChars { get; set; } = 64 * 1024;

    /// <summary>The bubblewrap executable. Default <c>/usr/bin/bwrap</c> (Debian package <c>bubblewrap</c>).</summary>
    public string BubblewrapPath { get; set; } = "/usr/bin/bwrap";

    /// <summary>The util-linux prlimit that applies the rlimits. Default <c>/usr/bin/prlimit</c>.</summary>
    public string PrlimitPath { get; set; } = "/usr/bin/prlimit";

    /// <summary>Extra host directories mounted read-only in the sandbox, for toolchains outside <c>/usr</c> (e.g. a
    /// rustup toolchain). Never put secrets here: the compiler can read (and quote) every file below them.</summary>
    public IList<string> ReadOnlyPaths { get; set; } = new List<string>();
}
