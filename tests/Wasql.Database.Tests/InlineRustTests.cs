// Inline LANGUAGE rust as RisingWave users write it (issue #20): Option and Result, panics, strings, bytes, every
// scalar type, text forms, table functions (FROM, lateral, endless), IF NOT EXISTS and compile errors at body lines.
// Several functions share one database so the slow compiles are paid once per test; skipped without /usr/bin/rustc.
namespace Wasql.Database.Tests;

public sealed class InlineRustTests
{
    private static bool HasRust => File.Exists("/usr/bin/rustc");

    private static (WasqlDatabase Db, WasqlConnection C) Open()
    {
        var db = WasqlDatabase.Open(":memory:", new WasqlOptions { CompileCacheDirectory = Path.Combine(Path.GetTempPath(), "wasql-inline-rust-tests") });
        return (db, db.Connect());
    }

    private static object? One(WasqlConnection c, string sql) => c.Execute(sql).Rows[0][0];

    [Fact]
    public void OptionResultPanicAndIfNotExists()
    {
        if (!HasRust) return;
        var (db, c) = Open();
        using var _ = db;
        using var __ = c;
        c.ExecuteBatch("""
            CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE rust AS $$
            fn gcd(mut x: i32, mut y: i32) -> i32 { while y != 0 { (x, y) = (y, x % y); } return x; }
            $$;
            CREATE FUNCTION half(int) RETURNS int LANGUAGE rust AS $$
            fn half(a: i32) -> Option<i32> { if a % 2 == 0 { Some(a / 2) } else { None } }
            $$;
            CREATE FUNCTION chk(int) RETURNS int LANGUAGE rust AS $$
            fn chk(a: i32) -> Result<i32, String> { if a < 0 { Err(format!("negative input: {}", a)) } else { Ok(a * 10) } }
            $$;
            CREATE FUNCTION textlen(varchar) RETURNS int LANGUAGE rust AS $$
            fn textlen(s: Option<&str>) -> i32 { s.map_or(-1, |s| s.chars().count() as i32) }
            $$;
            CREATE FUNCTION pick(bigint, bigint) RETURNS bigint LANGUAGE rust AS $$
            fn pick(a: Option<i64>, b: i64) -> Option<i64> { Some(a.unwrap_or(0) + b) }
            $$;
            CREATE FUNCTION boom(int) RETURNS int LANGUAGE rust AS $$
            fn boom(a: i32) -> i32 {
                if a > 1 { panic!("too big: {}", a); }
                a
            }
            $$;
            CREATE FUNCTION describe(int) RETURNS varchar LANGUAGE rust AS $$
            fn describe(a: i32) -> Result<Option<String>, std::num::ParseIntError> {
                if a == 0 { return Ok(None); }
                let n: i32 = if a < 0 { "x".parse()? } else { a };
                Ok(Some(format!("n={}", n)))
            }
            $$;
            """);
        Assert.Equal(5L, One(c, "SELECT gcd(25, 15)"));
        Assert.Equal(2L, One(c, "SELECT half(4)"));
        Assert.Null(One(c, "SELECT half(3)"));
        Assert.Null(One(c, "SELECT half(NULL)"));
        Assert.Equal(new object?[] { 0L, 1L, 2L }, c.Execute("SELECT half(x) FROM (SELECT 0 AS x UNION ALL SELECT 2 UNION ALL SELECT 4) ORDER BY x").Rows.Select(r => r[0]).ToArray());
        Assert.Equal(50L, One(c, "SELECT chk(5)"));
        var e = Assert.Throws<WasqlException>(() => c.Execute("SELECT chk(-3)"));
        Assert.Equal("38000", e.SqlState);
        Assert.Contains("negative input: -3", e.Message);
        Assert.DoesNotContain("unreachable", e.Message);
        Assert.Equal(70L, One(c, "SELECT chk(7)"));   // the connection stays usable
        Assert.Equal(-1L, One(c, "SELECT textlen(NULL)"));
        Assert.Equal(0L, One(c, "SELECT textlen('')"));
        Assert.Equal(3L, One(c, "SELECT textlen('héé')"));
        Assert.Equal(7L, One(c, "SELECT pick(NULL, 7)"));
        Assert.Equal(9L, One(c, "SELECT pick(2, 7)"));
        Assert.Null(One(c, "SELECT pick(2, NULL)"));   // strict in its non-Option argument
        Assert.Equal(1L, One(c, "SELECT boom(1)"));
        e = Assert.Throws<WasqlException>(() => c.Execute("SELECT boom(5)"));
        Assert.Equal("38000", e.SqlState);
        Assert.Contains("too big: 5", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Equal(1L, One(c, "SELECT boom(1)"));
        Assert.Equal("n=4", One(c, "SELECT describe(4)"));
        Assert.Null(One(c, "SELECT describe(0)"));
        e = Assert.Throws<WasqlException>(() => c.Execute("SELECT describe(-1)"));
        Assert.Contains("invalid digit found in string", e.Message);

        // IF NOT EXISTS keeps the existing function and compiles nothing (this body would not compile).
        c.Execute("CREATE FUNCTION IF NOT EXISTS gcd(int, int) RETURNS int LANGUAGE rust AS $$ fn gcd( $$");
        Assert.Equal(5L, One(c, "SELECT gcd(25, 15)"));
        c.Execute("CREATE FUNCTION IF NOT EXISTS triple(int) RETURNS int LANGUAGE rust AS $$ fn triple(a: i32) -> i32 { a * 3 } $$");
        Assert.Equal(9L, One(c, "SELECT triple(3)"));
        e = Assert.Throws<WasqlException>(() => c.Execute("CREATE FUNCTION triple(int) RETURNS int LANGUAGE rust AS $$ fn triple(a: i32) -> i32 { a } $$"));
        Assert.Equal("42723", e.SqlState);
    }

    [Fact]
    public void CompileErrorsNameTheBodyLineAndRustcsHelp()
    {
        if (!HasRust) return;
        var (db, c) = Open();
        using var _ = db;
        using var __ = c;
        var e = Assert.Throws<WasqlException>(() => c.Execute("""
            CREATE FUNCTION bad(int) RETURNS int LANGUAGE rust AS $$
            fn bad(a: i32) -> i32 {
                let s: i32 = "text";
                s + a
            }
            $$
            """));
        Assert.Equal("42P13", e.SqlState);
        Assert.Contains("mismatched types", e.Message);
        Assert.Contains("line 3, column", e.Message);
        Assert.Contains("expected `i32`", e.Message);
        Assert.Contains("udf.rs:3:", e.Detail);
        Assert.DoesNotContain("/tmp", e.Detail);

        e = Assert.Throws<WasqlException>(() => c.Execute("""
            CREATE FUNCTION unknownfn(int) RETURNS int LANGUAGE rust AS $$
            fn unknownfn(a: i32) -> i32 { abs_value(a) }
            fn abs_val(a: i32) -> i32 { a.abs() }
            $$
            """));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("abs_val", e.Hint);      // rustc's help: a function with a similar name exists

        // A Rust signature that does not fit the SQL declaration is reported as such, not as wrapper code.
        e = Assert.Throws<WasqlException>(() => c.Execute("CREATE FUNCTION wrongret(int) RETURNS int LANGUAGE rust AS $$ fn wrongret(a: i32) -> String { a.to_string() } $$"));
        Assert.Contains("the Rust signature does not fit", e.Message);
        e = Assert.Throws<WasqlException>(() => c.Execute("CREATE FUNCTION arity(int) RETURNS int LANGUAGE rust AS $$ fn arity(a: i32, b: i32) -> i32 { a + b } $$"));
        Assert.Contains("takes 2 parameter(s), but the SQL function declares 1", e.Message);
        e = Assert.Throws<WasqlException>(() => c.Execute("CREATE FUNCTION nofn(int) RETURNS int LANGUAGE rust AS $$ fn other(a: i32) -> i32 { a } $$"));
        Assert.Contains("defines no fn nofn", e.Message);
    }

    [Fact]
    public void StringsBytesScalarsAndTextForms()
    {
        if (!HasRust) return;
        var (db, c) = Open();
        using var _ = db;
        using var __ = c;
        c.ExecuteBatch("""
            CREATE FUNCTION shout(varchar) RETURNS varchar LANGUAGE rust AS $$ fn shout(s: &str) -> String { s.to_uppercase() } $$;
            CREATE FUNCTION firstword(text) RETURNS text LANGUAGE rust AS $$ fn firstword(s: &str) -> &str { s.split(' ').next().unwrap_or("") } $$;
            CREATE FUNCTION boxed(text) RETURNS text LANGUAGE rust AS $$ fn boxed(s: &str) -> Box<str> { s.chars().rev().collect::<String>().into_boxed_str() } $$;
            CREATE FUNCTION maybetext(text) RETURNS text LANGUAGE rust AS $$ fn maybetext(s: Option<&str>) -> Option<String> { s.filter(|s| !s.is_empty()).map(|s| format!("<{}>", s)) } $$;
            CREATE FUNCTION revbytes(bytea) RETURNS bytea LANGUAGE rust AS $$ fn revbytes(b: &[u8]) -> Vec<u8> { b.iter().rev().copied().collect() } $$;
            CREATE FUNCTION blen(bytea) RETURNS int LANGUAGE rust AS $$ fn blen(b: Option<&[u8]>) -> i32 { b.map_or(-1, |b| b.len() as i32) } $$;
            CREATE FUNCTION boxbytes(bytea) RETURNS bytea LANGUAGE rust AS $$ fn boxbytes(b: &[u8]) -> Box<[u8]> { b.iter().map(|x| x ^ 0xff).collect::<Vec<u8>>().into_boxed_slice() } $$;
            CREATE FUNCTION scalars(smallint, int, bigint, real, double precision, boolean) RETURNS double precision LANGUAGE rust AS $$
            fn scalars(a: i16, b: i32, c: i64, d: f32, e: f64, f: bool) -> f64 { if f { a as f64 + b as f64 + c as f64 + d as f64 + e } else { -1.0 } }
            $$;
            CREATE FUNCTION neg2(smallint) RETURNS smallint LANGUAGE rust AS $$ fn neg2(a: i16) -> i16 { -a } $$;
            CREATE FUNCTION halff(real) RETURNS real LANGUAGE rust AS $$ fn halff(a: f32) -> Option<f32> { if a.is_nan() { None } else { Some(a / 2.0) } } $$;
            CREATE FUNCTION isodd(bigint) RETURNS boolean LANGUAGE rust AS $$ fn isodd(a: Option<i64>) -> Option<bool> { a.map(|a| a % 2 != 0) } $$;
            CREATE FUNCTION decplus(decimal) RETURNS decimal LANGUAGE rust AS $$
            fn decplus(d: &str) -> String { let (i, f) = d.split_once('.').unwrap_or((d, "0")); format!("{}.{}", i.parse::<i64>().unwrap() + 1, f) }
            $$;
            CREATE FUNCTION year(date) RETURNS int LANGUAGE rust AS $$ fn year(d: &str) -> Result<i32, String> { d.get(..4).ok_or("short date")?.parse().map_err(|e| format!("{}", e)) } $$;
            CREATE FUNCTION hour(time) RETURNS int LANGUAGE rust AS $$ fn hour(t: &str) -> i32 { t[..2].parse().unwrap() } $$;
            CREATE FUNCTION tsdate(timestamp) RETURNS date LANGUAGE rust AS $$ fn tsdate(t: &str) -> &str { &t[..10] } $$;
            CREATE FUNCTION ivl(interval) RETURNS interval LANGUAGE rust AS $$ fn ivl(i: &str) -> String { format!("{} {}", i, i) } $$;
            CREATE FUNCTION jkey(json) RETURNS json LANGUAGE rust AS $$ fn jkey(j: &str) -> String { format!("{{\"wrapped\":{}}}", j) } $$;
            """);
        Assert.Equal("HÉLLO", One(c, "SELECT shout('héllo')"));
        Assert.Equal("", One(c, "SELECT shout('')"));
        Assert.Null(One(c, "SELECT shout(NULL)"));
        var longText = new string('a', 200_000) + "ß";
        Assert.Equal(longText.ToUpperInvariant().Replace("ß", "SS"), One(c, $"SELECT shout('{longText}')"));
        Assert.Equal("hello", One(c, "SELECT firstword('hello big world')"));
        Assert.Equal("cba", One(c, "SELECT boxed('abc')"));
        Assert.Null(One(c, "SELECT maybetext('')"));
        Assert.Null(One(c, "SELECT maybetext(NULL)"));
        Assert.Equal("<x>", One(c, "SELECT maybetext('x')"));
        Assert.Equal(new byte[] { 3, 2, 1 }, One(c, "SELECT revbytes(x'010203')"));
        Assert.Equal(0L, One(c, "SELECT blen(x'')"));          // an empty blob in is empty, not NULL
        Assert.Equal(-1L, One(c, "SELECT blen(NULL)"));
        Assert.Null(One(c, "SELECT revbytes(NULL)"));
        Assert.Equal(new byte[] { 0xfe, 0x00 }, One(c, "SELECT boxbytes(x'01ff')"));
        var big = c.Execute("SELECT length(revbytes(randomblob(300000)))").Rows[0][0];
        Assert.Equal(300000L, big);
        Assert.Equal(1.0 + 2 + 3 + 0.5 + 0.25, One(c, "SELECT scalars(1, 2, 3, 0.5, 0.25, true)"));
        Assert.Equal(-1.0, One(c, "SELECT scalars(1, 2, 3, 0.5, 0.25, false)"));
        Assert.Null(One(c, "SELECT scalars(1, 2, NULL, 0.5, 0.25, true)"));
        Assert.Equal(-7L, One(c, "SELECT neg2(7)"));
        Assert.Equal(1.25, One(c, "SELECT halff(2.5)"));
        Assert.Equal(1L, One(c, "SELECT isodd(3)"));
        Assert.Equal(0L, One(c, "SELECT isodd(4)"));
        Assert.Null(One(c, "SELECT isodd(NULL)"));
        Assert.Equal("13.25", One(c, "SELECT decplus('12.25')"));
        Assert.Equal(2024L, One(c, "SELECT year('2024-02-29')"));
        var e = Assert.Throws<WasqlException>(() => c.Execute("SELECT year('20')"));
        Assert.Contains("short date", e.Message);
        Assert.Equal(13L, One(c, "SELECT hour('13:45:00')"));
        Assert.Equal("2024-03-01", One(c, "SELECT tsdate('2024-03-01 10:11:12')"));
        Assert.Equal("1 day 1 day", One(c, "SELECT ivl('1 day')"));
        Assert.Equal("{\"wrapped\":{\"a\":1}}", One(c, "SELECT jkey('{\"a\":1}')"));
        Assert.Equal(1L, One(c, "SELECT json_extract(jkey('{\"a\":1}'), '$.wrapped.a')"));
    }

    [Fact]
    public void TableFunctionsStreamFromIterators()
    {
        if (!HasRust) return;
        var (db, c) = Open();
        using var _ = db;
        using var __ = c;
        c.ExecuteBatch("""
            CREATE FUNCTION series(int) RETURNS TABLE (x int) LANGUAGE rust AS $$
            fn series(n: i32) -> impl Iterator<Item = i32> { (0..n).into_iter() }
            $$;
            CREATE FUNCTION words(text) RETURNS SETOF text LANGUAGE rust AS $$
            fn words(s: &str) -> impl Iterator<Item = &str> { s.split(',').filter(|w| !w.is_empty()) }
            $$;
            CREATE FUNCTION pairs(text) RETURNS TABLE (k varchar, v int) LANGUAGE rust AS $$
            fn pairs(s: &str) -> impl Iterator<Item = (&str, Option<i32>)> {
                s.split(';').map(|p| { let (k, v) = p.split_once('=').unwrap_or((p, "")); (k, v.parse().ok()) })
            }
            $$;
            CREATE FUNCTION forever() RETURNS TABLE (i bigint) LANGUAGE rust AS $$ fn forever() -> impl Iterator<Item = i64> { 0.. } $$;
            CREATE FUNCTION failing(int) RETURNS TABLE (i int) LANGUAGE rust AS $$
            fn failing(n: i32) -> impl Iterator<Item = Result<i32, String>> {
                (0..n).map(|i| if i == 2 { Err(format!("row {} is bad", i)) } else { Ok(i) })
            }
            $$;
            CREATE FUNCTION panicky(int) RETURNS TABLE (i int) LANGUAGE rust AS $$
            fn panicky(n: i32) -> impl Iterator<Item = i32> { (0..n).map(|i| if i == 1 { panic!("panic at row {}", i) } else { i }) }
            $$;
            CREATE TABLE t(id int, n int, s text);
            INSERT INTO t VALUES (1, 2, 'a,b'), (2, 3, 'c'), (3, 0, ''), (4, NULL, NULL);
            """);
        Assert.Equal(new object?[] { 0L, 1L, 2L, 3L, 4L }, c.Execute("SELECT x FROM series(5)").Rows.Select(r => r[0]).ToArray());
        Assert.Empty(c.Execute("SELECT * FROM series(0)").Rows);
        Assert.Empty(c.Execute("SELECT * FROM series(NULL)").Rows);
        // Lateral: once per row of t, with each row's argument.
        var lateral = c.Execute("SELECT t.id, s.x FROM t, series(t.n) AS s ORDER BY t.id, s.x").Rows.Select(r => $"{r[0]}:{r[1]}");
        Assert.Equal(["1:0", "1:1", "2:0", "2:1", "2:2"], lateral);
        var words = c.Execute("SELECT t.id, w.words FROM t, words(t.s) AS w ORDER BY t.id, w.words").Rows.Select(r => $"{r[0]}:{r[1]}");
        Assert.Equal(["1:a", "1:b", "2:c"], words);
        var pairs = c.Execute("SELECT k, v FROM pairs('a=1;b=x;c=3')").Rows;
        Assert.Equal(3, pairs.Count);
        Assert.Equal(("a", 1L), ((string)pairs[0][0]!, (long)pairs[0][1]!));
        Assert.Equal("b", pairs[1][0]);
        Assert.Null(pairs[1][1]);
        // An endless iterator streams: LIMIT stops it, and so does a cancel.
        Assert.Equal(new object?[] { 0L, 1L, 2L }, c.Execute("SELECT i FROM forever() LIMIT 3").Rows.Select(r => r[0]).ToArray());
        Assert.Equal(1000L, One(c, "SELECT max(i) FROM (SELECT i FROM forever() LIMIT 1001)"));
        var cancel = Task.Run(async () => { await Task.Delay(300); c.Cancel(); });
        var e = Assert.Throws<WasqlException>(() => c.Execute("SELECT count(*) FROM forever()"));
        cancel.Wait();
        Assert.Equal("57014", e.SqlState);
        e = Assert.Throws<WasqlException>(() => c.Execute("SELECT * FROM failing(5)"));
        Assert.Equal("38000", e.SqlState);
        Assert.Contains("row 2 is bad", e.Message);
        e = Assert.Throws<WasqlException>(() => c.Execute("SELECT * FROM panicky(5)"));
        Assert.Contains("panic at row 1", e.Message);
        Assert.Equal(3L, One(c, "SELECT count(*) FROM series(3)"));   // still usable
    }

    [Fact]
    public void ArraysAndNestedStructsAsJson()
    {
        if (!HasRust) return;
        var (db, c) = Open();
        using var _ = db;
        using var __ = c;
        c.ExecuteBatch("""
            CREATE FUNCTION arrsum(int[]) RETURNS int LANGUAGE rust AS $$ fn arrsum(a: &[i32]) -> i32 { a.iter().sum() } $$;
            CREATE FUNCTION nullsum(bigint[]) RETURNS bigint LANGUAGE rust AS $$ fn nullsum(a: Vec<Option<i64>>) -> i64 { a.iter().flatten().sum() } $$;
            CREATE FUNCTION upperall(text[]) RETURNS text[] LANGUAGE rust AS $$
            fn upperall(a: Option<Vec<String>>) -> Option<Vec<String>> { a.map(|a| a.iter().map(|s| s.to_uppercase()).collect()) }
            $$;
            CREATE FUNCTION kv(varchar) RETURNS STRUCT<key varchar, value varchar> LANGUAGE rust AS $$
            struct KeyValue<'a> { key: &'a str, value: &'a str }
            fn kv(s: &str) -> Option<KeyValue<'_>> { let (key, value) = s.split_once('=')?; Some(KeyValue { key, value }) }
            $$;
            CREATE FUNCTION linelen(STRUCT<a STRUCT<x int, y int>, b STRUCT<x int, y int>, name varchar>) RETURNS varchar LANGUAGE rust AS $$
            struct Point { x: i32, y: i32 }
            struct Line { a: Point, b: Point, name: Option<String> }
            fn linelen(l: &Line) -> String {
                let d = (l.b.x - l.a.x).abs() + (l.b.y - l.a.y).abs();
                format!("{}:{}", l.name.as_deref().unwrap_or("?"), d)
            }
            $$;
            CREATE FUNCTION diagonal(int) RETURNS STRUCT<x int, y int>[] LANGUAGE rust AS $$
            pub struct Point { pub x: i32, pub y: i32 }
            fn diagonal(n: i32) -> Vec<Point> { (0..n).map(|i| Point { x: i, y: i }).collect() }
            $$;
            """);
        Assert.Equal(6L, One(c, "SELECT arrsum('[1, 2, 3]')"));
        Assert.Equal(0L, One(c, "SELECT arrsum('[]')"));
        Assert.Null(One(c, "SELECT arrsum(NULL)"));
        Assert.Equal(4L, One(c, "SELECT nullsum('[1, null, 3]')"));
        Assert.Equal(9007199254740993L, One(c, "SELECT nullsum('[9007199254740993]')"));   // beyond a double: exact
        Assert.Equal("[\"A\",\"ÉB\\\"Q\"]", One(c, "SELECT upperall('[\"a\", \"éb\\\"q\"]')"));
        Assert.Null(One(c, "SELECT upperall(NULL)"));
        Assert.Equal("{\"key\":\"a\",\"value\":\"b=c\"}", One(c, "SELECT kv('a=b=c')"));
        Assert.Null(One(c, "SELECT kv('novalue')"));
        Assert.Equal("b", One(c, "SELECT json_extract(kv('a=b'), '$.value')"));
        Assert.Equal("diag:6", One(c, """SELECT linelen('{"a": {"x": 0, "y": 0}, "b": {"x": 3, "y": -3}, "name": "diag"}')"""));
        Assert.Equal("?:2", One(c, """SELECT linelen(json_object('a', json_object('x', 1, 'y', 1), 'b', json_object('x', 2, 'y', 2)))"""));
        Assert.Equal("[{\"x\":0,\"y\":0},{\"x\":1,\"y\":1}]", One(c, "SELECT diagonal(2)"));
        Assert.Equal(1L, One(c, "SELECT json_extract(diagonal(3), '$[1].y')"));
        var e = Assert.Throws<WasqlException>(() => c.Execute("SELECT arrsum('[1, \"x\"]')"));
        Assert.Equal("38000", e.SqlState);
        Assert.Contains("argument 1: expected a number for i32", e.Message);
        e = Assert.Throws<WasqlException>(() => c.Execute("""SELECT linelen('{"a": {"x": 0}, "b": {"x": 1, "y": 1}}')"""));
        Assert.Contains("field a: field y", e.Message);
        e = Assert.Throws<WasqlException>(() => c.Execute("SELECT arrsum('[1, 2')"));
        Assert.Contains("argument 1", e.Message);
    }
}
