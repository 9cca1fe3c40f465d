// Inline LANGUAGE rust over the wire as a RisingWave user would type it in psql (issue #20): Option, Result and panic
// messages, strings, bytes, text forms, a lateral table function, IF NOT EXISTS. Skipped without /usr/bin/rustc.
namespace Wasql.Server.Tests;

public sealed class InlineRustPsqlTests
{
    [Fact]
    public async Task RisingWaveStyleFunctionsThroughPsql()
    {
        if (!File.Exists("/usr/bin/rustc")) return;
        await using var s = TestServer.Start(database: new Wasql.Database.WasqlOptions { CompileCacheDirectory = Path.Combine(Path.GetTempPath(), "wasql-inline-rust-tests") });
        var (exit, output, err) = s.Psql("""
            \set VERBOSITY verbose
            \pset null '(null)'
            CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE rust AS $$
            fn gcd(mut x: i32, mut y: i32) -> i32 { while y != 0 { (x, y) = (y, x % y); } return x; }
            $$;
            CREATE FUNCTION IF NOT EXISTS gcd(int, int) RETURNS int LANGUAGE rust AS $$ fn gcd( $$;
            CREATE FUNCTION half(int) RETURNS int LANGUAGE rust AS $$
            fn half(a: i32) -> Option<i32> { if a % 2 == 0 { Some(a / 2) } else { None } }
            $$;
            CREATE FUNCTION chk(int) RETURNS int LANGUAGE rust AS $$
            fn chk(a: i32) -> Result<i32, String> { if a < 0 { Err(format!("negative input: {}", a)) } else { Ok(a) } }
            $$;
            CREATE FUNCTION boom(text) RETURNS text LANGUAGE rust AS $$
            fn boom(s: &str) -> String { if s.is_empty() { panic!("empty input is not allowed"); } s.repeat(2) }
            $$;
            CREATE FUNCTION rev(bytea) RETURNS bytea LANGUAGE rust AS $$ fn rev(b: &[u8]) -> Vec<u8> { b.iter().rev().copied().collect() } $$;
            CREATE FUNCTION nextday(date) RETURNS text LANGUAGE rust AS $$ fn nextday(d: &str) -> String { format!("after {}", d) } $$;
            CREATE FUNCTION series(int) RETURNS TABLE (x int) LANGUAGE rust AS $$
            fn series(n: i32) -> impl Iterator<Item = i32> { (0..n).into_iter() }
            $$;
            CREATE FUNCTION kv(text) RETURNS TABLE (k text, v int) LANGUAGE rust AS $$
            fn kv(s: &str) -> impl Iterator<Item = (&str, Option<i32>)> {
                s.split(';').map(|p| { let (k, v) = p.split_once('=').unwrap_or((p, "")); (k, v.parse().ok()) })
            }
            $$;
            CREATE FUNCTION arrsum(int[]) RETURNS int LANGUAGE rust AS $$ fn arrsum(a: &[i32]) -> i32 { a.iter().sum() } $$;
            CREATE FUNCTION kvs(varchar) RETURNS STRUCT<key varchar, value varchar> LANGUAGE rust AS $$
            struct KeyValue<'a> { key: &'a str, value: &'a str }
            fn kvs(s: &str) -> Option<KeyValue<'_>> { let (key, value) = s.split_once('=')?; Some(KeyValue { key, value }) }
            $$;
            SELECT arrsum('[10, 20, 12]') AS total, kvs('color=blue') AS pair, kvs('nokey') AS none;
            SELECT gcd(25, 15) AS g, half(10) AS h10, half(7) AS h7, half(NULL) AS hnull;
            SELECT chk(-5);
            SELECT chk(4) AS still_usable;
            SELECT boom('');
            SELECT boom('ab') AS doubled, length(boom(printf('%.*c', 50000, 'x'))) AS long_len, boom(NULL) AS bnull;
            SELECT rev(x'010203') AS reversed, nextday('2024-01-31') AS nd;
            CREATE TABLE t(id int, n int);
            INSERT INTO t VALUES (1, 2), (2, 3), (3, NULL);
            SELECT t.id, s.x FROM t, series(t.n) AS s ORDER BY t.id, s.x;
            SELECT * FROM kv('a=1;b=x');
            """, stopOnError: false);
        Assert.True(exit == 0, err + output);
        Assert.Matches(@"5 \|\s+5 \| \(null\) \| \(null\)", output);
        Assert.Equal(11, System.Text.RegularExpressions.Regex.Count(output, "CREATE FUNCTION"));   // IF NOT EXISTS kept gcd
        Assert.Matches(@"42 \| \{""key"":""color"",""value"":""blue""\} \| \(null\)", output);
        Assert.Contains("ERROR:  38000: function chk failed: negative input: -5", err);
        Assert.Matches(@"still_usable\s*\n-+\s*\n\s*4", output);
        Assert.Contains("empty input is not allowed", err);
        Assert.Contains("line 2 column", err);
        Assert.Matches(@"abab\s+\|\s+100000 \| \(null\)", output);
        Assert.Contains(@"\x030201", output);
        Assert.Contains("after 2024-01-31", output);
        Assert.Matches(@"1 \|\s+0\s*\n\s*1 \|\s+1\s*\n\s*2 \|\s+0\s*\n\s*2 \|\s+1\s*\n\s*2 \|\s+2\s*\n\(5 rows\)", output);
        Assert.Matches(@"a \|\s+1\s*\n\s*b \| \(null\)", output);
        Assert.DoesNotContain("unreachable", err);
    }
}
