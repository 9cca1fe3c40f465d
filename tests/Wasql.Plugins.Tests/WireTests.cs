// The example plugins (built from source in C, Rust and AssemblyScript) end to end over the PostgreSQL protocol with
// Npgsql and psql, and hostile plugins contained while the server keeps serving other clients.
using System.Diagnostics;
using Npgsql;
using static Wasql.Plugins.Tests.PluginServer;

namespace Wasql.Plugins.Tests;

public sealed class WireTests
{
    private static void Install(NpgsqlConnection admin, string plugin, string filter)
    {
        Execute(admin, $"CREATE OR REPLACE PLUGIN {plugin} USING FILE '{Guests.Example(plugin)}'");
        Execute(admin, filter);
    }

    [Fact]
    public async Task Deny_unbounded_writes()
    {
        await using var server = new PluginServer();
        using var c = server.Connect();
        Execute(c, "CREATE TABLE acct(id INTEGER PRIMARY KEY, balance INTEGER); INSERT INTO acct VALUES (1, 10), (2, 20)");
        Install(c, "deny_unbounded_writes", "CREATE FILTER writes_need_where WITH_PATTERN (kinds = 'update,delete') EXECUTE (plugin = deny_unbounded_writes)");
        var e = Fails(c, "UPDATE acct SET balance = 0");
        Assert.Equal("42501", e.SqlState);
        Assert.Contains("UPDATE without WHERE", e.MessageText);
        Assert.Equal("42501", Fails(c, "DELETE FROM acct -- WHERE id = 1").SqlState);
        Assert.Equal(1, Execute(c, "UPDATE acct SET balance = 0 WHERE id = 1"));
        Assert.Equal(20L, Convert.ToInt64(Scalar(c, "SELECT sum(balance) FROM acct")));
        Assert.Equal("42501", Fails(c, "DELETE FROM acct /* WHERE id = 1 */").SqlState);
        Assert.Equal(1, Execute(c, "DELETE FROM acct WHERE 'WHERE' = 'WHERE' AND id = 2"));
    }

    [Fact]
    public async Task Mask_emails_for_analysts_only()
    {
        await using var server = new PluginServer();
        using var admin = server.Connect("admin");
        Execute(admin, "CREATE TABLE people(id INTEGER, email TEXT, work_email TEXT, phone TEXT)");
        Execute(admin, "INSERT INTO people VALUES (1, 'alice@example.com', 'a.b@corp.io', '555-1234'), (2, NULL, 'bob@x.com', NULL)");
        Install(admin, "mask_columns", "CREATE FILTER mask_for_analysts WITH_PATTERN (kinds = 'select', user_regex = '^analyst') EXECUTE (plugin = mask_columns, columns = '*email*')");
        using var analyst = server.Connect("analyst7");
        var rows = Rows(analyst, "SELECT id, email, work_email, phone FROM people ORDER BY id");
        Assert.Equal(new object?[] { "a***@example.com", "a***@corp.io", "555-1234" }, rows[0][1..]);
        Assert.Equal(new object?[] { null, "b***@x.com", null }, rows[1][1..]);
        Assert.Equal(2L, Convert.ToInt64(rows[1][0]));   // unmatched columns keep their values
        var own = Rows(admin, "SELECT email FROM people WHERE id = 1");
        Assert.Equal("alice@example.com", own[0][0]);
        // the same over psql, with the column chosen by the filter's config
        Execute(admin, "ALTER FILTER mask_for_analysts EXECUTE (plugin = mask_columns, columns = 'phone')");
        var (exit, stdout, stderr) = Psql(server, "analyst1", "SELECT email, phone FROM people WHERE id = 1;");
        Assert.True(exit == 0, stderr);
        Assert.Contains("alice@example.com | 5***", stdout);
    }

    /// <summary>Issue #14 item 5: the masked user makes mask_columns fail on purpose (results too big for its budget:
    /// fuel here, the deadline in the issue) max_failures times. The fail-closed filter trips and keeps denying the
    /// masked users' SELECTs instead of disabling itself and showing every user clear emails.</summary>
    [Fact]
    public async Task The_masked_user_cannot_switch_masking_off_by_making_the_plugin_fail()
    {
        // fuel, not the clock, decides which results are too big, so the test does not depend on the machine's load
        await using var server = new PluginServer(new PluginOptions { FuelPerCall = 2_000_000, Deadline = TimeSpan.FromSeconds(60) });
        using var admin = server.Connect("admin");
        Execute(admin, "CREATE TABLE people(id INTEGER, email TEXT)");
        Execute(admin, "INSERT INTO people VALUES (1, 'alice@example.com'), (2, 'bob@x.com')");
        Install(admin, "mask_columns", "CREATE FILTER mask_for_analysts (max_failures = 5) WITH_PATTERN (kinds = 'select', user_regex = '^analyst') " +
                                       "EXECUTE (plugin = mask_columns, columns = '*email*')");
        using var attacker = server.Connect("analyst_mallory");
        Assert.Equal("a***@example.com", Scalar(attacker, "SELECT email FROM people WHERE id = 1"));
        const string big = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) SELECT p.email FROM n, people p";
        for (int i = 0; i < 5; i++)
        {
            var e = Fails(attacker, big);
            Assert.Equal("38000", e.SqlState);
            Assert.Contains("fuel", e.MessageText, StringComparison.OrdinalIgnoreCase);
        }
        // tripped: no analyst gets clear emails, small query or big
        using var other = server.Connect("analyst_bob");
        foreach (var c in new[] { attacker, other })
        {
            var denied = Fails(c, "SELECT email FROM people WHERE id = 1");
            Assert.Equal("38000", denied.SqlState);
            Assert.Contains("filter 'mask_for_analysts' is tripped", denied.MessageText);
        }
        Assert.StartsWith("tripped: 5 consecutive failures", (string)Rows(admin, "SHOW FILTERS")[0][2]!);
        Assert.Equal("alice@example.com", Scalar(admin, "SELECT email FROM people WHERE id = 1"));   // not matched: unaffected
        Execute(admin, "ALTER FILTER mask_for_analysts RESET");
        Assert.Equal("a***@example.com", Scalar(other, "SELECT email FROM people WHERE id = 1"));
    }

    /// <summary>Issue #14: masking holds through aliases, subqueries, CTEs and views (masked by origin), and statements
    /// that use a masked column inside an expression or a condition are denied.</summary>
    [Fact]
    public async Task Masking_cannot_be_bypassed_with_aliases_expressions_subqueries_or_views()
    {
        await using var server = new PluginServer();
        using var admin = server.Connect("admin");
        Execute(admin, "CREATE TABLE users(id INTEGER, name TEXT, email TEXT)");
        Execute(admin, "INSERT INTO users VALUES (1, 'alice', 'alice@example.com')");
        Execute(admin, "CREATE VIEW contacts AS SELECT name, email AS address FROM users");
        Execute(admin, "CREATE VIEW shouting AS SELECT name, upper(email) AS loud FROM users");
        Install(admin, "mask_columns", "CREATE FILTER mask_for_analysts WITH_PATTERN (kinds = 'select', user_regex = '^analyst') " +
                                       "EXECUTE (plugin = mask_columns, columns = '*email*')");
        using var analyst = server.Connect("analyst");
        foreach (var sql in new[]
        {
            "SELECT email FROM users",
            "SELECT email AS e FROM users",
            "SELECT e FROM (SELECT email AS e FROM users)",
            "WITH x AS (SELECT email AS nothing_to_see FROM users) SELECT * FROM x",
            "SELECT address FROM contacts",
            "SELECT * FROM contacts",
            "SELECT name, email FROM users WHERE id = 1",
            "SELECT (SELECT email FROM users LIMIT 1)",   // SQLite's metadata sees into a scalar subquery
        })
            Assert.Contains("a***@example.com", Rows(analyst, sql)[0].Select(v => v as string));
        foreach (var sql in new[]
        {
            "SELECT substr(email, 1, 100) FROM users",
            "SELECT email || '' FROM users",
            "SELECT email, lower(email) FROM users",
            "SELECT loud FROM shouting",
            "SELECT name FROM users WHERE email LIKE 'a%'",
            "SELECT name FROM users ORDER BY email",
            "SELECT name FROM users UNION SELECT email FROM users",
        })
        {
            PostgresException? e = null;
            try { Rows(analyst, sql); }
            catch (PostgresException x) { e = x; }
            Assert.True(e is not null, $"not denied: {sql}");
            Assert.Equal("42501", e.SqlState);
            Assert.Contains("masked column users.email", e.MessageText);
        }
        Assert.Equal("alice", Scalar(analyst, "SELECT name FROM users"));   // other columns stay usable
        Assert.Equal("ALICE@EXAMPLE.COM", Scalar(admin, "SELECT loud FROM shouting"));   // not matched: unaffected
        // the SQLSTATE is configurable
        Execute(admin, "ALTER FILTER mask_for_analysts EXECUTE (plugin = mask_columns, columns = '*email*', deny_sqlstate = '42000')");
        Assert.Equal("42000", Fails(analyst, "SELECT substr(email, 1, 100) FROM users").SqlState);
    }

    [Fact]
    public async Task Audit_log_records_statements_and_row_counts()
    {
        await using var server = new PluginServer();
        using var c = server.Connect("auditor");
        Execute(c, "CREATE TABLE t(x INTEGER PRIMARY KEY)");
        Install(c, "audit", "CREATE FILTER audit_all (priority = 1) EXECUTE (plugin = audit)");
        Execute(c, "INSERT INTO t VALUES (1), (2), (3)");
        Assert.Equal(3L, Convert.ToInt64(Scalar(c, "SELECT count(*) FROM t")));
        Assert.Equal("23505", Fails(c, "INSERT INTO t VALUES (1)").SqlState);
        Execute(c, $"CREATE PLUGIN deny USING BASE64 '{Guests.Base64(Guests.Wat("deny_all"))}'");
        Execute(c, "CREATE FILTER no_deletes (priority = 5) WITH_PATTERN (kinds = 'delete') EXECUTE (plugin = deny)");
        Assert.Equal("42501", Fails(c, "DELETE FROM t").SqlState);
        var log = Rows(c, "SHOW PLUGIN LOG").Select(r => ((string)r[2]!, (string)r[5]!)).Where(r => r.Item1 == "audit").Select(r => r.Item2).ToList();
        Assert.Contains(log, l => l.Contains("user=auditor") && l.Contains("kind=INSERT") && l.Contains("rows=3") && l.Contains("query=\"INSERT INTO t VALUES (1), (2), (3)\""));
        Assert.Contains(log, l => l.Contains("kind=SELECT") && l.Contains("rows=1") && l.Contains("SELECT count(*) FROM t"));
        Assert.Contains(log, l => l.Contains("kind=INSERT") && l.Contains("error=23505"));
        Assert.Contains(log, l => l.Contains("kind=DELETE") && l.Contains("error=42501") && l.Contains("no writes here"));   // denied, still audited
    }

    [Fact]
    public async Task Rate_limit_per_user_with_the_shared_store()
    {
        await using var server = new PluginServer();
        using var admin = server.Connect("admin");
        Install(admin, "rate_limit", "CREATE FILTER limit_bob WITH_PATTERN (user_regex = '^bob$') EXECUTE (plugin = rate_limit, limit = 3, window_ms = 60000)");
        using var bob1 = server.Connect("bob");
        using var bob2 = server.Connect("bob");
        Assert.Equal(1, Convert.ToInt32(Scalar(bob1, "SELECT 1")));
        Assert.Equal(1, Convert.ToInt32(Scalar(bob2, "SELECT 1")));   // the budget is shared across connections
        Assert.Equal(1, Convert.ToInt32(Scalar(bob1, "SELECT 1")));
        var e = Fails(bob2, "SELECT 1");
        Assert.Equal("53400", e.SqlState);
        Assert.Contains("bob", e.MessageText);
        for (int i = 0; i < 5; i++) Assert.Equal(1, Convert.ToInt32(Scalar(admin, "SELECT 1")));   // others unaffected
    }

    [Fact]
    public async Task Add_limit_rewrites_unbounded_selects()
    {
        await using var server = new PluginServer();
        using var c = server.Connect();
        Execute(c, "CREATE TABLE big(x INTEGER)");
        Execute(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO big SELECT i FROM n");
        Install(c, "add_limit", "CREATE FILTER cap_big WITH_PATTERN (kinds = 'select', tables = 'big') EXECUTE (plugin = add_limit, limit = 5)");
        Assert.Equal(5, Rows(c, "SELECT * FROM big").Count);
        Assert.Equal(2, Rows(c, "SELECT * FROM big LIMIT 2;").Count);
        Assert.Equal(100L, Convert.ToInt64(Scalar(c, "SELECT count(*) FROM big")));   // one row anyway
        // prepared (extended protocol) statements are filtered too
        using var cmd = new NpgsqlCommand("SELECT x FROM big WHERE x > @min", c);
        cmd.Parameters.AddWithValue("min", 10);
        cmd.Prepare();
        using var r = cmd.ExecuteReader();
        int n = 0;
        while (r.Read()) n++;
        Assert.Equal(5, n);
    }

    [Fact]
    public async Task Replacing_a_plugin_hot_reloads_it_for_open_connections()
    {
        await using var server = new PluginServer();
        using var admin = server.Connect("admin");
        Execute(admin, $"CREATE PLUGIN gate USING BASE64 '{Guests.Base64(Guests.Wat("deny_all"))}'");
        Execute(admin, "CREATE FILTER gate_app WITH_PATTERN (user_regex = '^app$') EXECUTE (plugin = gate)");
        using var app = server.Connect("app");
        Assert.Equal("42501", Fails(app, "SELECT 1").SqlState);
        Execute(admin, $"CREATE OR REPLACE PLUGIN gate USING BASE64 '{Guests.Base64(Guests.Wat("allow_all"))}'");
        Assert.Equal(1, Convert.ToInt32(Scalar(app, "SELECT 1")));   // same connection, new module
        Execute(admin, $"CREATE OR REPLACE PLUGIN gate USING BASE64 '{Guests.Base64(Guests.Wat("deny_all"))}'");
        Assert.Equal("42501", Fails(app, "SELECT 1").SqlState);
    }

    [Theory]
    [InlineData("loop")]
    [InlineData("trap")]
    [InlineData("memory_bomb")]
    public async Task Hostile_plugins_are_contained_and_the_server_keeps_serving(string guest)
    {
        await using var server = new PluginServer();
        using var admin = server.Connect("admin");
        Execute(admin, $"CREATE PLUGIN hostile USING BASE64 '{Guests.Base64(Guests.Wat(guest))}'");
        Execute(admin, "CREATE FILTER victims (max_failures = 1000) WITH_PATTERN (user_regex = '^victim') EXECUTE (plugin = hostile)");
        using var bystander = server.Connect("bystander");
        var victims = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using var v = server.Connect("victim");
            for (int i = 0; i < 3; i++)
            {
                var e = Fails(v, "SELECT 1");
                Assert.Equal("38000", e.SqlState);
                Assert.Contains("plugin 'hostile'", e.MessageText);
            }
        })).ToArray();
        var sw = Stopwatch.StartNew();
        int served = 0;
        while (!victims.All(t => t.IsCompleted))
        {
            Assert.Equal(2L, Convert.ToInt64(Scalar(bystander, "SELECT 1 + 1")));
            served++;
        }
        await Task.WhenAll(victims);
        Assert.True(served > 0);
        Assert.Equal(2L, Convert.ToInt64(Scalar(bystander, "SELECT 1 + 1")));
        Execute(admin, "DROP FILTER victims");
        using var again = server.Connect("victim");
        Assert.Equal(1, Convert.ToInt32(Scalar(again, "SELECT 1")));
    }

    private static (int Exit, string Out, string Err) Psql(PluginServer server, string user, string script)
    {
        var psi = new ProcessStartInfo("psql");
        foreach (var a in new[] { "-X", "-h", "127.0.0.1", "-p", server.Server.Port.ToString(), "-U", user, "-d", "wasql", "-v", "ON_ERROR_STOP=1", "-P", "pager=off" })
            psi.ArgumentList.Add(a);
        psi.Environment["PGSSLMODE"] = "disable";
        return Wasql.Tests.Shared.ScriptedProcess.Run(psi, script);
    }
}
