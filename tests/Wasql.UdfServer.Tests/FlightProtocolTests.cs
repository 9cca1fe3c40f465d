// wasql udf-server driven with the Apache.Arrow.Flight client exactly as RisingWave's client drives a UDF server:
// protocol_version, GetFlightInfo (input ++ output schema, total_records = inputs), ListFlights, DoExchange with several
// batches and NULLs over the types the functions take, a table function's `row` column, and the error statuses.
using Apache.Arrow;
using Apache.Arrow.Flight;
using Apache.Arrow.Types;
using Grpc.Core;
using Grpc.Health.V1;
using Wasql.Database;
using static Wasql.UdfServer.Tests.ServerFixture;

namespace Wasql.UdfServer.Tests;

public sealed class FlightProtocolTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task ProtocolVersionIsTwoAndHealthSaysServing()
    {
        await using var host = await Start(fixture.DatabasePath);
        var client = Client(host);
        var results = new List<FlightResult>();
        await foreach (var r in client.DoAction(new FlightAction("protocol_version")).ResponseStream.ReadAllAsync()) results.Add(r);
        Assert.Equal([2], Assert.Single(results).Body.ToByteArray());
        var health = new Health.HealthClient(Grpc.Net.Client.GrpcChannel.ForAddress(host.Address));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task FlightInfoDescribesInputsThenOutput()
    {
        await using var host = await Start(fixture.DatabasePath);
        var client = Client(host);
        var info = await client.GetInfo(FlightDescriptor.CreatePathDescriptor("gcd"));
        Assert.Equal(2, info.TotalRecords);
        Assert.Equal(["gcd"], info.Descriptor.Paths);
        Assert.Equal([ArrowTypeId.Int32, ArrowTypeId.Int32, ArrowTypeId.Int32], info.Schema.FieldsList.Select(f => f.DataType.TypeId));
        Assert.Equal("gcd", info.Schema.FieldsList[2].Name);
        var series = await client.GetInfo(FlightDescriptor.CreatePathDescriptor("series"));
        Assert.Equal(1, series.TotalRecords);
        Assert.Equal(["row", "series"], series.Schema.FieldsList.Skip(1).Select(f => f.Name));

        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.GetInfo(FlightDescriptor.CreatePathDescriptor("nope")));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("function nope: no such function", e.Status.Detail);

        var names = new List<string>();
        await foreach (var f in client.ListFlights(new FlightCriteria()).ResponseStream.ReadAllAsync()) names.Add(f.Descriptor.Paths.Single());
        Assert.Equal(["add8", "array_sum", "concat", "div", "gcd", "half", "is_prime", "lcm", "reverse", "series", "spin"], names.Order());
    }

    [Fact]
    public async Task ScalarExchangeWithSeveralBatchesAndNulls()
    {
        await using var host = await Start(fixture.DatabasePath);
        var client = Client(host);
        var output = await Exchange(client, "gcd",
            Batch(("a", Int32Type.Default, [15, 5, null, 12]), ("b", Int32Type.Default, [25, 0, 1, 18])),
            Batch(("a", Int32Type.Default, [7]), ("b", Int32Type.Default, [21])),
            Batch(("a", Int32Type.Default, []), ("b", Int32Type.Default, [])));
        Assert.Equal([4, 1, 0], output.Select(b => b.Length));
        Assert.Equal(new object?[] { 5, 5, null, 6, 7 }, Column(output, 0));
        Assert.Equal("gcd", output[0].Schema.FieldsList.Single().Name);
    }

    [Fact]
    public async Task EveryTypeTheFunctionsTake()
    {
        await using var host = await Start(fixture.DatabasePath);
        var client = Client(host);
        Assert.Equal(new object?[] { true, false, null },
            Column(await Exchange(client, "is_prime", Batch(("n", Int32Type.Default, [13, 12, null]))), 0));
        Assert.Equal(new object?[] { "ab", null, "é日本" },
            Column(await Exchange(client, "concat", Batch(("a", StringType.Default, ["a", null, "é"]), ("b", StringType.Default, ["b", "x", "日本"]))), 0));
        var reversed = Column(await Exchange(client, "reverse", Batch(("b", BinaryType.Default, [new byte[] { 1, 2, 3 }, null]))), 0);
        Assert.Equal(new byte[] { 3, 2, 1 }, reversed[0]);
        Assert.Null(reversed[1]);
        Assert.Equal(new object?[] { 6, null, 0 },
            Column(await Exchange(client, "array_sum", Batch(("l", new ListType(Int32Type.Default), [new object?[] { 1, 2, 3 }, null, System.Array.Empty<object?>()]))), 0));
        Assert.Equal(new object?[] { 5L, null, long.MinValue },
            Column(await Exchange(client, "add8", Batch(("a", Int64Type.Default, [2L, null, long.MaxValue]), ("b", Int64Type.Default, [3L, 1L, 1L]))), 0));
        Assert.Equal(new object?[] { 1.25, null },
            Column(await Exchange(client, "half", Batch(("x", DoubleType.Default, [2.5, null]))), 0));
    }

    [Fact]
    public async Task TableFunctionAnswersWithTheRowColumn()
    {
        await using var host = await Start(fixture.DatabasePath);
        var client = Client(host);
        var output = await Exchange(client, "series", Batch(("n", Int32Type.Default, [2, null, 3])), Batch(("n", Int32Type.Default, [2000])));
        Assert.All(output, b => Assert.Equal(["row", "series"], b.Schema.FieldsList.Select(f => f.Name)));
        Assert.All(output, b => Assert.True(b.Length <= 1024));
        var rows = Column(output, 0);
        var values = Column(output, 1);
        Assert.Equal(new object?[] { 0, 0, 2, 2, 2 }, rows[..5]);
        Assert.Equal(new object?[] { 0, 1, 0, 1, 2 }, values[..5]);
        Assert.Equal(5 + 2000, rows.Length);
        Assert.Equal(Enumerable.Range(0, 2000).Cast<object?>(), values[5..]);
    }

    [Fact]
    public async Task ErrorsNameTheFunctionAndTheCause()
    {
        await using var host = await Start(fixture.DatabasePath);
        var client = Client(host);
        var e = await Assert.ThrowsAsync<RpcException>(() => Exchange(client, "gcd", Batch(("a", Int32Type.Default, [1]))));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("function gcd: takes 2 arguments (int32, int32), the input schema has 1 (int32)", e.Status.Detail);
        e = await Assert.ThrowsAsync<RpcException>(() => Exchange(client, "gcd", Batch(("a", Int64Type.Default, [1L]), ("b", Int64Type.Default, [2L]))));
        Assert.Equal("function gcd: argument 1 is int32, the input schema has int64", e.Status.Detail);
        e = await Assert.ThrowsAsync<RpcException>(() => Exchange(client, "div", Batch(("a", Int32Type.Default, [4, 1]), ("b", Int32Type.Default, [2, 0]))));
        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.StartsWith("function div:", e.Status.Detail);
        Assert.Contains("division by zero", e.Status.Detail);
        e = await Assert.ThrowsAsync<RpcException>(() => Exchange(client, "missing", Batch(("a", Int32Type.Default, [1]))));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        // the server still answers
        Assert.Equal(new object?[] { 2 }, Column(await Exchange(client, "gcd", Batch(("a", Int32Type.Default, [4]), ("b", Int32Type.Default, [6]))), 0));
    }

    [Fact]
    public async Task ReloadActionPicksUpFunctionsCreatedLater()
    {
        string copy = Path.Combine(Path.GetTempPath(), $"wasql-udfserver-reload-{Guid.NewGuid():N}.db");
        File.Copy(fixture.DatabasePath, copy);
        try
        {
            var log = new StringWriter();
            await using var host = await Start(copy, log: log);
            var client = Client(host);
            Assert.Contains("(read-only)", log.ToString());
            using (var db = WasqlDatabase.Open(copy))
            using (var c = db.Connect())
                c.Execute($"CREATE FUNCTION fib(int4) RETURNS int4 LANGUAGE wasm WITH (export = 'wasm_fibonacci') USING FILE '{Wasql.Tests.Shared.TestPaths.ArrowUdfFixture("databend_gcd.wasm")}'");
            var results = new List<FlightResult>();
            await foreach (var r in client.DoAction(new FlightAction("reload")).ResponseStream.ReadAllAsync()) results.Add(r);
            Assert.Equal("changed", Assert.Single(results).Body.ToStringUtf8());
            Assert.Equal(new object?[] { 55 }, Column(await Exchange(client, "fib", Batch(("n", Int32Type.Default, [10]))), 0));
        }
        finally
        {
            foreach (var p in new[] { copy, copy + "-wal", copy + "-shm" }) try { File.Delete(p); } catch (IOException) { }
        }
    }
}
