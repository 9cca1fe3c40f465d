// The ADO.NET provider under Dapper 2.1.86, as an application uses it: typed queries, execute with named and list
// parameters, transactions, multi-mapping, several result sets, Wasql's own statements (CREATE FUNCTION, plugins)
// and its errors (SQLSTATEs as DbException).
using System.Data;
using System.Data.Common;
using Dapper;
using Wasql.Database;

namespace Wasql.Data.Tests;

public sealed class DapperTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public DapperTests()
    {
        using var c = _db.Open();
        c.Execute("""
            CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL, vip BOOLEAN, balance NUMERIC, token UUID, joined DATE);
            CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id), amount REAL, note TEXT);
            """);
    }

    public void Dispose() => _db.Dispose();

    public sealed class Customer
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
        public bool Vip { get; set; }
        public decimal Balance { get; set; }
        public Guid Token { get; set; }
        public DateTime Joined { get; set; }
    }

    public sealed class Order
    {
        public long Id { get; set; }
        public double Amount { get; set; }
        public string? Note { get; set; }
        public Customer? Customer { get; set; }
    }

    private static readonly Customer Alice = new() { Id = 1, Name = "alice", Vip = true, Balance = 12.50m, Token = Guid.NewGuid(), Joined = new DateTime(2024, 5, 17) };
    private static readonly Customer Bob = new() { Id = 2, Name = "bob", Vip = false, Balance = -3m, Token = Guid.NewGuid(), Joined = new DateTime(2023, 1, 2) };

    private void Seed(IDbConnection c) =>
        Assert.Equal(2, c.Execute("INSERT INTO customer VALUES (@Id, @Name, @Vip, @Balance, @Token, @Joined)", new[] { Alice, Bob }));

    [Fact]
    public void Query_maps_typed_columns_to_objects_and_back()
    {
        using var c = _db.Open();
        Seed(c);
        var rows = c.Query<Customer>("SELECT * FROM customer ORDER BY id").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equivalent(Alice, rows[0]);
        Assert.Equivalent(Bob, rows[1]);
        var one = c.QuerySingle<Customer>("SELECT * FROM customer WHERE token = @token", new { token = Bob.Token });
        Assert.Equal("bob", one.Name);
        Assert.Equal(2L, c.ExecuteScalar<long>("SELECT count(*) FROM customer"));
        Assert.Null(c.QueryFirstOrDefault<Customer>("SELECT * FROM customer WHERE id = @id", new { id = 99 }));
        // positional ? and $n placeholders bind in order
        Assert.Equal("alice", c.ExecuteScalar<string>("SELECT name FROM customer WHERE id = $1", new DynamicParameters(new Dictionary<string, object> { ["p1"] = 1 })));
    }

    [Fact]
    public void The_reader_reports_declared_types_and_typed_getters()
    {
        using var c = _db.Open();
        Seed(c);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, vip, balance, token, joined, id * 2 AS twice FROM customer WHERE id = @id";
        cmd.Parameters.AddWithValue("id", 1);
        using var r = cmd.ExecuteReader();
        Assert.Equal([typeof(int), typeof(string), typeof(bool), typeof(decimal), typeof(Guid), typeof(DateTime)],
            Enumerable.Range(0, 6).Select(r.GetFieldType));
        Assert.True(r.Read());
        Assert.Equal(1, r.GetValue(0));                  // INTEGER declares int4, as PostgreSQL's integer
        Assert.Equal(Alice.Token, r.GetGuid(4));
        Assert.Equal(12.50m, r.GetDecimal(3));
        Assert.Equal(2L, r.GetValue(6));                 // an expression keeps its storage type
        Assert.Equal(typeof(long), r.GetFieldType(6));
        Assert.Equal(2, r.GetInt32(6));
        Assert.Throws<InvalidCastException>(() => r.GetGuid(1));
        Assert.False(r.Read());
    }

    [Fact]
    public void Transactions_commit_and_roll_back()
    {
        using var c = _db.Open();
        using (var tx = c.BeginTransaction())
        {
            c.Execute("INSERT INTO customer(id, name) VALUES (10, 'kept')", transaction: tx);
            tx.Commit();
        }
        using (var tx = c.BeginTransaction())
        {
            c.Execute("INSERT INTO customer(id, name) VALUES (11, 'dropped')", transaction: tx);
            tx.Save("before_second");
            c.Execute("INSERT INTO customer(id, name) VALUES (12, 'also dropped')", transaction: tx);
            tx.Rollback("before_second");
            Assert.Equal(2, c.ExecuteScalar<int>("SELECT count(*) FROM customer", transaction: tx));
        }   // disposed without commit: rolled back
        Assert.Equal(["kept"], c.Query<string>("SELECT name FROM customer"));
        // a transaction left open when the connection closes is rolled back, and the connection can be reopened
        var tx2 = c.BeginTransaction();
        c.Execute("INSERT INTO customer(id, name) VALUES (13, 'lost')", transaction: tx2);
        c.Close();
        c.Open();
        Assert.Equal(1, c.ExecuteScalar<int>("SELECT count(*) FROM customer"));
        Assert.Throws<InvalidOperationException>(() => { using var a = c.BeginTransaction(); using var b = c.BeginTransaction(); });
    }

    [Fact]
    public void Multi_mapping_and_several_result_sets()
    {
        using var c = _db.Open();
        Seed(c);
        c.Execute("INSERT INTO orders VALUES (@id, @cid, @amount, @note)",
            new[] { new { id = 1, cid = 1, amount = 9.5, note = (string?)"first" }, new { id = 2, cid = 2, amount = 1.25, note = (string?)null } });
        var orders = c.Query<Order, Customer, Order>(
            "SELECT o.id, o.amount, o.note, c.id, c.name FROM orders o JOIN customer c ON c.id = o.customer_id ORDER BY o.id",
            (o, cu) => { o.Customer = cu; return o; }, splitOn: "id").ToList();
        Assert.Equal(["alice", "bob"], orders.Select(o => o.Customer!.Name));
        Assert.Equal([9.5, 1.25], orders.Select(o => o.Amount));
        Assert.Null(orders[1].Note);
        using var grid = c.QueryMultiple("SELECT count(*) FROM orders; UPDATE orders SET note = 'x' WHERE id = 2; SELECT name FROM customer ORDER BY id");
        Assert.Equal(2L, grid.ReadSingle<long>());
        Assert.Equal(["alice", "bob"], grid.Read<string>());
        Assert.Equal(2, c.Execute("UPDATE orders SET amount = amount + 1; DELETE FROM orders WHERE id = 99"));   // rows affected add up
    }

    [Fact]
    public void Wasql_functions_are_created_and_called_through_the_provider()
    {
        using var c = _db.Open();
        c.Execute($"CREATE FUNCTION wasm_gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{TestDatabase.GcdFixtureBase64}'");
        c.Execute($"CREATE FUNCTION plus(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING BASE64 '{TestDatabase.WatBase64("add")}'");
        Assert.Equal(6, c.ExecuteScalar<int>("SELECT wasm_gcd(@a, @b)", new { a = 18, b = 24 }));
        Assert.Equal(42, c.ExecuteScalar<int>("SELECT plus(40, 2)"));
        using (var cmd = c.CreateCommand())
        {
            // a function's declared result type types its column: int4 arrives as Int32 (SQLite itself has no
            // declared type for an expression)
            cmd.CommandText = "SELECT plus(40, 2) AS total, wasm_gcd(12, 18), 1 + 1";
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            Assert.Equal([typeof(int), typeof(int), typeof(long)], Enumerable.Range(0, 3).Select(r.GetFieldType));
            Assert.Equal([42, 6, 2L], Enumerable.Range(0, 3).Select(r.GetValue));
        }
        Seed(c);
        Assert.Equal([3, 4], c.Query<int>("SELECT plus(id, 2) FROM customer ORDER BY id"));
        // another connection of the same connection string sees the catalog
        using var other = _db.Open();
        Assert.Contains(other.Query<string>("SHOW FUNCTIONS"), n => n == "plus");
        var e = Assert.Throws<WasqlException>(() => c.Execute($"CREATE FUNCTION plus(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING BASE64 '{TestDatabase.WatBase64("add")}'"));
        Assert.Equal("42723", e.SqlState);   // duplicate function, as PostgreSQL
    }

    [Fact]
    public void Errors_are_db_exceptions_with_sqlstates_and_the_connection_stays_usable()
    {
        using var c = _db.Open();
        Seed(c);
        DbException e = Assert.ThrowsAny<DbException>(() => c.Execute("INSERT INTO customer(id, name) VALUES (1, 'dup')"));
        Assert.Equal("23505", e.SqlState);
        Assert.Equal("42P01", Assert.ThrowsAny<DbException>(() => c.Query("SELECT * FROM nope")).SqlState);
        Assert.Equal("42P02", Assert.ThrowsAny<DbException>(() => c.Query("SELECT * FROM customer WHERE id = @missing")).SqlState);
        Assert.Equal("42601", Assert.ThrowsAny<DbException>(() => c.Query("SELEC 1")).SqlState);
        Assert.Equal(2, c.ExecuteScalar<int>("SELECT count(*) FROM customer"));
    }

    [Fact]
    public void Plugins_and_roles_apply_to_provider_connections()
    {
        using (var admin = _db.Open())
        {
            Seed(admin);
            admin.Execute($"CREATE PLUGIN deny USING BASE64 '{TestDatabase.WatBase64("deny_secrets")}'");
            admin.Execute("CREATE TABLE secrets(x)");
            admin.Execute("CREATE FILTER guard WITH_PATTERN (tables = 'secrets') EXECUTE (plugin = deny)");
            admin.Execute("CREATE USER analyst");
            admin.Execute("GRANT SELECT ON customer TO analyst");
        }
        WasqlDbConnection.ClearAllPools();
        using var c = _db.Open();   // a new database object: the plugin comes from the catalog
        var denied = Assert.ThrowsAny<DbException>(() => c.Query("SELECT * FROM secrets"));
        Assert.Equal(("42501", "secrets are off limits"), (denied.SqlState, denied.Message));
        using var analyst = _db.Open("User=analyst");
        Assert.Equal(2, analyst.ExecuteScalar<int>("SELECT count(*) FROM customer"));
        Assert.Equal("42501", Assert.ThrowsAny<DbException>(() => analyst.Execute("DELETE FROM customer")).SqlState);
        Assert.Equal("28000", Assert.ThrowsAny<DbException>(() => _db.Open("User=nobody")).SqlState);
        using var noPlugins = _db.Open("Plugins=false");
        Assert.Empty(noPlugins.Query("SELECT * FROM secrets"));
    }

    [Fact]
    public async Task Async_commands_are_cancelled_by_token_and_by_timeout()
    {
        await using var c = new WasqlDbConnection(_db.ConnectionString());
        await c.OpenAsync();
        c.Execute($"CREATE FUNCTION spin() RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'spin') USING BASE64 '{TestDatabase.WatBase64("add")}'");
        const string endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            var e = await Assert.ThrowsAnyAsync<DbException>(() => c.ExecuteScalarAsync<long>(new CommandDefinition(endless, cancellationToken: cts.Token)));
            Assert.Equal("57014", e.SqlState);
        }
        var timeout = Assert.ThrowsAny<DbException>(() => c.ExecuteScalar<long>(endless, commandTimeout: 1));
        Assert.Equal("57014", timeout.SqlState);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT 1"));
        var rows = await c.QueryAsync<int>("SELECT value FROM json_each('[1,2,3]')");
        Assert.Equal([1, 2, 3], rows);
    }

    [Fact]
    public void The_factory_and_connection_strings()
    {
        DbProviderFactories.RegisterFactory(WasqlProviderFactory.InvariantName, WasqlProviderFactory.Instance);
        var factory = DbProviderFactories.GetFactory("Wasql");
        using var c = factory.CreateConnection()!;
        c.ConnectionString = _db.ConnectionString("Lock Timeout=2.5;Command Timeout=7");
        c.Open();
        Assert.Equal(ConnectionState.Open, c.State);
        using var cmd = c.CreateCommand();
        Assert.Equal(7, cmd.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), ((WasqlDbConnection)c).Session.LockTimeout);
        Assert.Throws<ArgumentException>(() => new WasqlDbConnection("Data Source=x.db;Colour=red"));
        Assert.Throws<ArgumentException>(() => new WasqlDbConnection("Data Source=x.db;Lock Timeout=soon"));
        var duck = Assert.ThrowsAny<DbException>(() => new WasqlDbConnection("Data Source=x.duckdb").Open());
        Assert.Equal("0A000", duck.SqlState);
        var b = new WasqlConnectionStringBuilder { DataSource = "a.db", User = "analyst", Plugins = false };
        Assert.Equal("Data Source=a.db;User=analyst;Plugins=False", b.ConnectionString);
        using var memory = new WasqlDbConnection("Data Source=:memory:");
        memory.Open();
        memory.Execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
        Assert.Equal(1, memory.ExecuteScalar<int>("SELECT count(*) FROM t"));
    }
}
