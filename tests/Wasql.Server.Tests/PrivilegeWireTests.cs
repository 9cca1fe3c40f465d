// #14's attacks, tried over the wire as an ordinary SCRAM user (Npgsql and psql) and, where the rule holds for
// everyone, as a superuser: each must fail with 42501 and leave the database as it was.
using Npgsql;
using Wasql.Database;

namespace Wasql.Server.Tests;

public sealed class PrivilegeWireTests
{
    private static async Task<TestServer> StartWithUsers()
    {
        var s = TestServer.Start(o => o.Auth = AuthMethod.ScramSha256);
        s.Server.Users.SetPassword("admin", "root-pw"); // --user: a superuser
        await using var admin = await Open(s, "admin", "root-pw");
        foreach (var sql in new[]
                 {
                     "CREATE USER analyst PASSWORD 'an-pw'",
                     "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT)",
                     "INSERT INTO users VALUES (1, 'alice@example.com')",
                     $"CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING FILE '{TestServer.GcdWasm}'",
                 })
            await Exec(admin, sql);
        return s;
    }

    private static async Task<NpgsqlConnection> Open(TestServer s, string user, string password)
    {
        var c = new NpgsqlConnection($"Host=127.0.0.1;Port={s.Port};Username={user};Password={password};Database=wasql;Pooling=false;Timeout=15;Command Timeout=60");
        await c.OpenAsync();
        return c;
    }

    private static async Task Exec(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task Denied(NpgsqlConnection c, string sql)
    {
        var e = await Assert.ThrowsAsync<PostgresException>(() => Exec(c, sql));
        Assert.True(e.SqlState == "42501", $"{sql}: {e.SqlState} {e.MessageText}");
    }

    [Fact]
    public async Task AnOrdinaryUserCannotReachHostFilesOrTheCatalog()
    {
        await using var s = await StartWithUsers();
        await using var analyst = await Open(s, "analyst", "an-pw");
        var file = Path.Combine(Path.GetTempPath(), $"wasql-wire-{Guid.NewGuid():N}.db");
        foreach (var sql in new[]
                 {
                     $"ATTACH DATABASE '{file}' AS x",
                     $"VACUUM INTO '{file}'",
                     "UPDATE wasql_catalog_modules SET data = x'00'",
                     "DELETE FROM wasql_catalog_functions",
                     "UPDATE wasql_catalog_functions SET table_columns = '{{{'",
                     "SELECT * FROM users",
                     "SELECT verifier FROM wasql_roles",
                     "CREATE FUNCTION leak(int) RETURNS text LANGUAGE rust AS $$ fn leak(_n: i32) -> String { include_str!(\"/etc/passwd\").into() } $$",
                     "CREATE FUNCTION f(int, int) RETURNS int LANGUAGE wasm USING FILE '/etc/shadow'",
                     "CREATE USER mallory SUPERUSER PASSWORD 'x'",
                     "PRAGMA database_list",
                 })
            await Denied(analyst, sql);
        Assert.False(File.Exists(file));
        await using var cmd = new NpgsqlCommand("SELECT gcd(12, 18)", analyst);
        Assert.Equal(6, Convert.ToInt32(await cmd.ExecuteScalarAsync())); // functions stay callable
    }

    [Fact]
    public async Task TheCatalogIsReadOnlyEvenToASuperuserAndGrantsWork()
    {
        await using var s = await StartWithUsers();
        await using var admin = await Open(s, "admin", "root-pw");
        await Denied(admin, "UPDATE wasql_catalog_functions SET table_columns = '{{{'");
        await Denied(admin, "DELETE FROM wasql_roles");
        await Exec(admin, "GRANT SELECT ON users TO analyst");
        await using var analyst = await Open(s, "analyst", "an-pw");
        await using (var cmd = new NpgsqlCommand("SELECT email FROM users", analyst))
            Assert.Equal("alice@example.com", await cmd.ExecuteScalarAsync());
        await Denied(analyst, "DELETE FROM users");
        // Still opens after a restart: the catalog was never written by SQL.
        using var reopened = WasqlDatabase.Open(s.DbPath);
        Assert.Empty(reopened.LoadErrors);
    }

    [Fact]
    public async Task PsqlShowsPrivilegesAndRoles()
    {
        await using var s = await StartWithUsers();
        var (exit, output, err) = s.Psql("GRANT SELECT ON users TO analyst;\nSHOW GRANTS;\nSHOW USERS;\n", user: "admin", password: "root-pw");
        Assert.True(exit == 0, err);
        Assert.Contains("analyst", output);
        Assert.Contains("SELECT", output);
        Assert.Matches(@"admin\s*\|\s*t", output);
        var denied = s.Psql("ATTACH DATABASE '/tmp/x.db' AS x;\n", user: "analyst", password: "an-pw");
        Assert.NotEqual(0, denied.Exit);
        Assert.Contains("only superusers may ATTACH", denied.Err);
    }

    [Fact]
    public async Task TrustModeAppliesANamedOrdinaryRole()
    {
        await using var s = TestServer.Start(); // trust
        s.Database.Connect().Execute("CREATE USER reader");
        s.Database.Connect().Execute("CREATE TABLE t(x)");
        await using var reader = new NpgsqlConnection(s.ConnectionString().Replace("Username=tester", "Username=reader"));
        await reader.OpenAsync();
        await Denied(reader, "SELECT * FROM t");
        await using var dev = new NpgsqlConnection(s.ConnectionString()); // a name that is no role: the local developer
        await dev.OpenAsync();
        await Exec(dev, "SELECT * FROM t");
    }
}
