// Plugins and filters on an embedded database: the SQL surface (CREATE/ALTER/DROP/SHOW, EXPLAIN FILTERS), matching,
// deny, rewrite (and its bound), after-hooks, failure containment and policies, persistence and hot reload.
using Wasql.Database;
using Wasql.Database.Extensions;

namespace Wasql.Plugins.Tests;

public sealed class EmbeddedTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"wasql-plugins-{Guid.NewGuid():N}.db");
    private WasqlDatabase _db;
    private PluginHost _host;
    private WasqlConnection _c;

    public EmbeddedTests()
    {
        (_db, _host, _c) = Open();
        _c.ExecuteBatch("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    }

    private (WasqlDatabase, PluginHost, WasqlConnection) Open(PluginOptions? options = null)
    {
        var db = WasqlDatabase.Open(_path);
        var host = PluginHost.Attach(db, options);
        return (db, host, db.Connect());
    }

    private void Reopen(PluginOptions? options = null)
    {
        _c.Dispose();
        _db.Dispose();
        (_db, _host, _c) = Open(options);
    }

    public void Dispose()
    {
        _c.Dispose();
        _db.Dispose();
        foreach (var p in new[] { _path, _path + "-wal", _path + "-shm" })
            try { File.Delete(p); } catch (IOException) { }
    }

    private void Plugin(string name, string guest, string with = "") =>
        _c.Execute($"CREATE OR REPLACE PLUGIN {name} USING BASE64 '{Guests.Base64(Guests.Wat(guest))}' {with}");

    private WasqlException Fails(string sql) => Assert.Throws<WasqlException>(() => _c.Execute(sql));

    [Fact]
    public void Plugin_ddl_is_for_superusers_and_the_plugin_catalog_is_read_only_to_sql()
    {
        Plugin("deny", "deny_all");
        _c.Execute("CREATE FILTER f WITH_PATTERN (kinds = 'delete') EXECUTE (plugin = deny)");
        _c.Execute("CREATE USER analyst");
        // Even a superuser cannot switch a filter off by editing the catalog with SQL (#14: masking gone at restart).
        foreach (var sql in new[] { "UPDATE wasql_filters SET user_regex = '^nobody$'", "DELETE FROM wasql_filters", "DELETE FROM wasql_plugins" })
            Assert.Equal("42501", Fails(sql).SqlState);
        using var analyst = _db.Connect();
        analyst.SetRole("analyst");
        foreach (var sql in new[]
                 {
                     $"CREATE PLUGIN p USING BASE64 '{Guests.Base64(Guests.Wat("allow_all"))}'",
                     "CREATE PLUGIN p USING FILE '/etc/passwd'",
                     "ALTER FILTER f (status = 'disabled')",
                     "DROP FILTER f",
                     "DROP PLUGIN deny",
                     "SHOW FILTERS",
                     "SELECT * FROM wasql_filters",
                 })
        {
            var e = Assert.Throws<WasqlException>(() => analyst.Execute(sql));
            Assert.True(e.SqlState == "42501", $"{sql}: {e.SqlState} {e.Message}");
        }
        Reopen();
        Assert.Single(_c.Execute("SHOW FILTERS").Rows); // the filter survived everything above
    }

    [Fact]
    public void Deny_filter_applies_only_to_its_statement_kinds_and_tables()
    {
        Plugin("deny", "deny_all");
        _c.Execute("CREATE FILTER no_t_writes (priority = 10, description = 'read only t') WITH_PATTERN (kinds = 'update,delete', tables = 't') EXECUTE (plugin = deny)");
        var e = Fails("DELETE FROM t WHERE id = 1");
        Assert.Equal("42501", e.SqlState);
        Assert.Equal("no writes here", e.Message);
        Assert.Equal(3L, _c.Execute("SELECT count(*) FROM t").Rows[0][0]);   // nothing deleted, SELECT not filtered
        _c.Execute("CREATE TABLE other(x)");
        _c.Execute("INSERT INTO other VALUES (1)");
        Assert.Equal("DELETE 1", _c.Execute("DELETE FROM other").CommandTag);   // another table
        // a view over t is seen through: the authorizer reports t
        _c.Execute("CREATE VIEW v AS SELECT * FROM t");
        _c.Execute("CREATE TRIGGER v_del INSTEAD OF DELETE ON v BEGIN DELETE FROM t WHERE id = old.id; END");
        Assert.Equal("42501", Fails("DELETE FROM v WHERE id = 2").SqlState);
        // a WITH ... DELETE is a DELETE
        Assert.Equal("42501", Fails("WITH x AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT * FROM x)").SqlState);
    }

    [Fact]
    public void User_address_and_database_patterns_read_the_session()
    {
        Plugin("deny", "deny_all");
        _c.Execute("CREATE FILTER guests WITH_PATTERN (user_regex = '^guest', client_address = '10.0.0.0/8', database = 'shop') EXECUTE (plugin = deny)");
        Assert.Equal(3L, _c.Execute("SELECT count(*) FROM t").Rows[0][0]);   // local session: no match
        _c.Session = new SessionInfo("guest1", "10.1.2.3", "shop");
        Assert.Equal("42501", Fails("SELECT 1").SqlState);
        _c.Session = new SessionInfo("guest1", "192.168.0.1", "shop");
        Assert.Equal(1L, _c.Execute("SELECT 1").Rows[0][0]);
        _c.Session = new SessionInfo("admin", "10.1.2.3", "shop");
        Assert.Equal(1L, _c.Execute("SELECT 1").Rows[0][0]);
        _c.Session = new SessionInfo("guest1", "10.1.2.3", "other");
        Assert.Equal(1L, _c.Execute("SELECT 1").Rows[0][0]);
    }

    [Fact]
    public void Rewrite_is_matched_again_and_bounded()
    {
        Plugin("answer", "rewrite_const");
        _c.Execute("CREATE FILTER to_answer WITH_PATTERN (query_regex = '^select 1$') EXECUTE (plugin = answer)");
        var r = _c.Execute("SELECT 1");
        Assert.Equal("answer", r.Columns[0].Name);
        Assert.Equal(42L, r.Rows[0][0]);
        Assert.Equal(2L, _c.Execute("SELECT 2").Rows[0][0]);

        Plugin("spaces", "append_space");
        _c.Execute("CREATE FILTER grow WITH_PATTERN (kinds = 'select', query_regex = 'spin') EXECUTE (plugin = spaces)");
        var e = Fails("SELECT 'spin'");
        Assert.Equal("54001", e.SqlState);
        Assert.Contains("rewritten more than 8 times", e.Message);
    }

    [Fact]
    public void After_hook_reads_the_result_and_sends_a_notice_and_bad_handles_are_refused()
    {
        Plugin("tags", "notice_tag");
        _c.Execute("CREATE FILTER tag_all EXECUTE (plugin = tags)");
        var r = _c.Execute("SELECT * FROM t");
        Assert.Equal(3, r.Rows.Count);
        Assert.Equal(["tag=SELECT 3"], r.Notices);
        var u = _c.Execute("UPDATE t SET name = 'z' WHERE id > 1");
        Assert.Equal(["tag=UPDATE 2"], u.Notices);
        Assert.Contains(_host.RecentLog(), l => l.Plugin == "tags" && l.Filter == "tag_all" && l.Message == "tag=UPDATE 2" && l.Level == PluginLogLevel.Notice);
    }

    [Fact]
    public void A_flooding_logger_is_capped_per_call()
    {
        Plugin("flood", "log_flood");
        _c.Execute("CREATE FILTER flood_all EXECUTE (plugin = flood)");
        var r = _c.Execute("SELECT 1");   // the guest returns 0 only if exactly 100 lines were accepted
        Assert.Equal(100, r.Notices.Count);
        Assert.All(r.Notices, n => Assert.Equal("spam", n));
    }

    [Theory]
    [InlineData("loop", "deadline")]
    [InlineData("trap", "unreachable")]
    [InlineData("memory_bomb", "memory")]
    public void A_failing_plugin_fails_its_statement_then_trips_its_fail_closed_filter(string guest, string cause)
    {
        Plugin("bad", guest);
        _c.Execute("CREATE FILTER bad_filter (max_failures = 2) WITH_PATTERN (query_regex = 'victim') EXECUTE (plugin = bad)");
        var e = Fails("SELECT 'victim'");
        Assert.Equal("38000", e.SqlState);
        Assert.Contains("plugin 'bad' (filter 'bad_filter') failed in on_query", e.Message);
        Assert.Contains(cause, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3L, _c.Execute("SELECT count(*) FROM t").Rows[0][0]);   // other statements unaffected
        var second = Fails("SELECT 'victim'");
        Assert.Contains(second.Notices, n => n.Contains("filter 'bad_filter' tripped after 2 consecutive failures"));
        // tripped: the statements it matches stay denied (the plugin is not even run), others are unaffected
        for (int i = 0; i < 3; i++)
        {
            var denied = Fails("SELECT 'victim'");
            Assert.Equal("38000", denied.SqlState);
            Assert.Contains("filter 'bad_filter' is tripped", denied.Message);
            Assert.Contains("ALTER FILTER bad_filter RESET", denied.Hint);
        }
        Assert.Equal(3L, _c.Execute("SELECT count(*) FROM t").Rows[0][0]);
        var status = (string)_c.Execute("SHOW FILTERS").Rows[0][2]!;
        Assert.StartsWith("tripped: 2 consecutive failures, last: ", status);
        Assert.DoesNotContain('\n', status);   // the status stays one line; the detail is in the plugin log
        Assert.Equal(status, _c.Execute("EXPLAIN FILTERS SELECT 'victim'").Rows[0][4]);   // still matches: it is what denies
        _c.Execute("ALTER FILTER bad_filter RESET");
        Assert.Equal("enabled", _c.Execute("SHOW FILTERS").Rows[0][2]);
        Assert.Contains(cause, Fails("SELECT 'victim'").Message, StringComparison.OrdinalIgnoreCase);   // the plugin runs again
        Plugin("bad", "allow_all");   // fixed: the count restarts on success
        Assert.Equal("victim", _c.Execute("SELECT 'victim'").Rows[0][0]);
    }

    [Fact]
    public void A_trap_reports_what_the_plugin_logged_and_says_plugin_not_udf()
    {
        Plugin("panicky", "log_then_trap");
        _c.Execute("CREATE FILTER f WITH_PATTERN (query_regex = 'victim') EXECUTE (plugin = panicky)");
        var e = Fails("SELECT 'victim'");
        Assert.Equal("38000", e.SqlState);
        Assert.StartsWith("plugin 'panicky' (filter 'f') failed in on_query: ", e.Message);
        Assert.Contains("panicked at 'boom', src/lib.rs:7:5", e.Message);   // the panic hook's line, not only "unreachable"
        Assert.DoesNotContain("UDF", e.Message);
        Assert.DoesNotContain('\n', e.Message);                             // the backtrace is the detail
        Assert.Contains("wasm backtrace", e.Detail);
        Assert.Contains(_host.RecentLog(), l => l.Plugin == "panicky" && l.Filter == "f" && l.Message.Contains("panicked at 'boom'"));
    }

    [Fact]
    public void A_fail_open_filter_disables_itself_after_max_failures()
    {
        Plugin("bad", "trap");
        _c.Execute("CREATE FILTER lenient (fail = 'open', max_failures = 2) WITH_PATTERN (query_regex = 'victim') EXECUTE (plugin = bad)");
        Assert.Equal("victim", _c.Execute("SELECT 'victim'").Rows[0][0]);
        var second = _c.Execute("SELECT 'victim'");
        Assert.Contains(second.Notices, n => n.Contains("filter 'lenient' disabled after 2 consecutive failures"));
        Assert.StartsWith("disabled: 2 consecutive failures", (string)_c.Execute("SHOW FILTERS").Rows[0][2]!);
        Assert.Equal("victim", _c.Execute("SELECT 'victim'").Rows[0][0]);   // disabled: the plugin no longer runs
        _c.Execute("ALTER FILTER lenient RESET");
        Assert.Equal("enabled", _c.Execute("SHOW FILTERS").Rows[0][2]);
        Assert.Equal("42601", Fails("ALTER FILTER lenient RESET now").SqlState);
        Assert.Equal("42704", Fails("ALTER FILTER nope RESET").SqlState);
    }

    [Fact]
    public void Fuel_stops_a_looping_plugin_deterministically()
    {
        Reopen(new PluginOptions { FuelPerCall = 1_000_000, Deadline = TimeSpan.FromSeconds(30) });
        Plugin("spin", "loop");
        _c.Execute("CREATE FILTER spin_all EXECUTE (plugin = spin)");
        var e = Fails("SELECT 1");
        Assert.Equal("38000", e.SqlState);
        Assert.Contains("fuel", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Fail_open_lets_the_statement_through_and_logs_it()
    {
        Plugin("bad", "trap");
        _c.Execute("CREATE FILTER lenient (fail = 'open', max_failures = 100) EXECUTE (plugin = bad)");
        Assert.Equal(3L, _c.Execute("SELECT count(*) FROM t").Rows[0][0]);
        Assert.Contains(_host.RecentLog(), l => l.Filter == "lenient" && l.Message.Contains("fail = 'open'"));
    }

    [Fact]
    public void Before_hooks_run_by_priority_and_the_first_deny_wins()
    {
        Plugin("deny", "deny_all");
        Plugin("answer", "rewrite_const");
        _c.Execute("CREATE FILTER b_deny (priority = 20) WITH_PATTERN (query_regex = '^select 1$') EXECUTE (plugin = deny)");
        _c.Execute("CREATE FILTER a_rewrite (priority = 10) WITH_PATTERN (query_regex = '^select 1$') EXECUTE (plugin = answer)");
        Assert.Equal(42L, _c.Execute("SELECT 1").Rows[0][0]);   // rewritten first; the new text no longer matches the deny
        _c.Execute("ALTER FILTER b_deny (priority = 5)");
        Assert.Equal("42501", Fails("SELECT 1").SqlState);
        var explain = _c.Execute("EXPLAIN FILTERS SELECT 1");
        Assert.Equal(["b_deny", "a_rewrite"], explain.Rows.Select(r => (string)r[0]!));
        Assert.Equal("SELECT", explain.Rows[0][6]);
        Assert.Empty(_c.Execute("EXPLAIN FILTERS SELECT 2").Rows);
    }

    [Fact]
    public void Catalog_survives_a_restart_and_replacing_a_plugin_hot_reloads_it()
    {
        Plugin("p", "deny_all", "WITH (level = 'strict')");
        _c.Execute("CREATE FILTER f (priority = 7) WITH_PATTERN (kinds = 'delete') EXECUTE (plugin = p, extra = 1)");
        var other = _db.Connect();
        Assert.Equal("42501", Assert.Throws<WasqlException>(() => other.Execute("DELETE FROM t WHERE id = 1")).SqlState);
        Plugin("p", "allow_all");   // hot reload: the other connection's next statement runs the new module
        Assert.Equal("DELETE 1", other.Execute("DELETE FROM t WHERE id = 1").CommandTag);
        other.Dispose();
        Plugin("p", "deny_all", "WITH (level = 'strict')");
        Reopen();
        Assert.Empty(_host.LoadErrors);
        Assert.Equal("42501", Fails("DELETE FROM t WHERE id = 2").SqlState);
        var plugins = _c.Execute("SHOW PLUGINS");
        Assert.Equal("p", plugins.Rows[0][0]);
        Assert.Equal("on_query", plugins.Rows[0][1]);
        Assert.Equal("level=strict", plugins.Rows[0][4]);
        Assert.Equal("loaded", plugins.Rows[0][6]);
        var filters = _c.Execute("SHOW FILTERS");
        Assert.Equal(["f", 7L, "enabled", "p", "on_query", "delete"], filters.Rows[0].Take(6));
        Assert.Equal("extra=1", filters.Rows[0][13]);
    }

    [Fact]
    public void A_corrupt_stored_plugin_is_reported_and_its_filters_fail_closed()
    {
        Plugin("p", "allow_all");
        _c.Execute("CREATE FILTER f (max_failures = 1) WITH_PATTERN (kinds = 'select') EXECUTE (plugin = p)");
        // Damaged outside SQL (SQL statements cannot write the catalog): through a SQLite connection of our own.
        using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "UPDATE wasql_plugins SET module = x'00112233' WHERE name = 'p'";
            cmd.ExecuteNonQuery();
        }
        Reopen();
        Assert.StartsWith("plugin p: stored module is corrupt", Assert.Single(_host.LoadErrors));
        Assert.StartsWith("error: stored module is corrupt", (string)_c.Execute("SHOW PLUGINS").Rows[0][6]!);
        for (int i = 0; i < 3; i++)
        {
            var e = Fails("SELECT 1");
            Assert.Equal("38000", e.SqlState);
            Assert.Contains("could not be loaded", e.Message);
        }
        // the host's failure (not the guest's) does not count toward max_failures: the filter neither trips nor disables
        Assert.Equal("enabled", _c.Execute("SHOW FILTERS").Rows[0][2]);
        Assert.Contains(_host.RecentLog(), l => l.Message.Contains("not counted toward max_failures"));
        Plugin("p", "allow_all");   // replacing the module repairs it
        Assert.Equal(1L, _c.Execute("SELECT 1").Rows[0][0]);
    }

    [Fact]
    public void Ddl_errors_are_clear()
    {
        var e = Assert.Throws<WasqlException>(() => Plugin("np", "not_a_plugin"));
        Assert.Contains("wasql_plugin_abi_v1", e.Message);
        var v2 = Assert.Throws<WasqlException>(() => Plugin("np", "abi_v2"));   // names the version found and ours
        Assert.Contains("declares plugin ABI version 2", v2.Message);
        Assert.Contains("supports version 1 only", v2.Message);
        var console = Assert.Throws<WasqlException>(() => Plugin("np", "console_log"));
        Assert.Contains("env::console.log", console.Message);
        Assert.Contains("ctx.log", console.Message);
        Assert.Equal("42704", Fails("CREATE FILTER f EXECUTE (plugin = nope)").SqlState);
        Plugin("deny", "deny_all");
        var syntax = Fails("CREATE FILTER f WITH_PATTERN (colour = 'red') EXECUTE (plugin = deny)");
        Assert.Equal("42601", syntax.SqlState);
        Assert.Contains("expected one of: kinds, tables", syntax.Message);
        Assert.Equal(31, syntax.Position);
        Assert.Equal("22023", Fails("CREATE FILTER f WITH_PATTERN (query_regex = '(') EXECUTE (plugin = deny)").SqlState);
        Assert.Equal("22023", Fails("CREATE FILTER f WITH_PATTERN (client_address = '10.0.0.0/33') EXECUTE (plugin = deny)").SqlState);
        Assert.Equal("22023", Fails("CREATE FILTER f (fail = 'sometimes') EXECUTE (plugin = deny)").SqlState);
        Assert.Equal("22023", Fails("CREATE PLUGIN x USING BASE64 'not base64!'").SqlState);
        foreach (var path in new[] { "/dev/zero", "/proc/self/environ", "/nonexistent/p.wasm", "/tmp" })
        {
            var unusable = Fails($"CREATE PLUGIN x USING FILE '{path}'");   // the shared USING FILE reader: one text for all
            Assert.Equal(("58P01", $"plugin \"x\": could not read module file \"{path}\": not a readable regular file"), (unusable.SqlState, unusable.Message));
        }
        _c.Execute("CREATE FILTER f EXECUTE (plugin = Deny)");   // unquoted names fold to lower case
        Assert.Equal("42704", Fails("CREATE FILTER g EXECUTE (plugin = 'Deny')").SqlState);
        Assert.Equal("2BP01", Fails("DROP PLUGIN deny").SqlState);
        Assert.Equal("42710", Fails("CREATE FILTER f EXECUTE (plugin = deny)").SqlState);
        // management statements never reach plugins, so a deny-everything filter can be dropped
        _c.Execute("DROP FILTER f");
        _c.Execute("DROP PLUGIN deny");
        _c.Execute("DROP PLUGIN IF EXISTS deny");
        Assert.Equal("42704", Fails("DROP FILTER f").SqlState);
        _c.Execute("BEGIN");
        Assert.Equal("25001", Fails("CREATE PLUGIN y USING BASE64 'AA=='").SqlState);
        _c.Execute("ROLLBACK");
    }

    [Fact]
    public void Plugin_ddl_runs_in_a_batch_with_positions()
    {
        Plugin("deny", "deny_all");
        var e = Assert.Throws<WasqlException>(() => _c.ExecuteBatch("SELECT 1; CREATE FILTER g WITH_PATTERN (nope = 1) EXECUTE (plugin = deny)"));
        Assert.Equal(11 + 30, e.Position);
    }
}
