// Issue #22 "the guard can be walked around": a filter WITH_PATTERN (tables = 'secrets') must match every statement
// kind that names or reads the table (DDL, pragmas, DML, RETURNING, view and trigger bodies), and an unknown kind in
// a pattern is an error instead of a filter that never matches.
using Wasql.Database;

namespace Wasql.Plugins.Tests;

public sealed class TableGuardTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"wasql-guard-{Guid.NewGuid():N}.db");
    private readonly WasqlDatabase _db;
    private readonly WasqlConnection _c;
    private readonly PluginHost _host;

    public TableGuardTests()
    {
        _db = WasqlDatabase.Open(_path);
        _host = PluginHost.Attach(_db);
        _c = _db.Connect();
        _c.ExecuteBatch("CREATE TABLE secrets(id INTEGER PRIMARY KEY, pin TEXT); INSERT INTO secrets VALUES (1, '1234');" +
                        "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT); CREATE INDEX secrets_pin ON secrets(pin)");
        _c.Execute($"CREATE PLUGIN deny USING BASE64 '{Guests.Base64(Guests.Wat("deny_all"))}'");
    }

    public void Dispose()
    {
        _c.Dispose();
        _db.Dispose();
        foreach (var p in new[] { _path, _path + "-wal", _path + "-shm" })
            try { File.Delete(p); } catch (IOException) { }
    }

    public static TheoryData<string> StatementsTouchingSecrets =>
    [
        "ALTER TABLE secrets RENAME TO s2",
        "ALTER TABLE secrets ADD COLUMN extra TEXT",
        "ALTER TABLE secrets DROP COLUMN pin",
        "ALTER TABLE secrets RENAME COLUMN pin TO p",
        "CREATE VIEW v AS SELECT * FROM secrets",
        "CREATE VIEW v AS SELECT n FROM (SELECT pin AS n FROM secrets)",
        "CREATE TEMP VIEW v AS SELECT pin FROM secrets",
        "CREATE TRIGGER t AFTER INSERT ON users BEGIN INSERT INTO users SELECT id + 100, pin FROM secrets; END",
        "CREATE TRIGGER t AFTER UPDATE OF name ON users BEGIN DELETE FROM secrets; END",
        "CREATE TRIGGER t BEFORE DELETE ON secrets BEGIN SELECT 1; END",
        "DROP TABLE secrets",
        "DROP INDEX secrets_pin",
        "CREATE INDEX i2 ON secrets(id, pin)",
        "PRAGMA table_info(secrets)",
        "PRAGMA main.table_xinfo('secrets')",
        "PRAGMA index_list(secrets)",
        "PRAGMA index_info(secrets_pin)",
        "SELECT * FROM pragma_table_info('secrets')",
        "SELECT name FROM pragma_table_info((SELECT 'sec' || 'rets'))",
        "SELECT * FROM secrets",
        "INSERT INTO secrets VALUES (2, '0000')",
        "INSERT INTO users VALUES (5, 'x') RETURNING (SELECT pin FROM secrets)",
        "UPDATE secrets SET pin = '0'",
        "DELETE FROM secrets",
        "ANALYZE secrets",
        "CREATE TABLE copy AS SELECT * FROM secrets",
    ];

    [Theory]
    [MemberData(nameof(StatementsTouchingSecrets))]
    public void Explain_filters_reports_the_table_and_a_guard_denies_the_statement(string sql)
    {
        _c.Execute("CREATE FILTER guard WITH_PATTERN (tables = 'secrets') EXECUTE (plugin = deny)");
        var explain = _c.Execute("EXPLAIN FILTERS " + sql);
        var row = Assert.Single(explain.Rows);
        Assert.Contains("secrets", ((string)row[7]!).Split(','));
        var e = Assert.Throws<WasqlException>(() => _c.Execute(sql));
        Assert.Equal("42501", e.SqlState);
        // nothing ran: the table, its row, its columns and the schema are as they were
        _c.Execute("DROP FILTER guard");
        Assert.Equal([1L, "1234"], _c.Execute("SELECT * FROM secrets").Rows[0]);
        Assert.Equal(0L, _c.Execute("SELECT count(*) FROM sqlite_schema WHERE name IN ('v', 't', 's2', 'i2', 'copy')").Rows[0][0]);
        Assert.Equal(0L, _c.Execute("SELECT count(*) FROM users").Rows[0][0]);
    }

    [Fact]
    public void Analysing_a_new_view_or_trigger_leaves_no_trace_and_other_tables_are_not_reported()
    {
        var explain = _c.Execute("EXPLAIN FILTERS CREATE VIEW v AS SELECT name FROM users");
        Assert.Empty(explain.Rows);   // no filter yet: nothing matches, but the statement was analysed
        _c.Execute("CREATE FILTER guard WITH_PATTERN (tables = 'secrets') EXECUTE (plugin = deny)");
        Assert.Empty(_c.Execute("EXPLAIN FILTERS CREATE VIEW v AS SELECT name FROM users").Rows);
        Assert.Empty(_c.Execute("EXPLAIN FILTERS CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END").Rows);
        Assert.Empty(_c.Execute("EXPLAIN FILTERS PRAGMA table_info(users)").Rows);
        _c.Execute("CREATE VIEW v AS SELECT name FROM users");   // not guarded: runs
        _c.Execute("CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END");
        Assert.Equal(2L, _c.Execute("SELECT count(*) FROM sqlite_schema WHERE name IN ('v', 't')").Rows[0][0]);
        // inside a transaction, the analysis's savepoint does not disturb the user's work
        _c.Execute("BEGIN");
        _c.Execute("INSERT INTO users VALUES (1, 'kept')");
        Assert.Equal("42501", Assert.Throws<WasqlException>(() => _c.Execute("CREATE VIEW w AS SELECT pin FROM secrets")).SqlState);
        _c.Execute("COMMIT");
        Assert.Equal("kept", _c.Execute("SELECT name FROM users WHERE id = 1").Rows[0][0]);
        Assert.Equal(0L, _c.Execute("SELECT count(*) FROM sqlite_schema WHERE name = 'w'").Rows[0][0]);
    }

    [Fact]
    public void An_unknown_kind_is_an_error_listing_the_valid_kinds()
    {
        var e = Assert.Throws<WasqlException>(() => _c.Execute("CREATE FILTER f WITH_PATTERN (kinds = 'select,selct') EXECUTE (plugin = deny)"));
        Assert.Equal("22023", e.SqlState);
        Assert.Contains("'selct'", e.Message);
        Assert.Contains("select", e.Hint);
        Assert.Contains("create/drop/alter", e.Hint);
        Assert.Equal("22023", Assert.Throws<WasqlException>(() => _c.Execute("CREATE FILTER f WITH_PATTERN (kinds = 'create tabel') EXECUTE (plugin = deny)")).SqlState);
        _c.Execute("CREATE FILTER f WITH_PATTERN (kinds = 'select, create  table,alter') EXECUTE (plugin = deny)");
        Assert.Equal("42501", Assert.Throws<WasqlException>(() => _c.Execute("CREATE TABLE x(a)")).SqlState);
    }

    [Theory]
    [MemberData(nameof(StatementsTouchingSecrets))]
    public void The_table_guard_example_denies_every_kind_to_other_users_and_logs_it(string sql)
    {
        var host = _host;
        _c.Execute($"CREATE PLUGIN table_guard USING FILE '{Guests.Example("table_guard")}'");
        _c.Execute("CREATE FILTER guard_secrets WITH_PATTERN (tables = 'secrets') EXECUTE (plugin = table_guard, tables = 'secrets', users = 'alice, auditor')");
        using var bob = _db.Connect();
        bob.SetRole("bob", unknownIsSuperuser: true);   // a superuser by privileges: only the plugin stands in the way
        var e = Assert.Throws<WasqlException>(() => bob.Execute(sql));
        Assert.Equal("42501", e.SqlState);
        Assert.StartsWith("table_guard: user 'bob' may not run ", e.Message);
        Assert.EndsWith(" statements on secrets", e.Message);
        // the denial is in the plugin log with plugin, filter, user and SQLSTATE (wasql serve prints it too)
        Assert.Contains(host.RecentLog(), l => l.Plugin == "table_guard" && l.Filter == "guard_secrets" && l.User == "bob"
                                               && l.Level == PluginLogLevel.Warning && l.Message.Contains("SQLSTATE 42501"));
        Assert.Equal(0L, bob.Execute("SELECT count(*) FROM users").Rows[0][0]);   // other tables are not guarded
        using var alice = _db.Connect();
        alice.SetRole("alice", unknownIsSuperuser: true);
        Assert.Equal([1L, "1234"], alice.Execute("SELECT * FROM secrets").Rows[0]);   // bob's statement changed nothing
        alice.Execute("BEGIN");
        try { alice.Execute(sql); }   // an allowed user runs it (SQLite may still refuse one: DROP COLUMN of an indexed column)
        catch (WasqlException refused) { Assert.DoesNotContain("table_guard", refused.Message); }
        alice.Execute("ROLLBACK");
        Assert.Equal("42501", Assert.Throws<WasqlException>(() => _c.Execute("SELECT pin FROM secrets")).SqlState);   // the OS user is not on the list
    }
}
