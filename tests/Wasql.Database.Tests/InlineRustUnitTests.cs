// The pure parts behind inline Rust: reading the user's signature, finding structs, summarizing rustc's errors, the
// stored NULL options, the DDL forms (IF NOT EXISTS, STRUCT arguments) and the catalog's type lists. No rustc needed.
using Wasql.Database.Compilers;
using Wasql.Database.Functions;
using Wasql.Database.Sql;

namespace Wasql.Database.Tests;

public sealed class InlineRustUnitTests
{
    [Fact]
    public void SignatureIsReadFromTheBody()
    {
        var s = RustSignature.Find("fn helper() {}\nfn gcd(mut x: i32, mut y: i32) -> i32 { x }", "gcd")!;
        Assert.Equal(["i32", "i32"], s.Parameters);
        Assert.Equal("i32", s.Return);
        Assert.False(s.TakesNull || s.ReturnsNull || s.IsIterator);

        s = RustSignature.Find("fn f<'a>(m: std::collections::HashMap<String, i32>, s: Option<&'a str>) -> Result<Option<Vec<(i32, i64)>>, String> where 'a: 'a { }", "f")!;
        Assert.Equal(["std::collections::HashMap<String, i32>", "Option<&'a str>"], s.Parameters);
        Assert.Equal("Result<Option<Vec<(i32, i64)>>, String>", s.Return);
        Assert.True(s.TakesNull);
        Assert.True(s.ReturnsNull);

        s = RustSignature.Find("fn range(n: i32) -> impl Iterator<Item = (i32, Option<&'static str>)> { (0..n).map(|i| (i, None)) }", "range")!;
        Assert.True(s.IsIterator);
        Assert.Equal("impl Iterator<Item = (i32, Option<&'static str>)>", s.Return);
        Assert.Null(RustSignature.Find("fn other() {}", "gcd"));
        Assert.Null(RustSignature.Find("fn gcd(a: i32", "gcd"));
        Assert.Equal("()", RustSignature.Find("fn unit() { }", "unit")!.Return);
    }

    [Fact]
    public void StructsUsedBySignatureAreFoundWithTheirFieldsAndLifetimes()
    {
        const string body = """
            struct Unused { a: std::collections::HashMap<String, i32> }
            #[derive(Debug)]
            pub struct Line { pub a: Point, b: Point, name: Option<String> }
            struct Point { x: i32, y: i32 }
            struct KeyValue<'a> { key: &'a str, value: &'a str }
            fn f(l: &Line) -> Option<KeyValue<'_>> { None }
            """;
        var sig = RustSignature.Find(body, "f")!;
        var used = RustStructs.Referenced(body, sig).ToDictionary(d => d.Name);
        Assert.Equal(["KeyValue", "Line", "Point"], used.Keys.Order());
        Assert.Equal(["a", "b", "name"], used["Line"].Fields.Select(f => f.Name));
        Assert.Equal(["'a"], used["KeyValue"].Lifetimes);
        Assert.Equal("crate::wasql_json_struct!(out KeyValue ['a] { key, value });", RustStructs.Implement(used["KeyValue"]));
        Assert.Equal("crate::wasql_json_struct!(owned Point { x, y });", RustStructs.Implement(used["Point"]));
    }

    [Fact]
    public void RustcErrorsBecomeBodyLinesWithHelp()
    {
        const string output = """
            error[E0425]: cannot find function `abs_value` in this scope
             --> udf.rs:2:31
              |
            2 | fn unknownfn(a: i32) -> i32 { abs_value(a) }
              |                               ^^^^^^^^^ help: a function with a similar name exists: `abs_val`

            error[E0308]: mismatched types
             --> udf.rs:40:5

            error: aborting due to 2 previous errors
            """;
        var d = RustDiagnostics.FirstError(output, bodyLines: 4)!;
        Assert.Equal("error[E0425]: cannot find function `abs_value` in this scope at line 2, column 31 of the function body", d.Message);
        Assert.Equal("a function with a similar name exists: `abs_val`", d.Help);
        d = RustDiagnostics.FirstError(output, bodyLines: 1)!;
        Assert.Contains("the Rust signature does not fit", d.Message);
        d = RustDiagnostics.FirstError("error[E0308]: mismatched types\n --> udf.rs:3:18\n  |\n3 |     let s: i32 = \"x\";\n  |            ---   ^^^ expected `i32`, found `&str`\n  |            |\n  = help: try this\n", 5)!;
        Assert.Equal("error[E0308]: mismatched types at line 3, column 18 of the function body (expected `i32`, found `&str`)", d.Message);
        Assert.Equal("try this", d.Help);
        Assert.Null(RustDiagnostics.FirstError("warning: unused\nerror: aborting due to previous error", 3));
    }

    [Fact]
    public void NullOptionsRoundTripAndBadValuesAreNamed()
    {
        var options = new Dictionary<string, string> { ["export"] = "f", ["null_input"] = "call" };
        DirectOptions.Write(options, new WrapperShape(false, true));
        Assert.Equal(new WrapperShape(false, true), DirectOptions.Read(System.Text.Json.JsonSerializer.Serialize(options)));
        Assert.Equal(new WrapperShape(true, false), DirectOptions.Read("""{"null_input": "CALL", "null_result": "none"}"""));
        Assert.Equal(new WrapperShape(false, false), DirectOptions.Read(null));
        Assert.Contains("null_result must be 'flag' or 'none'", Assert.Throws<WasqlException>(() => DirectOptions.Read("""{"null_result": "maybe"}""")).Message);
        Assert.Equal("XX001", Assert.Throws<WasqlException>(() => DirectOptions.Read("[1]")).SqlState);
    }

    [Fact]
    public void CreateFunctionFormsParse()
    {
        var c = (CreateFunctionCommand)FunctionDdlParser.TryParse("CREATE FUNCTION IF NOT EXISTS f(int) RETURNS int LANGUAGE rust AS $$ fn f(a: i32) -> i32 { a } $$")!;
        Assert.True(c.IfNotExists);
        Assert.False(c.OrReplace);
        var e = Assert.Throws<WasqlException>(() => FunctionDdlParser.TryParse("CREATE OR REPLACE FUNCTION IF NOT EXISTS f(int) RETURNS int LANGUAGE rust AS $$ $$"));
        Assert.Equal("42601", e.SqlState);
        c = (CreateFunctionCommand)FunctionDdlParser.TryParse("CREATE FUNCTION g(STRUCT<a STRUCT<x int, y int>, b varchar>, p int[]) RETURNS STRUCT<k varchar, v varchar> LANGUAGE rust AS $$ $$")!;
        Assert.Equal(2, c.ArgumentTypes.Count);
        Assert.StartsWith("struct", c.ArgumentTypes[0]);
        Assert.Equal("int4[]", c.ArgumentTypes[1]);
        Assert.Equal(c.ArgumentTypes, TypeNames.SplitList(string.Join(",", c.ArgumentTypes)));
        Assert.Equal(c.ArgumentTypes[0], TypeNames.Normalize(c.ArgumentTypes[0], 0));   // stable when read back
        Assert.Equal(Wasql.Udf.SqlType.Text, TypeNames.DirectCarrier(c.ReturnType));
        Assert.Equal(Wasql.Udf.SqlType.Text, TypeNames.DirectCarrier("timestamptz"));
        Assert.Null(TypeNames.DirectCarrier("void"));
    }
}
