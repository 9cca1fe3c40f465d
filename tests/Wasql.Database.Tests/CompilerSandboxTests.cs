// The compile sandbox: LANGUAGE rust / c cannot read host files, are stopped by their limits, die on cancel, and their
// messages carry no scratch paths. Skipped (by returning) where the toolchain or bubblewrap is absent; setup.sh
// installs both.
namespace Wasql.Database.Tests;

public sealed class CompilerSandboxTests
{
    private const string Rustc = "/usr/bin/rustc", Clang = "/usr/bin/clang-14", Bwrap = "/usr/bin/bwrap";

    /// <summary>A preprocessor bomb: 10^9 tokens, clang's memory grows by ~200 MB/s until a limit stops it.</summary>
    private const string CBomb = """
        #define A0 1+
        #define A1 A0 A0 A0 A0 A0 A0 A0 A0 A0 A0
        #define A2 A1 A1 A1 A1 A1 A1 A1 A1 A1 A1
        #define A3 A2 A2 A2 A2 A2 A2 A2 A2 A2 A2
        #define A4 A3 A3 A3 A3 A3 A3 A3 A3 A3 A3
        #define A5 A4 A4 A4 A4 A4 A4 A4 A4 A4 A4
        #define A6 A5 A5 A5 A5 A5 A5 A5 A5 A5 A5
        #define A7 A6 A6 A6 A6 A6 A6 A6 A6 A6 A6
        #define A8 A7 A7 A7 A7 A7 A7 A7 A7 A7 A7
        #define A9 A8 A8 A8 A8 A8 A8 A8 A8 A8 A8
        """;

    private static bool Ready(string compiler) => File.Exists(compiler) && File.Exists(Bwrap);

    private static (WasqlDatabase Db, string Cache) Open(Action<WasqlOptions>? configure = null)
    {
        var cache = Directory.CreateTempSubdirectory("wasql-cc-").FullName;
        var options = new WasqlOptions { CompileCacheDirectory = cache, CCompiler = Clang };
        configure?.Invoke(options);
        return (WasqlDatabase.Open(":memory:", options), cache);
    }

    private static void AssertNoScratchPaths(WasqlException e)
    {
        var text = e.Message + "\n" + e.Detail;
        Assert.DoesNotContain("wasql-compile-", text);
        Assert.DoesNotContain("/build/", text);
        Assert.DoesNotContain(Path.GetTempPath(), text);
    }

    [Fact]
    public void RustIncludeStrCannotReadEtcPasswd()
    {
        if (!Ready(Rustc)) return;
        Assert.Contains("root:", File.ReadAllText("/etc/passwd"));   // the line that must not leak exists on the host
        var (db, cache) = Open();
        try
        {
            using var c = db.Connect();
            var e = Assert.Throws<WasqlException>(() => c.Execute(
                """CREATE FUNCTION leak(int) RETURNS text LANGUAGE rust AS $$ fn leak(_n: i32) -> String { include_str!("/etc/passwd").into() } $$"""));
            Assert.Equal(SqlStates.InvalidFunctionDefinition, e.SqlState);
            Assert.Contains("No such file", e.Message + e.Detail);
            Assert.DoesNotContain("root:", e.Message + e.Detail);
            Assert.Contains("udf.rs", e.Detail);
            AssertNoScratchPaths(e);
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void CIncludeCannotReadEtcShadowOrPasswd()
    {
        if (!Ready(Clang)) return;
        var (db, cache) = Open();
        try
        {
            using var c = db.Connect();
            foreach (var file in new[] { "/etc/shadow", "/etc/passwd" })
            {
                var e = Assert.Throws<WasqlException>(() => c.Execute(
                    $"CREATE FUNCTION leak(int) RETURNS int LANGUAGE c AS $$\n#include \"{file}\"\nint leak(int a) {{ return a; }} $$"));
                Assert.Equal(SqlStates.InvalidFunctionDefinition, e.SqlState);
                Assert.Contains("not found", e.Message);
                Assert.DoesNotContain("root:", e.Message + e.Detail);
                AssertNoScratchPaths(e);
            }
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void SandboxHidesHostDirectories()
    {
        if (!Ready(Clang)) return;
        var (db, cache) = Open();
        try
        {
            using var c = db.Connect();
            // The server's working directory and the database's own temp directory are host paths the sandbox must hide.
            foreach (var file in new[] { Path.Combine(Environment.CurrentDirectory, "Wasql.Database.Tests.dll"), "/root/.bashrc", "/etc/hostname" })
            {
                var e = Assert.Throws<WasqlException>(() => c.Execute(
                    $"CREATE FUNCTION peek(int) RETURNS int LANGUAGE c AS $$\n#include \"{file}\"\nint peek(int a) {{ return a; }} $$"));
                Assert.Contains("not found", e.Message);
            }
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void CPreprocessorBombIsStoppedByTheMemoryLimit()
    {
        if (!Ready(Clang)) return;
        var (db, cache) = Open(o => { o.CompilerLimits.AddressSpaceBytes = 1L << 30; o.CompilerLimits.CpuSeconds = 120; o.CompileTimeout = TimeSpan.FromMinutes(10); });
        try
        {
            using var c = db.Connect();
            var e = Assert.Throws<WasqlException>(() => c.Execute(
                $"CREATE FUNCTION bomb(int) RETURNS int LANGUAGE c AS $$\n{CBomb}\nint bomb(int a) {{ return A9 a; }} $$"));
            Assert.Equal(SqlStates.ProgramLimitExceeded, e.SqlState);
            Assert.Contains("c compilation exceeded the memory limit of 1024 MiB", e.Message);
            AssertNoScratchPaths(e);
            // The database is intact: an ordinary compile still works.
            c.Execute("CREATE FUNCTION fine(int) RETURNS int LANGUAGE c AS $$ int fine(int a) { return a * 2; } $$");
            Assert.Equal(42L, c.Execute("SELECT fine(21)").Rows[0][0]);
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void RustMacroBombIsStoppedByALimit()
    {
        if (!Ready(Rustc)) return;
        var (db, cache) = Open(o => { o.CompilerLimits.AddressSpaceBytes = 1L << 30; o.CompilerLimits.CpuSeconds = 120; o.CompileTimeout = TimeSpan.FromMinutes(10); });
        try
        {
            using var c = db.Connect();
            var e = Assert.Throws<WasqlException>(() => c.Execute("""
                CREATE FUNCTION boom(int) RETURNS int LANGUAGE rust AS $$
                macro_rules! b { () => {}; (x $($t:tt)*) => { b!($($t)* $($t)*); }; }
                fn boom(a: i32) -> i32 { b!(x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x y); a }
                $$
                """));
            Assert.Equal(SqlStates.ProgramLimitExceeded, e.SqlState);
            Assert.Contains("rust compilation exceeded the memory limit", e.Message);
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void CpuLimitStopsACompile()
    {
        if (!Ready(Clang)) return;
        // 1 CPU second cannot expand 10^9 tokens; the default 2 GiB keeps the memory limit out of the way for that second.
        // A loaded machine stretches CPU seconds into wall-clock minutes: the wall-clock limit is set far away.
        var (db, cache) = Open(o => { o.CompilerLimits.CpuSeconds = 1; o.CompileTimeout = TimeSpan.FromMinutes(10); });
        try
        {
            using var c = db.Connect();
            var e = Assert.Throws<WasqlException>(() => c.Execute(
                $"CREATE FUNCTION spin(int) RETURNS int LANGUAGE c AS $$\n{CBomb}\nint spin(int a) {{ return A9 a; }} $$"));
            Assert.Equal(SqlStates.ProgramLimitExceeded, e.SqlState);
            Assert.Contains("CPU time limit of 1 s", e.Message);
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void CancelKillsTheCompilerProcessTree()
    {
        if (!Ready(Clang)) return;
        var marker = "cancelme_" + Guid.NewGuid().ToString("N")[..12];   // appears in the clang driver's command line
        var (db, cache) = Open(o => { o.CompileTimeout = TimeSpan.FromMinutes(10); });
        try
        {
            using var c = db.Connect();
            var compile = Task.Run(() => Assert.Throws<WasqlException>(() => c.Execute(
                $"CREATE FUNCTION {marker}(int) RETURNS int LANGUAGE c AS $$\n{CBomb}\nint {marker}(int a) {{ return A9 a; }} $$")));
            Assert.True(SpinWait.SpinUntil(() => ProcessesWith(marker) > 0, TimeSpan.FromMinutes(2)), "the compiler never started");
            c.Cancel();
            var e = compile.Wait(TimeSpan.FromMinutes(2)) ? compile.Result : throw new TimeoutException("cancel did not end the compile");
            Assert.Equal(SqlStates.QueryCanceled, e.SqlState);
            Assert.True(SpinWait.SpinUntil(() => ProcessesWith(marker) == 0, TimeSpan.FromMinutes(1)), "the compiler survived the cancel");
            Assert.Empty(db.ListFunctions());
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void ExcessCompilesWaitThenFailClearly()
    {
        if (!Ready(Clang)) return;
        var (db, cache) = Open(o =>
        {
            o.CompilerLimits.MaxConcurrent = 1;
            o.CompilerLimits.QueueTimeout = TimeSpan.FromMilliseconds(300);
            o.CompileTimeout = TimeSpan.FromMinutes(10);
        });
        try
        {
            using var busy = db.Connect();
            using var waiting = db.Connect();
            var marker = "hold_" + Guid.NewGuid().ToString("N")[..12];
            var first = Task.Run(() => Assert.Throws<WasqlException>(() => busy.Execute(
                $"CREATE FUNCTION {marker}(int) RETURNS int LANGUAGE c AS $$\n{CBomb}\nint {marker}(int a) {{ return A9 a; }} $$")));
            Assert.True(SpinWait.SpinUntil(() => ProcessesWith(marker) > 0, TimeSpan.FromMinutes(2)), "the first compile never started");
            var e = Assert.Throws<WasqlException>(() => waiting.Execute("CREATE FUNCTION two(int) RETURNS int LANGUAGE c AS $$ int two(int a) { return 2; } $$"));
            Assert.Equal(SqlStates.ConfigurationLimitExceeded, e.SqlState);
            Assert.Contains("too many concurrent compiles", e.Message);
            busy.Cancel();
            Assert.Equal(SqlStates.QueryCanceled, first.Wait(TimeSpan.FromMinutes(2)) ? first.Result.SqlState : "timeout");
            waiting.Execute("CREATE FUNCTION two(int) RETURNS int LANGUAGE c AS $$ int two(int a) { return 2; } $$");   // the slot is free again
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void FunctionNameCannotSmuggleCompilerFlags()
    {
        var (db, cache) = Open();
        try
        {
            using var c = db.Connect();
            // Quoted identifiers may hold anything; a comma would split -Wl,--export=NAME into several linker flags.
            var e = Assert.Throws<WasqlException>(() => c.Execute(
                "CREATE FUNCTION \"f,--export-all,-o,/tmp/x\"(int) RETURNS int LANGUAGE c AS $$ int f(int a) { return a; } $$"));
            Assert.Equal(SqlStates.InvalidFunctionDefinition, e.SqlState);
            Assert.Contains("plain identifier", e.Message);
            Assert.Empty(Directory.GetFiles(cache));
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void CompilerOutputIsCapped()
    {
        if (!Ready(Clang)) return;
        var (db, cache) = Open(o => o.CompilerLimits.MaxMessageChars = 200);
        try
        {
            using var c = db.Connect();
            var body = string.Join("\n", Enumerable.Range(0, 15).Select(i => $"int g{i}(void) {{ return undefined_{i}; }}"));
            var e = Assert.Throws<WasqlException>(() => c.Execute($"CREATE FUNCTION capped(int) RETURNS int LANGUAGE c AS $$\n{body}\nint capped(int a) {{ return a; }} $$"));
            Assert.Equal(SqlStates.InvalidFunctionDefinition, e.SqlState);
            Assert.Matches(@"\.\.\. \(\d+ more characters of compiler output\)$", e.Detail);
            Assert.True(e.Detail!.Length < 300, $"detail of {e.Detail.Length} characters");
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    [Fact]
    public void MissingSandboxRefusesUnlessUnsandboxedCompilesAreAllowed()
    {
        if (!File.Exists(Clang)) return;
        var (db, cache) = Open(o => o.CompilerLimits.BubblewrapPath = "/nonexistent/bwrap");
        try
        {
            using var c = db.Connect();
            const string sql = "CREATE FUNCTION inc(int) RETURNS int LANGUAGE c AS $$ int inc(int a) { return a + 1; } $$";
            var e = Assert.Throws<WasqlException>(() => c.Execute(sql));
            Assert.Equal(SqlStates.FeatureNotSupported, e.SqlState);
            Assert.Contains("/nonexistent/bwrap not found", e.Message);
            Assert.Contains("AllowUnsandboxedCompilers", e.Hint);
            db.Options.AllowUnsandboxedCompilers = true;
            c.Execute(sql);
            Assert.Equal(8L, c.Execute("SELECT inc(7)").Rows[0][0]);
        }
        finally { db.Dispose(); Directory.Delete(cache, true); }
    }

    /// <summary>How many processes on the host have <paramref name="marker"/> in their command line.</summary>
    private static int ProcessesWith(string marker)
    {
        int n = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try { if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker)) n++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return n;
    }
}
