// psql (Debian postgresql-client) against the server: scripts with several statements, errors with
// positions, transactions, \d/\dt/\d NAME/\df, SET/SHOW, and CREATE FUNCTION from a base64 module via \set.
namespace Wasql.Server.Tests;

public sealed class PsqlTests
{
    [Fact]
    public async Task ScriptWithDescribeCommands()
    {
        await using var s = TestServer.Start();
        var (exit, output, err) = s.Psql("""
            CREATE TABLE items(id integer PRIMARY KEY, name text NOT NULL, price numeric, qty bigint, ok boolean, added date);
            CREATE VIEW cheap AS SELECT * FROM items WHERE price < 10;
            CREATE INDEX items_name ON items(name);
            INSERT INTO items VALUES (1, 'apple', 1.25, 10, 1, '2024-01-02'), (2, 'pear', 12.5, 3, 0, NULL);
            SELECT id, name, price, ok, added FROM items ORDER BY id; SELECT count(*) AS n FROM cheap;
            \dt
            \d
            \d items
            \d+ items
            \du
            \dv
            \di
            SHOW server_version;
            SET application_name TO 'psql-test';
            SHOW application_name;
            """);
        Assert.True(exit == 0, err + output);
        Assert.Contains("  1 | apple |  1.25 | t  | 2024-01-02", output);
        Assert.Contains("  2 | pear  |  12.5 | f  | ", output);
        Assert.Matches(@"public \| items +\| table", output);
        Assert.Matches(@"public \| cheap +\| view", output);
        Assert.Contains("Table \"public.items\"", output);
        Assert.Matches(@"name +\| text +\| +\| not null", output);
        Assert.Matches(@"qty +\| bigint", output);
        Assert.Matches(@"public \| items_name +\| index", output);
        Assert.Contains("\"items_name\" btree (name)", output);      // the Indexes: footer of \d
        Assert.Matches(@"name +\| text +\| +\| not null +\| +\| extended", output);   // \d+ adds Storage...
        Assert.Matches(@"tester +\| Superuser", output);              // \du
        Assert.Contains(" 15.0", output);
        Assert.Contains("psql-test", output);
        Assert.DoesNotContain("wasql_catalog", output);
    }

    [Fact]
    public async Task ErrorsCarrySqlStateAndPositionAndScriptContinues()
    {
        await using var s = TestServer.Start();
        var (_, output, err) = s.Psql("""
            \set VERBOSITY verbose
            SELECT * FROM missing_table;
            SELEC 1;
            BEGIN;
            CREATE TABLE t(a int);
            SELECT nope FROM t;
            SELECT 1;
            ROLLBACK;
            SELECT 'after' AS status;
            COMMIT;
            """, stopOnError: false);
        Assert.Contains("ERROR:  42P01", err);
        Assert.Contains("ERROR:  42601", err);
        Assert.Contains("25P02", err);                    // commands ignored in a failed transaction
        Assert.Contains("there is no transaction in progress", err);
        Assert.Contains("after", output);
    }

    [Fact]
    public async Task CreateFunctionFromBase64ModuleAndListWithDf()
    {
        await using var s = TestServer.Start();
        var (exit, output, err) = s.Psql($"""
            \set wasm_binary `base64 -w0 {TestServer.GcdWasm}`
            CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 :'wasm_binary';
            SELECT gcd(25, 15) AS g;
            \df
            \df gc*
            DROP FUNCTION gcd;
            \df
            """);
        Assert.True(exit == 0, err + output);
        Assert.Contains("CREATE FUNCTION", output);
        Assert.Matches(@"\n +5\n", output);
        Assert.Matches(@"public \| gcd +\| int4 +\| int4, int4 +\| func", output);
        Assert.Contains("DROP FUNCTION", output);
        Assert.Contains("(0 rows)", output);
    }

    [Fact]
    public async Task ScramAuthentication()
    {
        await using var s = TestServer.Start(o => o.Auth = AuthMethod.ScramSha256);
        s.Server.Users.SetPassword("alice", "s3cret'pw");
        var ok = s.Psql("SELECT 'in' AS who;", user: "alice", password: "s3cret'pw");
        Assert.True(ok.Exit == 0, ok.Err);
        Assert.Contains(" in", ok.Out);
        var bad = s.Psql("SELECT 1;", user: "alice", password: "wrong");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("password authentication failed", bad.Err);
        var unknown = s.Psql("SELECT 1;", user: "mallory", password: "x");
        Assert.NotEqual(0, unknown.Exit);
        // Users made over the wire.
        var mk = s.Psql("CREATE USER bob PASSWORD 'b0b'; ALTER USER bob WITH PASSWORD 'b0b2';", user: "alice", password: "s3cret'pw");
        Assert.True(mk.Exit == 0, mk.Err);
        Assert.Equal(0, s.Psql("SELECT 1;", user: "bob", password: "b0b2").Exit);
    }
}
