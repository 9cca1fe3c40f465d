// Hostile and failing calls end their own exchange with a clear status while other clients keep being served: a looping
// function (deadline) and a trapping one, a client that disconnects mid-stream, a message over the size cap, and a
// graceful stop that lets a running exchange finish.
using Apache.Arrow;
using Apache.Arrow.Flight;
using Apache.Arrow.Types;
using Grpc.Core;
using static Wasql.UdfServer.Tests.ServerFixture;

namespace Wasql.UdfServer.Tests;

public sealed class HostileClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static RecordBatch Pairs(int n, int seed)
    {
        var rng = new Random(seed);
        return Batch(("a", Int32Type.Default, Enumerable.Range(0, n).Select(_ => (object?)rng.Next(1, 100_000)).ToArray()),
            ("b", Int32Type.Default, Enumerable.Range(0, n).Select(_ => (object?)rng.Next(1, 100_000)).ToArray()));
    }

    private static int Gcd(int a, int b) { while (b != 0) (a, b) = (b, a % b); return a; }

    private static void AssertGcds(RecordBatch input, List<RecordBatch> output)
    {
        var a = Column([input], 0);
        var b = Column([input], 1);
        Assert.Equal(a.Select((x, i) => (object?)Gcd((int)x!, (int)b[i]!)), Column(output, 0));
    }

    [Fact]
    public async Task LoopingAndTrappingFunctionsFailAloneWhileAnotherClientSucceeds()
    {
        await using var host = await Start(fixture.DatabasePath);
        var hostile = Client(host);
        var good = Client(host);
        using var stop = new CancellationTokenSource();
        int goodExchanges = 0;
        var goodClient = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested || i < 3; i++)
            {
                var input = Pairs(500, i);
                AssertGcds(input, await Exchange(good, "gcd", input));
                Interlocked.Increment(ref goodExchanges);
            }
        });
        // One exchange: a good batch, then a batch on which lcm traps (lcm(0, 0) divides by zero in the guest).
        var trap = await Assert.ThrowsAsync<RpcException>(() => Exchange(hostile, "lcm",
            Batch(("a", Int32Type.Default, [4]), ("b", Int32Type.Default, [6])),
            Batch(("a", Int32Type.Default, [0]), ("b", Int32Type.Default, [0]))));
        Assert.Equal(StatusCode.Internal, trap.StatusCode);
        Assert.StartsWith("function lcm:", trap.Status.Detail);
        Assert.Contains("divide by zero", trap.Status.Detail);
        // A function that never returns: the sandbox's deadline ends it.
        var loop = await Assert.ThrowsAsync<RpcException>(() => Exchange(hostile, "spin", Batch(("n", Int32Type.Default, [1]))));
        Assert.Equal(StatusCode.DeadlineExceeded, loop.StatusCode);
        Assert.StartsWith("function spin:", loop.Status.Detail);
        stop.Cancel();
        await goodClient;
        Assert.True(goodExchanges >= 3);
        // and the hostile client itself is served again
        AssertGcds(Pairs(3, 7), await Exchange(hostile, "gcd", Pairs(3, 7)));
    }

    [Fact]
    public async Task ClientThatDisconnectsMidStreamLeavesTheServerServing()
    {
        var log = new StringWriter();
        await using var host = await Start(fixture.DatabasePath, log: log);
        for (int round = 0; round < 3; round++)
        {
            var client = Client(host);
            using var cts = new CancellationTokenSource();
            var call = client.DoExchange(FlightDescriptor.CreatePathDescriptor("gcd"), null, null, cts.Token);
            await call.RequestStream.WriteAsync(Pairs(1000, round));
            Assert.True(await call.ResponseStream.MoveNext(default));   // one result arrived: the exchange is running
            cts.Cancel();   // gone without completing the stream
            call.Dispose();
        }
        var fresh = Client(host);
        var input = Pairs(100, 99);
        AssertGcds(input, await Exchange(fresh, "gcd", input));
    }

    [Fact]
    public async Task MessageOverTheSizeCapIsRefusedAndTheServerGoesOn()
    {
        await using var host = await Start(fixture.DatabasePath, maxMessageBytes: 64 << 10);
        var client = Client(host);
        var big = Batch(("a", StringType.Default, [new string('x', 200_000)]), ("b", StringType.Default, ["y"]));
        var e = await Assert.ThrowsAsync<RpcException>(() => Exchange(client, "concat", big));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal(new object?[] { "xy" }, Column(await Exchange(client, "concat", Batch(("a", StringType.Default, ["x"]), ("b", StringType.Default, ["y"]))), 0));
    }

    [Fact]
    public async Task StopLetsTheRunningExchangeFinishAndRefusesNewOnes()
    {
        var host = await Start(fixture.DatabasePath);
        await using var _ = host;
        var client = Client(host);
        var call = client.DoExchange(FlightDescriptor.CreatePathDescriptor("gcd"));
        var first = Pairs(200, 1);
        await call.RequestStream.WriteAsync(first);
        Assert.True(await call.ResponseStream.MoveNext(default));
        var stopping = host.StopAsync();
        // the running exchange still gets its next batch answered and completes normally
        var second = Pairs(200, 2);
        await call.RequestStream.WriteAsync(second);
        await call.RequestStream.CompleteAsync();
        var rest = new List<RecordBatch>();
        while (await call.ResponseStream.MoveNext(default)) rest.Add(call.ResponseStream.Current);
        AssertGcds(second, rest);
        await stopping;
        await Assert.ThrowsAnyAsync<Exception>(() => Exchange(Client(host), "gcd", Pairs(1, 3)));
    }
}
