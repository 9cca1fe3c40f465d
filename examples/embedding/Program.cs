// A console app using Wasql from its NuGet packages: the engine API (a host function called by a guest), an
// embedded database with a WebAssembly function created in SQL, and the same through the ADO.NET provider.
using System.Data.Common;
using Wasql.Data;
using Wasql.Database;
using Wasql.Wasm;

// (module (import "env" "report" (func $report (param i32)))
//   (func (export "add") (param i32 i32) (result i32) (local.get 0) (local.get 1) (i32.add))
//   (func (export "run") (call $report (i32.const 42))))
byte[] wasm = Convert.FromBase64String(
    "AGFzbQEAAAABDgNgAX8AYAJ/fwF/YAAAAg4BA2VudgZyZXBvcnQAAAMDAgECBw0CA2FkZAABA3J1bgACChACBwAgACABagsGAEEqEAAL");

var engine = new Engine();
var module = Module.Compile(engine, wasm);
using (var store = new Store(engine))
{
    var linker = new Linker(engine);
    int reported = 0;
    linker.DefineFunction(store, "env", "report", (Action<int>)(v => reported = v));
    var instance = linker.Instantiate(store, module);
    Console.WriteLine($"engine: add(2, 3) = {instance.GetFunction<Func<int, int, int>>("add")(2, 3)}");
    instance.GetFunction<Action>("run")();
    Console.WriteLine($"engine: the guest reported {reported}");
}

// (module (func (export "add") (param i32 i32) (result i32) (local.get 0) (local.get 1) (i32.add)))
const string AddModule = "AGFzbQEAAAABBwFgAn9/AX8DAgEABwcBA2FkZAAACgkBBwAgACABags=";
using var db = WasqlDatabase.Open(":memory:");
using var c = db.Connect();
c.Execute($"CREATE FUNCTION plus(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING BASE64 '{AddModule}'");
c.ExecuteBatch("CREATE TABLE t(a INTEGER, b INTEGER); INSERT INTO t VALUES (1, 2), (40, 2)");
foreach (var row in c.Execute("SELECT a, b, plus(a, b) FROM t ORDER BY a").Rows)
    Console.WriteLine($"database: plus({row[0]}, {row[1]}) = {row[2]}");

// ADO.NET: what Dapper, DbProviderFactories and data libraries use.
var file = Path.Combine(Path.GetTempPath(), $"wasql-embedding-{Guid.NewGuid():N}.db");
try
{
    using (var connection = new WasqlDbConnection($"Data Source={file}"))
    {
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = $"CREATE FUNCTION plus(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING BASE64 '{AddModule}'";
        create.ExecuteNonQuery();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT plus(@a, @b)";
        query.Parameters.AddWithValue("a", 20);
        query.Parameters.AddWithValue("b", 22);
        Console.WriteLine($"ado.net: plus(20, 22) = {query.ExecuteScalar()}");
        try
        {
            query.CommandText = "SELECT * FROM missing";
            query.ExecuteScalar();
        }
        catch (DbException e)
        {
            Console.WriteLine($"ado.net: SQLSTATE {e.SqlState}: {e.Message}");
        }
    }
    WasqlDbConnection.ClearAllPools();
}
finally
{
    foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
}
return 0;
