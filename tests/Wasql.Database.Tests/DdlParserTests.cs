// Unit tests of Wasql's DDL parsers on the shared tokenizer: CREATE/DROP/SHOW FUNCTION (FunctionDdlParser) and the
// privilege statements (SecurityDdlParser): what they parse into, what they leave to SQLite, and where errors point.
using Wasql.Database.Security;
using Wasql.Database.Sql;

namespace Wasql.Database.Tests;

public sealed class DdlParserTests
{
    [Fact]
    public void CreateFunctionWithEveryClause()
    {
        var sql = "CREATE OR REPLACE FUNCTION \"Gcd\"(a int, bigint) RETURNS double precision LANGUAGE wasm IMMUTABLE STRICT " +
                  "WITH (export = 'wasm_gcd', abi = direct) USING BASE64 'AAEC'";
        var c = Assert.IsType<CreateFunctionCommand>(FunctionDdlParser.TryParse(sql));
        Assert.True(c.OrReplace);
        Assert.Equal("Gcd", c.Name);
        Assert.Equal(["int4", "int8"], c.ArgumentTypes);
        Assert.Equal("float8", c.ReturnType);
        Assert.Equal("wasm", c.Language);
        Assert.Equal("AAEC", c.Base64);
        Assert.Null(c.FilePath);
        Assert.Equal("wasm_gcd", c.With["EXPORT"]);
        Assert.Equal("direct", c.With["abi"]);
        Assert.Equal(sql.IndexOf("LANGUAGE wasm", StringComparison.Ordinal) + 10, c.LanguagePosition);
        Assert.Equal(sql.IndexOf("'AAEC'", StringComparison.Ordinal) + 1, c.SourcePosition);
        Assert.False(c.IsTable);
    }

    [Fact]
    public void CreateFunctionBodiesAndTableResults()
    {
        var c = Assert.IsType<CreateFunctionCommand>(FunctionDdlParser.TryParse(
            "create function series(n int) returns table (i int, label text) language rust as $body$ fn x() { 1; } $body$"));
        Assert.Equal("series", c.Name);
        Assert.True(c.IsTable);
        Assert.Equal([new ColumnInfo("i", "int4"), new ColumnInfo("label", "text")], c.TableColumns);
        Assert.Equal(" fn x() { 1; } ", c.Body);

        var f = Assert.IsType<CreateFunctionCommand>(FunctionDdlParser.TryParse("CREATE FUNCTION g(text) RETURNS int[] LANGUAGE wasm USING FILE '/tmp/g.wasm';"));
        Assert.Equal("int4[]", f.ReturnType);
        Assert.Equal("/tmp/g.wasm", f.FilePath);
        Assert.Equal("g", Assert.IsType<CreateFunctionCommand>(FunctionDdlParser.TryParse("CREATE FUNCTION main.G(int) RETURNS int LANGUAGE wasm")).Name);
    }

    [Fact]
    public void DropAndShow()
    {
        var d = Assert.IsType<DropFunctionCommand>(FunctionDdlParser.TryParse("DROP FUNCTION IF EXISTS f(integer, text) CASCADE"));
        Assert.True(d.IfExists);
        Assert.Equal("f", d.Name);
        Assert.Equal(["int4", "text"], d.ArgumentTypes);
        Assert.Null(Assert.IsType<DropFunctionCommand>(FunctionDdlParser.TryParse("drop function f")).ArgumentTypes);
        Assert.IsType<ShowFunctionsCommand>(FunctionDdlParser.TryParse("SHOW FUNCTIONS;"));
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("CREATE TABLE function(a)")]
    [InlineData("DROP TABLE f")]
    [InlineData("/* CREATE FUNCTION */ SELECT 2")]
    public void OtherStatementsAreNotOurs(string sql) => Assert.Null(FunctionDdlParser.TryParse(sql));

    [Theory]
    [InlineData("CREATE FUNCTION f(int) RETURNS int USING BASE64 'AA'", "no language specified")]
    [InlineData("CREATE FUNCTION f(int RETURNS int LANGUAGE wasm", "unclosed '('")]
    [InlineData("CREATE FUNCTION f(int) RETURNS int LANGUAGE wasm USING URL 'x'", "expected USING BASE64")]
    [InlineData("CREATE FUNCTION f(int) RETURNS nosuchtype LANGUAGE wasm", "type \"nosuchtype\" does not exist")]
    [InlineData("CREATE FUNCTION f(int) RETURNS int LANGUAGE wasm AS 'x", "unterminated quoted string")]
    public void SyntaxErrorsNameTheProblem(string sql, string message)
    {
        var e = Assert.Throws<WasqlException>(() => FunctionDdlParser.TryParse(sql));
        Assert.Contains(message, e.Message);
        Assert.NotNull(e.Position);
        Assert.InRange(e.Position!.Value, 1, sql.Length + 1);
    }

    [Fact]
    public void ErrorPositionPointsAtTheOffendingToken()
    {
        var sql = "DROP FUNCTION f(int) bogus";
        var e = Assert.Throws<WasqlException>(() => FunctionDdlParser.TryParse(sql));
        Assert.Equal(SqlStates.SyntaxError, e.SqlState);
        Assert.Equal(sql.IndexOf("bogus", StringComparison.Ordinal) + 1, e.Position);
    }

    [Fact]
    public void RolesAndTheirOptions()
    {
        var c = Assert.IsType<CreateRoleCommand>(SecurityDdlParser.TryParse("CREATE USER IF NOT EXISTS \"Alice\" WITH LOGIN PASSWORD 'pw''1' NOSUPERUSER"));
        Assert.Equal("alice", c.Name);
        Assert.True(c.IfNotExists);
        Assert.Equal(new RoleOptions(false, "pw'1", false), c.Options);
        var a = Assert.IsType<AlterRoleCommand>(SecurityDdlParser.TryParse("alter role bob password null superuser"));
        Assert.Equal(new RoleOptions(true, null, true), a.Options);
        var d = Assert.IsType<DropRoleCommand>(SecurityDdlParser.TryParse("DROP ROLE IF EXISTS a, b;"));
        Assert.Equal(["a", "b"], d.Names);
        Assert.True(d.IfExists);
        Assert.IsType<ShowUsersCommand>(SecurityDdlParser.TryParse("SHOW USERS"));
        Assert.IsType<ShowGrantsCommand>(SecurityDdlParser.TryParse("SHOW GRANTS"));
    }

    [Fact]
    public void GrantsOnTablesLanguagesAndTheDatabase()
    {
        var sql = "GRANT SELECT, insert ON TABLE [my;table], t2 TO bob, PUBLIC";
        var g = Assert.IsType<GrantCommand>(SecurityDdlParser.TryParse(sql));
        Assert.False(g.Revoke);
        Assert.Equal([Privilege.Select, Privilege.Insert], g.Privileges);
        Assert.Equal(SecuredObjectKind.Table, g.Kind);
        Assert.Equal(["my;table", "t2"], g.Objects);
        Assert.Equal(["bob", "public"], g.Grantees);
        Assert.Equal(sql.IndexOf('[') + 1, g.ObjectPosition);

        var r = Assert.IsType<GrantCommand>(SecurityDdlParser.TryParse("REVOKE ALL PRIVILEGES ON t FROM bob"));
        Assert.True(r.Revoke);
        Assert.Equal(4, r.Privileges.Count);
        var l = Assert.IsType<GrantCommand>(SecurityDdlParser.TryParse("GRANT USAGE ON LANGUAGE rust TO bob"));
        Assert.Equal((SecuredObjectKind.Language, "rust"), (l.Kind, l.Objects.Single()));
        var db = Assert.IsType<GrantCommand>(SecurityDdlParser.TryParse("GRANT CREATE ON DATABASE main TO bob"));
        Assert.Equal([SecurityNames.Database], db.Objects);
    }

    [Theory]
    [InlineData("GRANT USAGE ON t TO bob", SqlStates.InvalidGrantOperation, "privilege USAGE is not valid on a table")]
    [InlineData("GRANT TRUNCATE ON t TO bob", SqlStates.SyntaxError, "unrecognized privilege \"TRUNCATE\"")]
    [InlineData("GRANT SELECT ON t TO bob WITH GRANT OPTION", SqlStates.FeatureNotSupported, "WITH GRANT OPTION is not supported")]
    [InlineData("CREATE ROLE r CREATEUSER", SqlStates.SyntaxError, "unrecognized role option \"CREATEUSER\"")]
    [InlineData("GRANT SELECT ON t bob", SqlStates.SyntaxError, "expected TO")]
    public void PrivilegeErrors(string sql, string state, string message)
    {
        var e = Assert.Throws<WasqlException>(() => SecurityDdlParser.TryParse(sql));
        Assert.Equal(state, e.SqlState);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void RenamedTableCarriesOwnership()
    {
        var change = Assert.Single(SecurityDdlParser.RenamedTable("ALTER TABLE main.[Old] RENAME TO \"New\""));
        Assert.Equal((OwnershipChangeKind.Renamed, "old", "new"), (change.Kind, change.Name, change.NewName));
        Assert.Empty(SecurityDdlParser.RenamedTable("ALTER TABLE t ADD COLUMN c"));
        Assert.Null(SecurityDdlParser.TryParse("SELECT 1"));
    }
}
