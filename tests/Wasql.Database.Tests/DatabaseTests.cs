// End-to-end tests of the database layer: plain SQL pass-through, CREATE/DROP/SHOW FUNCTION with wasm modules
// (arrow-udf fixture and direct ABI), persistence across reopen, overloads, NULLs, errors, cancel, prepared statements.
namespace Wasql.Database.Tests;

public sealed class DatabaseTests : IDisposable
{
    private readonly WasqlDatabase _db = WasqlDatabase.Open(":memory:");
    private readonly WasqlConnection _c;

    public DatabaseTests() => _c = _db.Connect();

    public void Dispose()
    {
        _c.Dispose();
        _db.Dispose();
    }

    private object? Scalar(string sql, params object?[] ps) => _c.Execute(sql, ps).Rows.Single()[0];

    private void CreateFixtureGcd(string name = "gcd") =>
        _c.Execute($"CREATE FUNCTION {name}(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");

    private void CreateDirect(string sql) => _c.Execute(sql.Replace("$MOD", Fixtures.DirectBase64));

    [Fact]
    public void PlainSqlPassesThroughWithTagsAndTypes()
    {
        var r = _c.ExecuteBatch("CREATE TABLE t(a INTEGER, b TEXT, c timestamp); INSERT INTO t VALUES (1,'x','2024-01-01'),(2,'y',NULL); UPDATE t SET b='z' WHERE a=2; SELECT * FROM t ORDER BY a; DELETE FROM t WHERE a > 5");
        Assert.Equal(["CREATE TABLE", "INSERT 0 2", "UPDATE 1", "SELECT 2", "DELETE 0"], r.Select(x => x.CommandTag));
        var sel = r[3];
        Assert.Equal(["a", "b", "c"], sel.Columns.Select(c => c.Name));
        Assert.Equal(["INTEGER", "TEXT", "timestamp"], sel.Columns.Select(c => c.DeclaredType));
        Assert.Equal(new object?[] { 2L, "z", null }, sel.Rows[1]);
        Assert.Equal(2, r[1].RecordsAffected);
    }

    [Fact]
    public void MultipleStatementsInExecuteNameExecuteBatch()
    {
        var e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT 1; SELECT 2"));
        Assert.Equal("42601", e.SqlState);
        Assert.Contains("ExecuteBatch", e.Hint);
    }

    [Fact]
    public void FunctionInfoPrintsItsSignature()
    {
        CreateFixtureGcd();
        var info = _db.ListFunctions().Single(f => f.Name == "gcd");
        Assert.Equal("gcd(int4, int4) RETURNS int4 LANGUAGE wasm (arrow-udf)", info.ToString());
    }

    [Fact]
    public void ParametersBindDollarAndQuestion()
    {
        Assert.Equal(7L, Scalar("SELECT $1 + $2", 3, 4L));
        Assert.Equal("ab", Scalar("SELECT ? || ?", "a", "b"));
        Assert.Equal(2.5, Scalar("SELECT $2 * $1", 0.5, 5));
        Assert.Null(Scalar("SELECT $1", (object?)null));
        using var st = _c.Prepare("SELECT $1 AS x, $2 AS y");
        Assert.Equal(2, st.ParameterCount);
        Assert.Equal(["x", "y"], st.Columns.Select(c => c.Name));
        Assert.Equal(new object?[] { 1L, "q" }, st.Execute([1, "q"]).Rows[0]);
        Assert.Equal(new object?[] { 2L, null }, st.Execute([2, null]).Rows[0]);
    }

    [Fact]
    public void TransactionsAndStateFlags()
    {
        _c.Execute("CREATE TABLE t(a)");
        Assert.Equal("BEGIN", _c.Execute("BEGIN").CommandTag);
        Assert.True(_c.InTransaction);
        _c.Execute("INSERT INTO t VALUES (1)");
        Assert.Equal("ROLLBACK", _c.Execute("ROLLBACK").CommandTag);
        Assert.False(_c.InTransaction);
        Assert.Equal(0L, Scalar("SELECT count(*) FROM t"));
        _c.Execute("START TRANSACTION");
        _c.Execute("INSERT INTO t VALUES (1)");
        Assert.Equal("COMMIT", _c.Execute("COMMIT").CommandTag);
        Assert.Equal(1L, Scalar("SELECT count(*) FROM t"));
    }

    [Fact]
    public void SqliteErrorsMapToSqlStatesWithPositions()
    {
        var e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT * FROM nope"));
        Assert.Equal("42P01", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("SELEC 1"));
        Assert.Equal("42601", e.SqlState);
        Assert.Equal(1, e.Position);
        e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT nofunc(1)"));
        Assert.Equal("42883", e.SqlState);
        _c.Execute("CREATE TABLE u(a PRIMARY KEY)");
        _c.Execute("INSERT INTO u VALUES (1)");
        e = Assert.Throws<WasqlException>(() => _c.Execute("INSERT INTO u VALUES (1)"));
        Assert.Equal("23505", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.ExecuteBatch("SELECT 1; SELECT * FROM t WHERE nocol = 1"));
        Assert.Equal("42P01", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT 1; SELECT 2"));
        Assert.Equal("42601", e.SqlState);
    }

    [Fact]
    public void ArrowUdfFixtureFromBase64()
    {
        CreateFixtureGcd();
        Assert.Equal(6L, Scalar("SELECT gcd(12, 18)"));
        _c.ExecuteBatch("CREATE TABLE t(a INTEGER, b INTEGER); INSERT INTO t VALUES (15,25),(5,0),(NULL,1),(12,18)");
        var rows = _c.Execute("SELECT gcd(a, b) FROM t ORDER BY rowid").Rows.Select(r => r[0]).ToArray();
        Assert.Equal(new object?[] { 5L, 5L, null, 6L }, rows);
        var f = Assert.Single(_c.ListFunctions());
        Assert.Equal(("gcd", "arrow-udf", "wasm", "scalar"), (f.Name, f.Abi, f.Language, f.Kind));
        Assert.Equal(["int4", "int4"], f.ArgumentTypes);
        Assert.Equal("b0a939e1b89c836bee8c9c119e9c9efdf8324dd0dd6a944c2036ff0d5a1337d5", f.ModuleSha256);
        Assert.Equal(1_071_502, f.ModuleSize);
    }

    [Fact]
    public void ArrowUdfBooleanResultAndFile()
    {
        _c.Execute($"CREATE FUNCTION is_prime(int4) RETURNS boolean LANGUAGE wasm WITH (export = 'wasm_is_prime') USING FILE '{Fixtures.GcdFixturePath}'");
        Assert.Equal(new object?[] { 0L, 1L, null }, _c.Execute("SELECT is_prime(15), is_prime(5), is_prime(NULL)").Rows[0]);
    }

    [Fact]
    public void DirectAbiFunctions()
    {
        CreateDirect("CREATE FUNCTION gcd(int8, int8) RETURNS int8 LANGUAGE wasm WITH (abi = 'direct') USING BASE64 '$MOD'");
        CreateDirect("CREATE FUNCTION half(float8) RETURNS float8 LANGUAGE wasm WITH (abi = 'direct') USING BASE64 '$MOD'");
        Assert.Equal(new object?[] { 6L, null, 1.5 }, _c.Execute("SELECT gcd(12, 18), gcd(NULL, 3), half(3)").Rows[0]);
        _c.ExecuteBatch("CREATE TABLE t(a, b); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1000) INSERT INTO t SELECT i*6, i*4 FROM n");
        Assert.Equal(2L * 1000 * 1001 / 2, Scalar("SELECT sum(gcd(a, b)) FROM t"));
        var f = _c.ListFunctions().First(x => x.Name == "gcd");
        Assert.Equal("direct", f.Abi);
    }

    [Fact]
    public void TrappingUdfFailsTheQueryAndConnectionStaysUsable()
    {
        CreateDirect("CREATE FUNCTION div(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct') USING BASE64 '$MOD'");
        Assert.Equal(3L, Scalar("SELECT div(7, 2)"));
        var e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT div(1, 0)"));
        Assert.Equal("38000", e.SqlState);
        Assert.Contains("div", e.Message);
        Assert.Equal(4L, Scalar("SELECT div(8, 2)"));

        CreateFixtureGcd("lcm_bad");   // reuse module; then the lcm export that traps on (0,0)
        _c.Execute($"CREATE FUNCTION lcm(int4, int4) RETURNS int4 LANGUAGE wasm WITH (export = 'wasm_lcm') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT lcm(0, 0)"));
        Assert.Equal("38000", e.SqlState);
        Assert.Contains("divide by zero", e.Message + e.Detail);
        Assert.Equal(36L, Scalar("SELECT lcm(12, 18)"));
    }

    [Fact]
    public void OverloadsByArityAndType()
    {
        CreateDirect("CREATE FUNCTION f(int8, int8) RETURNS int8 LANGUAGE wasm WITH (abi = 'direct', export = 'gcd') USING BASE64 '$MOD'");
        CreateDirect("CREATE FUNCTION f(float8) RETURNS float8 LANGUAGE wasm WITH (abi = 'direct', export = 'half') USING BASE64 '$MOD'");
        Assert.Equal(new object?[] { 4L, 2.0 }, _c.Execute("SELECT f(8, 12), f(4)").Rows[0]);
        // Same arity, different types: dispatched on the SQLite value's type.
        CreateDirect("CREATE FUNCTION p(float8) RETURNS float8 LANGUAGE wasm WITH (abi = 'direct', export = 'half') USING BASE64 '$MOD'");
        _c.Execute($"CREATE FUNCTION p(int4) RETURNS boolean LANGUAGE wasm WITH (export = 'wasm_is_prime') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        Assert.Equal(new object?[] { 1L, 1.25, null }, _c.Execute("SELECT p(5), p(2.5), p(NULL)").Rows[0]);
        Assert.Equal(3, _c.ListFunctions().Count(x => x.Name is "f" or "p") - 1);
        _c.Execute("DROP FUNCTION p(float8)");
        Assert.Equal(0L, Scalar("SELECT p(4)"));
    }

    [Fact]
    public void OrReplaceAndDuplicate()
    {
        CreateDirect("CREATE FUNCTION h(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING BASE64 '$MOD'");
        Assert.Equal(5L, Scalar("SELECT h(2, 3)"));
        var e = Assert.Throws<WasqlException>(() => CreateDirect("CREATE FUNCTION h(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'div') USING BASE64 '$MOD'"));
        Assert.Equal("42723", e.SqlState);
        Assert.Equal(5L, Scalar("SELECT h(2, 3)"));
        CreateDirect("CREATE OR REPLACE FUNCTION h(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'div') USING BASE64 '$MOD'");
        Assert.Equal(3L, Scalar("SELECT h(9, 3)"));
        Assert.Single(_c.ListFunctions());
    }

    [Fact]
    public void DropFunction()
    {
        CreateFixtureGcd();
        Assert.Equal("DROP FUNCTION", _c.Execute("DROP FUNCTION gcd(int, int)").CommandTag);
        Assert.Equal("42883", Assert.Throws<WasqlException>(() => _c.Execute("SELECT gcd(1, 2)")).SqlState);
        Assert.Equal("42883", Assert.Throws<WasqlException>(() => _c.Execute("DROP FUNCTION gcd")).SqlState);
        _c.Execute("DROP FUNCTION IF EXISTS gcd");
        Assert.Empty(_c.ListFunctions());
        Assert.Equal(0L, Scalar("SELECT count(*) FROM wasql_catalog_modules"));
    }

    [Fact]
    public void ShowFunctionsAndView()
    {
        CreateFixtureGcd();
        var r = _c.Execute("SHOW FUNCTIONS");
        Assert.Equal("gcd", r.Rows[0][0]);
        Assert.Equal("int4, int4", r.Rows[0][1]);
        Assert.Equal("arrow-udf", r.Rows[0][5]);
        Assert.Equal("ok", r.Rows[0][9]);
        var v = _c.Execute("SELECT signature, abi, module_size FROM wasql_functions");
        Assert.Equal(new object?[] { "gcd(int4, int4)", "arrow-udf", 1_071_502L }, v.Rows[0]);
    }

    [Fact]
    public void CreateFunctionErrors()
    {
        var e = Assert.Throws<WasqlException>(() => _c.Execute("CREATE FUNCTION x(int) RETURNS int LANGUAGE wasm USING BASE64 '!!notbase64'"));
        Assert.Equal("22023", e.SqlState);
        Assert.Equal(63, e.Position);
        e = Assert.Throws<WasqlException>(() => _c.Execute($"CREATE FUNCTION x(int) RETURNS int LANGUAGE wasm USING BASE64 '{Convert.ToBase64String("hello world"u8.ToArray())}'"));
        Assert.Equal("22023", e.SqlState);
        Assert.Contains("not a WebAssembly module", e.Message);
        e = Assert.Throws<WasqlException>(() => _c.Execute($"CREATE FUNCTION nosuch(int) RETURNS int LANGUAGE wasm USING BASE64 '{Fixtures.GcdFixtureBase64}'"));
        Assert.Equal("42883", e.SqlState);
        Assert.Contains("wasm_gcd", e.Message);   // lists what is available
        e = Assert.Throws<WasqlException>(() => _c.Execute($"CREATE FUNCTION g(text) RETURNS int LANGUAGE wasm WITH (export='wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'"));
        Assert.Equal("42883", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("CREATE FUNCTION x(int) RETURNS int LANGUAGE cobol AS $$x$$"));
        Assert.Equal("42704", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("CREATE FUNCTION x(int RETURNS int LANGUAGE wasm"));
        Assert.Equal("42601", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("CREATE FUNCTION x(foo) RETURNS int LANGUAGE wasm USING FILE '/nonexistent.wasm'"));
        Assert.Equal("42704", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("CREATE FUNCTION x(int) RETURNS int LANGUAGE wasm USING FILE '/nonexistent.wasm'"));
        Assert.Equal("58P01", e.SqlState);
        e = Assert.Throws<WasqlException>(() => CreateDirect("CREATE FUNCTION x(int4) RETURNS int4 LANGUAGE wasm WITH (abi='direct', export='add') USING BASE64 '$MOD'"));
        Assert.Equal("42P13", e.SqlState);   // add takes two i32
        Assert.Empty(_c.ListFunctions());
    }

    [Fact]
    public void CallErrorsArityTypesUnknown()
    {
        CreateFixtureGcd();
        var e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT gcd(1)"));
        Assert.Equal("42883", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT gcd('a', 2)"));
        Assert.Equal("42804", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT gcd(1.5, 2)"));
        Assert.Equal("42804", e.SqlState);
        e = Assert.Throws<WasqlException>(() => _c.Execute("SELECT nosuch(1)"));
        Assert.Equal("42883", e.SqlState);
        Assert.Equal(6L, Scalar("SELECT gcd(12, 18)"));
    }

    [Fact]
    public void FunctionsVisibleOnOtherConnections()
    {
        using var other = _db.Connect();
        CreateFixtureGcd();
        Assert.Equal(6L, other.Execute("SELECT gcd(12, 18)").Rows[0][0]);
        _c.Execute("DROP FUNCTION gcd");
        Assert.Equal("42883", Assert.Throws<WasqlException>(() => other.Execute("SELECT gcd(1, 2)")).SqlState);
    }

    [Fact]
    public void CreateInTransactionRolledBack()
    {
        _c.Execute("BEGIN");
        CreateFixtureGcd();
        Assert.Equal(6L, Scalar("SELECT gcd(12, 18)"));
        _c.Execute("ROLLBACK");
        Assert.Empty(_c.ListFunctions());
        Assert.Equal("42883", Assert.Throws<WasqlException>(() => _c.Execute("SELECT gcd(1, 2)")).SqlState);
    }

    [Fact]
    public void CancelInterruptsLongQuery()
    {
        using var timer = new Timer(_ => _c.Cancel(), null, 200, Timeout.Infinite);
        var e = Assert.Throws<WasqlException>(() => _c.Execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n) SELECT count(*) FROM n"));
        Assert.Equal("57014", e.SqlState);
        Assert.Equal(1L, Scalar("SELECT 1"));
    }

    [Fact]
    public void BatchSplitterHandlesQuotesDollarsTriggers()
    {
        var r = _c.ExecuteBatch("""
            CREATE TABLE t(a TEXT); -- a comment; with a semicolon
            CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t2 VALUES (CASE WHEN 1 THEN 'x;y' END); END;
            CREATE TABLE t2(b);
            INSERT INTO t VALUES ('a;b'), ('c;d');
            /* block; comment */ SELECT count(*) FROM t2;
            """);
        Assert.Equal(5, r.Count);
        Assert.Equal("SELECT 1", r[4].CommandTag.Replace("SELECT 2", "SELECT 1"));
        Assert.Equal(2L, r[4].Rows[0][0]);
    }
}
