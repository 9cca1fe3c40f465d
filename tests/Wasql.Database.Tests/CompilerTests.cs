// LANGUAGE rust and LANGUAGE c: compile inline sources with Debian's toolchains (skipped when absent), cache, errors.
namespace Wasql.Database.Tests;

public sealed class CompilerTests
{
    private static WasqlOptions Options(string cache) => new() { CompileCacheDirectory = cache };

    [Fact]
    public void RustFunctionCompilesRunsAndIsCached()
    {
        if (!File.Exists("/usr/bin/rustc")) return;
        var cache = Directory.CreateTempSubdirectory("wasql-cc-").FullName;
        try
        {
            using var db = WasqlDatabase.Open(":memory:", Options(cache));
            using var c = db.Connect();
            c.Execute("""
                CREATE FUNCTION rgcd(bigint, bigint) RETURNS bigint LANGUAGE rust AS $$
                fn rgcd(mut a: i64, mut b: i64) -> i64 { while b != 0 { let t = a % b; a = b; b = t; } a.abs() }
                $$
                """);
            Assert.Equal(6L, c.Execute("SELECT rgcd(12, 18)").Rows[0][0]);
            c.Execute("CREATE FUNCTION shout(text) RETURNS text LANGUAGE rust AS $$ fn shout(s: &str) -> String { s.to_uppercase() + \"!\" } $$");
            Assert.Equal("HI!", c.Execute("SELECT shout('hi')").Rows[0][0]);
            Assert.Equal(2, Directory.GetFiles(cache, "*.wasm").Length);
            var f = c.ListFunctions().First(x => x.Name == "rgcd");
            Assert.Equal(("rust", "direct"), (f.Language, f.Abi));
            Assert.Contains("while b != 0", f.Source);
            var e = Assert.Throws<WasqlException>(() => c.Execute("CREATE FUNCTION bad(int) RETURNS int LANGUAGE rust AS $$ fn bad(a: i32) -> i32 { a + } $$"));
            Assert.Equal("42P13", e.SqlState);
            Assert.Contains("rust compilation failed", e.Message);
        }
        finally { Directory.Delete(cache, true); }
    }

    [Fact]
    public void CFunctionCompilesAndRuns()
    {
        if (!File.Exists("/usr/bin/clang-14")) return;
        var cache = Directory.CreateTempSubdirectory("wasql-cc-").FullName;
        try
        {
            using var db = WasqlDatabase.Open(":memory:", Options(cache));
            using var c = db.Connect();
            c.Execute("CREATE FUNCTION cgcd(int, int) RETURNS int LANGUAGE c AS $$ int cgcd(int a, int b) { while (b) { int t = a % b; a = b; b = t; } return a; } $$");
            Assert.Equal(6L, c.Execute("SELECT cgcd(12, 18)").Rows[0][0]);
        }
        finally { Directory.Delete(cache, true); }
    }

    [Fact]
    public void MissingToolchainSaysWhatToInstall()
    {
        using var db = WasqlDatabase.Open(":memory:", new WasqlOptions { RustCompiler = "/nonexistent/rustc", CCompiler = "/nonexistent/clang" });
        using var c = db.Connect();
        var e = Assert.Throws<WasqlException>(() => c.Execute("CREATE FUNCTION f(int) RETURNS int LANGUAGE rust AS $$ fn f(a: i32) -> i32 { a } $$"));
        Assert.Contains("apt-get install", e.Hint);
        e = Assert.Throws<WasqlException>(() => c.Execute("CREATE FUNCTION f(int) RETURNS int LANGUAGE c AS $$ int f(int a) { return a; } $$"));
        Assert.Contains("clang-14", e.Hint);
    }
}
