// `wasql sql` with inline LANGUAGE rust (issue #20): the statements of the issue's table as a user types them in a
// script, and the state kept in the database file across runs. Skipped without /usr/bin/rustc.
namespace Wasql.Cli.Tests;

public sealed class SqlInlineRustTests
{
    [Fact]
    public void IssueTableStatementsRunInAScript()
    {
        if (!File.Exists("/usr/bin/rustc")) return;
        var dir = Directory.CreateTempSubdirectory("wasql-cli-rust-");
        try
        {
            var db = Path.Combine(dir.FullName, "app.db");
            var script = Path.Combine(dir.FullName, "f.sql");
            File.WriteAllText(script, """
                CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE rust AS $$
                fn gcd(mut x: i32, mut y: i32) -> i32 { while y != 0 { (x, y) = (y, x % y); } return x; }
                $$;
                CREATE FUNCTION range(int) RETURNS TABLE (x int) LANGUAGE rust AS $$
                fn range(n: i32) -> impl Iterator<Item = i32> { (0..n).into_iter() }
                $$;
                CREATE FUNCTION half(int) RETURNS int LANGUAGE rust AS $$
                fn half(a: i32) -> Option<i32> { if a % 2 == 0 { Some(a / 2) } else { None } }
                $$;
                CREATE FUNCTION chk(int) RETURNS int LANGUAGE rust AS $$
                fn chk(a: i32) -> Result<i32, String> { if a > 100 { Err(format!("{} is too large", a)) } else { Ok(a + 1) } }
                $$;
                CREATE FUNCTION arrsum(int[]) RETURNS int LANGUAGE rust AS $$ fn arrsum(a: &[i32]) -> i32 { a.iter().sum() } $$;
                CREATE FUNCTION kv(varchar) RETURNS STRUCT<key varchar, value varchar> LANGUAGE rust AS $$
                struct KeyValue<'a> { key: &'a str, value: &'a str }
                fn kv(s: &str) -> Option<KeyValue<'_>> { let (key, value) = s.split_once('=')?; Some(KeyValue { key, value }) }
                $$;
                CREATE FUNCTION IF NOT EXISTS gcd(int, int) RETURNS int LANGUAGE rust AS $$ not even rust $$;
                SELECT gcd(48, 18) AS g, half(9) IS NULL AS odd_is_null, half(8) AS h, chk(1) AS c;
                SELECT group_concat(x, ',') AS xs FROM range(4);
                SELECT arrsum('[1, 2, 39]') AS total, kv('color=blue') AS pair, kv('nokey') IS NULL AS none;
                """);
            var r = CliProcess.Wasql("sql", "--db", db, "-f", script);
            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            Assert.Matches(@"6 \|\s+1 \|\s+4 \|\s+2", r.Stdout);
            Assert.Contains("0,1,2,3", r.Stdout);
            Assert.Matches(@"42 \| \{""key"":""color"",""value"":""blue""\} \|\s+1", r.Stdout);

            // The functions are in the file: a later run uses them without compiling; an Err fails only its statement.
            r = CliProcess.Wasql("sql", "--db", db, "-c", "SELECT chk(500)");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("500 is too large", r.Stderr);
            Assert.Contains("38000", r.Stderr);
            r = CliProcess.Wasql("sql", "--db", db, "-c", "SELECT gcd(10, 4) AS again");
            Assert.Matches(@"again\s*\n-+\s*\n\s*2", r.Stdout);
        }
        finally { dir.Delete(true); }
    }
}
