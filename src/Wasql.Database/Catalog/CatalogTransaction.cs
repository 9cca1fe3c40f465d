// The narrow entry through which code above the database (the plugin layer) reads and writes its own catalog tables,
// instead of a raw SQLite handle: statements run on the session's internal connection (outside its authorizer and
// extensions, like Wasql's own catalog queries) inside one savepoint, so the work is all or nothing and nests in a
// surrounding transaction. The savepoint helper here is also what CREATE/DROP FUNCTION write their catalog with.
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Wasql.Database.Catalog;

public sealed class CatalogTransaction
{
    private readonly SqliteConnection _connection;

    internal CatalogTransaction(SqliteConnection connection) => _connection = connection;

    /// <summary>Runs a statement with named parameters (<c>$name</c>); returns the rows it changed.</summary>
    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Runs a query and hands each row to <paramref name="row"/> (read it with <see cref="CatalogValues"/>).</summary>
    public void Query(string sql, Action<DbDataReader> row, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(sql, parameters);
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) row(reader);
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    /// <summary>Runs <paramref name="work"/> inside SAVEPOINT <paramref name="name"/>: released when it returns, rolled
    /// back (then released) when it throws.</summary>
    internal static T InSavepoint<T>(SqliteConnection c, string name, Func<T> work)
    {
        WasqlDatabase.Pragma(c, $"SAVEPOINT {name}");
        T result;
        try
        {
            result = work();
        }
        catch
        {
            WasqlDatabase.Pragma(c, $"ROLLBACK TO {name}");
            WasqlDatabase.Pragma(c, $"RELEASE {name}");
            throw;
        }
        WasqlDatabase.Pragma(c, $"RELEASE {name}");
        return result;
    }
}
