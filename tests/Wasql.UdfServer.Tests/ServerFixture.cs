// A database file with functions of every kind the server serves (the Databend arrow-udf fixture, the freestanding
// C ABI-3 guest of the UDF tests built with clang-14, a direct-ABI module assembled with wat2wasm), and helpers to
// start a server on it (port 0) and to talk to it with the Apache.Arrow.Flight client the way RisingWave's client does.
using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Flight;
using Apache.Arrow.Flight.Client;
using Apache.Arrow.Types;
using Grpc.Core;
using Grpc.Net.Client;
using Wasql.Database;
using Wasql.Tests.Shared;
using Wasql.UdfServer;
using Wasql.UdfServer.Hosting;

namespace Wasql.UdfServer.Tests;

public sealed class ServerFixture : IDisposable
{
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"wasql-udfserver-{Guid.NewGuid():N}.db");

    public ServerFixture()
    {
        using var db = WasqlDatabase.Open(DatabasePath);
        using var c = db.Connect();
        string fixture = TestPaths.ArrowUdfFixture("databend_gcd.wasm");
        c.Execute($"CREATE FUNCTION gcd(int4, int4) RETURNS int4 LANGUAGE wasm WITH (export = 'wasm_gcd') USING FILE '{fixture}'");
        c.Execute($"CREATE FUNCTION lcm(int4, int4) RETURNS int4 LANGUAGE wasm WITH (export = 'wasm_lcm') USING FILE '{fixture}'");
        c.Execute($"CREATE FUNCTION is_prime(int4) RETURNS boolean LANGUAGE wasm WITH (export = 'wasm_is_prime') USING FILE '{fixture}'");
        string abi3 = Build("abi3", "clang-14", ["--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-dynamic",
            "-Wl,--export=ARROWUDF_VERSION_3_0", "-Wl,--export=arrowudt_S2V5VmFsdWU9a2V5OnN0cmluZyx2YWx1ZTpzdHJpbmc",
            "-o", "{out}", Path.Combine(TestPaths.Repo, "tests", "Wasql.Udf.Tests", "Abi3Guest", "abi3_guest.c")]);
        c.Execute($"CREATE FUNCTION concat(text, text) RETURNS text LANGUAGE wasm USING FILE '{abi3}'");
        c.Execute($"CREATE FUNCTION reverse(bytea) RETURNS bytea LANGUAGE wasm USING FILE '{abi3}'");
        c.Execute($"CREATE FUNCTION div(int4, int4) RETURNS int4 LANGUAGE wasm USING FILE '{abi3}'");
        c.Execute($"CREATE FUNCTION array_sum(int4[]) RETURNS int4 LANGUAGE wasm USING FILE '{abi3}'");
        c.Execute($"CREATE FUNCTION series(int4) RETURNS SETOF int4 LANGUAGE wasm WITH (export = 'range') USING FILE '{abi3}'");
        string wat = Path.Combine(Path.GetTempPath(), $"wasql-udfserver-{Environment.ProcessId}.wat");
        File.WriteAllText(wat, """
            (module
              (memory (export "memory") 1)
              (func (export "spin") (param i32) (result i32) (loop (br 0)) (unreachable))
              (func (export "add8") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
              (func (export "half") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5))))
            """);
        string direct = Build("direct", "wat2wasm", [wat, "-o", "{out}"]);
        c.Execute($"CREATE FUNCTION spin(int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'spin') USING FILE '{direct}'");
        c.Execute($"CREATE FUNCTION add8(int8, int8) RETURNS int8 LANGUAGE wasm WITH (abi = 'direct', export = 'add8') USING FILE '{direct}'");
        c.Execute($"CREATE FUNCTION half(float8) RETURNS float8 LANGUAGE wasm WITH (abi = 'direct', export = 'half') USING FILE '{direct}'");
    }

    private static string Build(string name, string tool, string[] args)
    {
        string output = Path.Combine(Path.GetTempPath(), $"wasql-udfserver-{name}-{Environment.ProcessId}.wasm");
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a.Replace("{out}", output));
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} failed (scripts/setup.sh installs it): {err}");
        return output;
    }

    public static async Task<UdfServerHost> Start(string db, int maxMessageBytes = 64 << 20, StringWriter? log = null) =>
        await UdfServerHost.StartAsync(new UdfServerOptions
        {
            DatabasePath = db,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            MaxMessageBytes = maxMessageBytes,
            Verbose = true,
            ReloadInterval = TimeSpan.FromHours(1),   // tests reload with the action
        }, log ?? new StringWriter());

    public static FlightClient Client(UdfServerHost host) => new(GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { MaxSendMessageSize = null, MaxReceiveMessageSize = null }));

    /// <summary>One exchange as RisingWave's client does it: path descriptor [name], the input schema, the batches;
    /// returns the output batches (the call's error status, if any, is thrown as RpcException).</summary>
    public static async Task<List<RecordBatch>> Exchange(FlightClient client, string name, params RecordBatch[] inputs)
    {
        using var call = client.DoExchange(FlightDescriptor.CreatePathDescriptor(name));
        var reading = Task.Run(async () =>
        {
            var list = new List<RecordBatch>();
            await foreach (var b in call.ResponseStream) list.Add(b);
            return list;
        });
        try
        {
            foreach (var input in inputs) await call.RequestStream.WriteAsync(input);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception writeError)
        {
            // The server may end the call while the client still writes (an oversized message, a trap): then the
            // write fails with whatever gRPC says about a finished call, and the call's real status is what the
            // response stream reports.
            try { await reading; }
            catch (RpcException) { throw; }
            catch (Exception) { /* no status there either: report the write's own error */ }
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(writeError);
        }
        return await reading;
    }

    public static RecordBatch Batch(params (string Name, IArrowType Type, object?[] Values)[] columns) =>
        new(new Schema(columns.Select(c => new Field(c.Name, c.Type, true)), null),
            columns.Select(c => Wasql.Arrow.BoxedArrays.Build(c.Type, c.Values)), columns.Length == 0 ? 0 : columns[0].Values.Length);

    public static object?[] Column(IEnumerable<RecordBatch> batches, int column) =>
        batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => Wasql.Arrow.BoxedValues.Get(b.Column(column), i))).ToArray();

    public void Dispose()
    {
        foreach (var p in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
            try { File.Delete(p); } catch (IOException) { }
    }
}
