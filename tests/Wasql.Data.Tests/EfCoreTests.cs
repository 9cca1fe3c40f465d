// EF Core 10 over the ADO.NET provider: Wasql's SQL is SQLite's, so EF Core's SQLite provider generates it, over a
// WasqlDbConnection (UseSqlite(DbConnection)). Raw SQL (FromSql, with a Wasql function), LINQ and SaveChanges go
// through Wasql's session: its functions, plugins, privileges and SQLSTATEs apply.
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Wasql.Database;

namespace Wasql.Data.Tests;

public sealed class EfCoreTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    public sealed class Pair
    {
        public int Id { get; set; }
        public int A { get; set; }
        public int B { get; set; }
    }

    public sealed class PairGcd
    {
        public int Id { get; set; }
        public long G { get; set; }
    }

    private sealed class Pairs(DbConnection connection) : DbContext
    {
        public DbSet<Pair> Pair => Set<Pair>();
        protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlite(connection);
        protected override void OnModelCreating(ModelBuilder model)
        {
            model.Entity<Pair>().ToTable("pair");
            model.Entity<PairGcd>().HasNoKey().ToView(null);
        }
    }

    [Fact]
    public void FromSql_linq_and_save_changes_run_through_wasql()
    {
        using var connection = new WasqlDbConnection(_db.ConnectionString());
        connection.Open();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"CREATE TABLE pair(Id INTEGER PRIMARY KEY, A INTEGER NOT NULL, B INTEGER NOT NULL);" +
                $"CREATE FUNCTION wasm_gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 '{TestDatabase.GcdFixtureBase64}'";
            cmd.ExecuteNonQuery();
        }
        using var ctx = new Pairs(connection);
        ctx.Pair.AddRange(new Pair { Id = 1, A = 12, B = 18 }, new Pair { Id = 2, A = 35, B = 49 }, new Pair { Id = 3, A = 7, B = 3 });
        Assert.Equal(3, ctx.SaveChanges());
        Assert.Equal([2, 3], ctx.Pair.Where(p => p.A > 10 - 4 && p.B < 50).OrderBy(p => p.Id).Skip(1).Select(p => p.Id).ToList());
        int min = 10;
        var gcds = ctx.Database.SqlQuery<PairGcd>($"SELECT Id, wasm_gcd(A, B) AS G FROM pair WHERE A > {min} ORDER BY Id").ToList();
        Assert.Equal([(1, 6L), (2, 7L)], gcds.Select(g => (g.Id, g.G)));
        var big = ctx.Pair.FromSql($"SELECT * FROM pair WHERE wasm_gcd(A, B) > {5}").OrderBy(p => p.Id).ToList();
        Assert.Equal([1, 2], big.Select(p => p.Id));
        var e = Assert.ThrowsAny<DbException>(() => ctx.Database.ExecuteSqlRaw("INSERT INTO pair VALUES (1, 1, 1)"));
        Assert.Equal("23505", e.SqlState);
    }
}
