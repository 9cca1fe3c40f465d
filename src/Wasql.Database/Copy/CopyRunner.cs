// Runs a planned COPY on a session: FROM streams rows from the channel into the prepared INSERT inside one savepoint
// (all rows or none); TO steps the prepared SELECT and hands rows to the channel one at a time. Memory stays bounded
// by one row either way.
using SQLitePCL;
using Wasql.Database.Sql;

namespace Wasql.Database.Copy;

internal static class CopyRunner
{
    private const string Savepoint = "wasql_copy";

    public static QueryResult Run(WasqlConnection connection, PreparedSql prepared, CopyStatement copy, ICopyChannel? channel)
    {
        if (channel is null)
            throw new WasqlException(SqlStates.FeatureNotSupported,
                $"COPY {(copy.Direction == CopyDirection.From ? "FROM STDIN" : "TO STDOUT")} needs a client that exchanges COPY data (the wire protocol: psql, a Postgres driver)");
        channel.Start(copy, prepared.CopyColumns);
        return copy.Direction == CopyDirection.From ? From(connection, prepared, copy, channel) : To(connection, prepared, channel);
    }

    private static QueryResult From(WasqlConnection connection, PreparedSql prepared, CopyStatement copy, ICopyChannel channel)
    {
        Exec(connection, $"SAVEPOINT {Savepoint}");
        long count = 0;
        try
        {
            var values = new object?[prepared.CopyColumns.Count];
            while (channel.ReadRow(values))
            {
                if (connection.CancelRequested)
                    throw new WasqlException(SqlStates.QueryCanceled, "canceling statement due to user request");
                prepared.StepOnce(values);
                count++;
            }
            Exec(connection, $"RELEASE {Savepoint}");
        }
        catch (WasqlException e)
        {
            Undo(connection);
            throw e.Where is null ? e.WithWhere($"COPY {copy.Target}, line {channel.Line}") : e;
        }
        catch
        {
            Undo(connection);
            throw;
        }
        return QueryResult.Command($"COPY {count}", count);
    }

    private static QueryResult To(WasqlConnection connection, PreparedSql prepared, ICopyChannel channel)
    {
        long count = 0;
        foreach (var row in prepared.Stream())
        {
            channel.WriteRow(row);
            count++;
        }
        channel.Finish();
        return QueryResult.Command($"COPY {count}");
    }

    private static void Undo(WasqlConnection connection)
    {
        // Leaves the table as it was; an enclosing transaction stays usable for ROLLBACK.
        raw.sqlite3_exec(connection.Handle, $"ROLLBACK TO {Savepoint}; RELEASE {Savepoint}");
    }

    private static void Exec(WasqlConnection connection, string sql)
    {
        int rc = raw.sqlite3_exec(connection.Handle, sql);
        if (rc != raw.SQLITE_OK) throw ErrorMapper.FromSqlite(connection, rc, sql, 0);
    }
}
