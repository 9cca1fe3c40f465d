// Finds the tables a statement touches by planning it again with a SQLite authorizer installed: SQLite reports every
// table it will read or write, including those behind views and inside triggers. Only runs when an extension asks.
using SQLitePCL;
using Wasql.Database.Sql;

namespace Wasql.Database.Extensions;

internal static class StatementAnalyzer
{
    private const int SQLITE_DELETE = 9, SQLITE_INSERT = 18, SQLITE_READ = 20, SQLITE_UPDATE = 23;

    public static IReadOnlyList<string> Tables(WasqlConnection connection, PreparedSql prepared)
    {
        if (prepared.Command is not null || prepared.Extension is not null || Lexer.IsBlank(prepared.Text)) return [];
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var handle = connection.Handle;
        connection.Authorizer.Observe(access =>
        {
            int action = (int)access.Action;
            if (action is SQLITE_READ or SQLITE_INSERT or SQLITE_UPDATE or SQLITE_DELETE)
            {
                var name = access.Arg1;
                if (name is not null && !name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
                {
                    name = name.ToLowerInvariant();
                    if (seen.Add(name)) found.Add(name);
                }
            }
        });
        try
        {
            int rc = raw.sqlite3_prepare_v2(handle, prepared.SqliteText, out var stmt, out _);
            stmt?.Dispose();
            if (rc != raw.SQLITE_OK) return [];
        }
        finally
        {
            connection.Authorizer.StopObserving();
        }
        return found;
    }
}
