// The privilege model on embedded sessions: roles, owners, GRANT/REVOKE through SQLite's authorizer, untrusted
// languages, superuser-only host access, and a catalog no SQL statement may write (superusers included).
namespace Wasql.Database.Tests;

public sealed class PrivilegeTests : IDisposable
{
    private readonly string _path = Fixtures.TempDb();
    private WasqlDatabase _db;
    private readonly WasqlConnection _admin;

    public PrivilegeTests()
    {
        _db = WasqlDatabase.Open(_path);
        _admin = _db.Connect(); // embedded: a superuser
        _admin.ExecuteBatch("""
            CREATE USER alice PASSWORD 'a';
            CREATE USER bob;
            CREATE TABLE secrets(id INTEGER PRIMARY KEY, v TEXT);
            INSERT INTO secrets VALUES (1, 'top');
            CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);
            """);
    }

    public void Dispose()
    {
        _admin.Dispose();
        _db.Dispose();
        foreach (var p in new[] { _path, _path + "-wal", _path + "-shm" }) try { File.Delete(p); } catch (IOException) { }
    }

    private WasqlConnection As(string role)
    {
        var c = _db.Connect();
        c.SetRole(role);
        return c;
    }

    private static WasqlException Denied(WasqlConnection c, string sql)
    {
        var e = Assert.Throws<WasqlException>(() => c.ExecuteBatch(sql));
        Assert.True(e.SqlState == "42501", $"{sql}: expected 42501, got {e.SqlState} {e.Message}");
        return e;
    }

    [Fact]
    public void OrdinaryUsersNeedGrantsOnTables()
    {
        using var alice = As("alice");
        Assert.Contains("SELECT is needed", Denied(alice, "SELECT * FROM secrets").Message);
        Denied(alice, "INSERT INTO notes VALUES (1, 'x')");
        Denied(alice, "SELECT v FROM (SELECT * FROM secrets)");
        Denied(alice, "WITH s AS (SELECT * FROM secrets) SELECT * FROM s");
        _admin.Execute("GRANT SELECT, INSERT ON notes TO alice");
        alice.Execute("INSERT INTO notes VALUES (1, 'x')");
        Assert.Equal("x", alice.Execute("SELECT body FROM notes").Rows.Single()[0]);
        Denied(alice, "UPDATE notes SET body = 'y'");
        Denied(alice, "DELETE FROM notes");
        _admin.Execute("REVOKE INSERT ON notes FROM alice");
        Denied(alice, "INSERT INTO notes VALUES (2, 'z')");
        using var bob = As("bob");
        Denied(bob, "SELECT * FROM notes");
        _admin.Execute("GRANT SELECT ON TABLE notes TO PUBLIC");
        Assert.Single(bob.Execute("SELECT * FROM notes").Rows);
    }

    [Fact]
    public void ViewsAndTriggersDoNotLaunderAccess()
    {
        _admin.Execute("GRANT CREATE ON DATABASE wasql TO alice");
        using var alice = As("alice");
        alice.Execute("CREATE VIEW peek AS SELECT * FROM secrets"); // creating is allowed, reading through it is not
        Assert.Contains("peek", Denied(alice, "SELECT * FROM peek").Message);
        alice.Execute("CREATE TABLE mine(x)");
        alice.Execute("CREATE TRIGGER copy AFTER INSERT ON mine BEGIN INSERT INTO notes VALUES (NULL, (SELECT v FROM secrets)); END");
        Denied(alice, "INSERT INTO mine VALUES (1)");
        Assert.Empty(_admin.Execute("SELECT * FROM notes").Rows);
    }

    [Fact]
    public void OwnersHaveTheirTablesAndOthersDoNot()
    {
        using var alice = As("alice");
        Assert.Contains("CREATE on the database", Denied(alice, "CREATE TABLE t(x)").Message);
        _admin.Execute("GRANT CREATE ON SCHEMA public TO alice");
        alice.ExecuteBatch("CREATE TABLE t(x); INSERT INTO t VALUES (1); CREATE INDEX t_x ON t(x)");
        using var bob = As("bob");
        Denied(bob, "SELECT * FROM t");
        Denied(bob, "DROP TABLE t");
        Denied(bob, "ALTER TABLE t ADD COLUMN y");
        Denied(bob, "GRANT SELECT ON t TO bob");
        alice.Execute("GRANT SELECT ON t TO bob");
        Assert.Single(bob.Execute("SELECT * FROM t").Rows);
        alice.Execute("ALTER TABLE t RENAME TO t2"); // ownership and grants follow the new name
        Assert.Single(bob.Execute("SELECT * FROM t2").Rows);
        alice.Execute("DROP TABLE t2");
        var owners = _admin.Execute("SHOW GRANTS").Rows.Where(r => (string?)r[1] is "t" or "t2");
        Assert.Empty(owners);
        Denied(alice, "DROP TABLE secrets");
        Denied(alice, "CREATE INDEX s_v ON secrets(v)");
        Denied(alice, "CREATE TRIGGER spy AFTER INSERT ON secrets BEGIN SELECT 1; END");
    }

    [Fact]
    public void TemporaryObjectsAreTheirOwn()
    {
        using var alice = As("alice");
        alice.ExecuteBatch("CREATE TEMP TABLE scratch(x); INSERT INTO scratch VALUES (1); DROP TABLE scratch");
    }

    [Fact]
    public void HostAccessIsForSuperusers()
    {
        using var alice = As("alice");
        var file = Path.Combine(Path.GetTempPath(), $"wasql-attach-{Guid.NewGuid():N}.db");
        Denied(alice, $"ATTACH DATABASE '{file}' AS x");
        Denied(alice, $"VACUUM INTO '{file}'");
        Denied(alice, "VACUUM");
        Denied(alice, "PRAGMA journal_mode = DELETE");
        Denied(alice, "PRAGMA database_list");
        Denied(alice, "PRAGMA user_version = 7");
        Assert.False(File.Exists(file));
        Assert.NotEmpty(alice.Execute("PRAGMA table_info(secrets)").Rows); // structure is public, as in pg_catalog
        alice.Execute("PRAGMA user_version");
        Denied(alice, $"CREATE FUNCTION f(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING FILE '{Fixtures.GcdFixturePath}'");
        _admin.Execute($"ATTACH DATABASE '{file}' AS x"); // superusers may
        _admin.Execute("DETACH DATABASE x");
        File.Delete(file);
    }

    [Fact]
    public void UntrustedLanguagesNeedUsage()
    {
        _admin.Execute("GRANT CREATE ON DATABASE wasql TO alice");
        using var alice = As("alice");
        var e = Denied(alice, "CREATE FUNCTION r(int) RETURNS int LANGUAGE rust AS $$ fn r(x: i32) -> i32 { x } $$");
        Assert.Contains("GRANT USAGE ON LANGUAGE rust", e.Message);
        Denied(alice, "CREATE FUNCTION c1(int) RETURNS int LANGUAGE c AS $$ int c1(int x) { return x; } $$");
        // The trusted language only needs CREATE, and the creator owns the function.
        alice.Execute($"CREATE FUNCTION g(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        Assert.Equal(6L, alice.Execute("SELECT g(12, 18)").Rows[0][0]);
        using var bob = As("bob");
        Denied(bob, "DROP FUNCTION g");
        _admin.Execute("GRANT CREATE ON DATABASE wasql TO bob");
        Denied(bob, $"CREATE OR REPLACE FUNCTION g(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        alice.Execute("DROP FUNCTION g");
    }

    [Fact]
    public void TheCatalogIsReadOnlyToEverySqlStatement()
    {
        _admin.Execute($"CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{Fixtures.GcdFixtureBase64}'");
        foreach (var sql in new[]
                 {
                     "UPDATE wasql_catalog_functions SET table_columns = '{{{'",
                     "DELETE FROM wasql_catalog_functions",
                     "INSERT INTO wasql_roles(name, superuser) VALUES ('eve', 1)",
                     "UPDATE wasql_roles SET superuser = 1 WHERE name = 'alice'",
                     "DROP TABLE wasql_catalog_modules",
                     "ALTER TABLE wasql_roles ADD COLUMN x",
                     "CREATE TRIGGER t AFTER INSERT ON wasql_roles BEGIN SELECT 1; END",
                     "CREATE TABLE wasql_fake(x)",
                     "PRAGMA writable_schema = ON",
                 })
            Denied(_admin, sql); // superusers included
        using var alice = As("alice");
        Denied(alice, "SELECT verifier FROM wasql_roles");
        Assert.Contains(alice.Execute("SELECT name FROM wasql_roles").Rows, r => (string?)r[0] == "bob"); // names are public
        Assert.Equal(6L, _admin.Execute("SELECT gcd(12, 18)").Rows[0][0]); // still intact
    }

    [Fact]
    public void RolesAreForSuperusersAndPersist()
    {
        using (var alice = As("alice"))
        {
            Denied(alice, "CREATE USER mallory SUPERUSER");
            Denied(alice, "ALTER USER alice SUPERUSER");
            Denied(alice, "DROP USER bob");
            alice.Execute("ALTER USER alice PASSWORD 'new'"); // one's own password
            Denied(alice, "GRANT USAGE ON LANGUAGE rust TO alice");
        }
        _admin.Execute("GRANT SELECT ON secrets TO bob");
        _admin.Execute("CREATE USER carol SUPERUSER");
        var e = Assert.Throws<WasqlException>(() => _admin.Execute("CREATE USER bob"));
        Assert.Equal("42710", e.SqlState);
        _admin.Dispose();
        _db.Dispose();
        _db = WasqlDatabase.Open(_path);
        using var bob = As("bob");
        Assert.Single(bob.Execute("SELECT * FROM secrets").Rows);
        Assert.True(_db.Roles["carol"].Superuser);
        Assert.StartsWith("SCRAM-SHA-256$", _db.Roles["alice"].Verifier);
        Assert.Throws<WasqlException>(() => _db.Connect().SetRole("nobody"));
    }

    [Fact]
    public void ADemotedSuperuserLosesItsRightsAtOnce()
    {
        _admin.Execute("CREATE USER dave SUPERUSER");
        using var dave = As("dave");
        Assert.Single(dave.Execute("SELECT * FROM secrets").Rows);
        _admin.Execute("ALTER USER dave NOSUPERUSER");
        Denied(dave, "SELECT * FROM secrets");
    }
}
