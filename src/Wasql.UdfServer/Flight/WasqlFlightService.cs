// The Flight service of the RisingWave/Databend remote UDF protocol: protocol_version and reload actions, GetFlightInfo
// and ListFlights describing functions, and DoExchange evaluating the batches a client streams, one at a time as they
// arrive (the next batch is read only after the previous result was written: gRPC flow control is the back-pressure).
using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Flight;
using Apache.Arrow.Flight.Server;
using Grpc.Core;
using Wasql.UdfServer.Functions;
using Wasql.UdfServer.Hosting;

namespace Wasql.UdfServer.Flight;

internal sealed class WasqlFlightService(FunctionDirectory functions, ExchangeLimiter limiter, RequestLog log) : FlightServer
{
    public const string ProtocolVersionAction = "protocol_version";
    public const string ReloadAction = "reload";
    /// <summary>The protocol version this server speaks (the body of the protocol_version answer).</summary>
    public const byte ProtocolVersion = 2;

    public override async Task DoAction(FlightAction request, IAsyncStreamWriter<FlightResult> responseStream, ServerCallContext context)
    {
        switch (request.Type)
        {
            case ProtocolVersionAction:
                await responseStream.WriteAsync(new FlightResult([ProtocolVersion]));
                break;
            case ReloadAction:
                bool changed = functions.Reload();
                log.Line($"reload: {(changed ? "catalog changed" : "no change")}, {functions.All.Count()} functions");
                await responseStream.WriteAsync(new FlightResult(changed ? "changed" : "unchanged"));
                break;
            default:
                throw new UdfServerException(StatusCode.Unimplemented, null, $"unknown action '{request.Type}' (actions: {ProtocolVersionAction}, {ReloadAction})").ToRpc();
        }
    }

    public override async Task ListActions(IAsyncStreamWriter<FlightActionType> responseStream, ServerCallContext context)
    {
        await responseStream.WriteAsync(new FlightActionType(ProtocolVersionAction, "the protocol version (one byte: 2)"));
        await responseStream.WriteAsync(new FlightActionType(ReloadAction, "re-read the catalog now"));
    }

    public override Task<FlightInfo> GetFlightInfo(FlightDescriptor request, ServerCallContext context)
    {
        var f = Resolve(request)[0];
        log.Verbose($"GetFlightInfo {f.Name}");
        return Task.FromResult(f.FlightInfo());
    }

    public override Task<Schema> GetSchema(FlightDescriptor request, ServerCallContext context) =>
        Task.FromResult(Resolve(request)[0].FlightInfo().Schema);

    public override async Task ListFlights(FlightCriteria request, IAsyncStreamWriter<FlightInfo> responseStream, ServerCallContext context)
    {
        foreach (var f in functions.All) await responseStream.WriteAsync(f.FlightInfo());
    }

    public override async Task DoExchange(FlightServerRecordBatchStreamReader requestStream, FlightServerRecordBatchStreamWriter responseStream, ServerCallContext context)
    {
        var clock = Stopwatch.StartNew();
        var ct = context.CancellationToken;
        string name = "?";
        long rows = 0, batches = 0;
        try
        {
            var descriptor = await requestStream.FlightDescriptor;
            var candidates = Resolve(descriptor);
            name = candidates[0].Name;
            var schema = await requestStream.Schema;
            var f = candidates.FirstOrDefault(c => c.Mismatch(schema) is null)
                ?? throw new UdfServerException(StatusCode.InvalidArgument, name, candidates[0].Mismatch(schema)!);
            bool answered = false;
            while (await requestStream.MoveNext(ct))
            {
                var input = requestStream.Current;
                var outputs = await limiter.Run(() => f.Evaluate(input).ToList(), ct);
                if (!answered) { await responseStream.SetupStream(f.OutputSchema); answered = true; }
                foreach (var o in outputs) await responseStream.WriteAsync(o);
                rows += input.Length;
                batches++;
            }
            if (!answered) await responseStream.SetupStream(f.OutputSchema);
            log.Verbose($"DoExchange {name}: {batches} batches, {rows} rows, {clock.Elapsed.TotalMilliseconds:F1} ms");
        }
        catch (UdfServerException e)
        {
            log.Line($"DoExchange {name}: {e.Code}: {e.Message}");
            throw e.ToRpc();
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            // gRPC's own refusals while reading the stream (RESOURCE_EXHAUSTED for a message over the size cap)
            log.Line($"DoExchange {name}: {e.StatusCode}: {e.Status.Detail}");
            throw new RpcException(new Status(e.StatusCode, $"function {name}: {e.Status.Detail}"));
        }
        catch (Exception e) when (e is OperationCanceledException || ct.IsCancellationRequested)
        {
            log.Verbose($"DoExchange {name}: client went away after {batches} batches");
            throw new RpcException(new Status(StatusCode.Cancelled, $"function {name}: the exchange was cancelled"));
        }
        catch (Exception e) when (e is not RpcException)
        {
            log.Line($"DoExchange {name}: {e.GetType().Name}: {e.Message}");
            throw new UdfServerException(StatusCode.InvalidArgument, name, $"bad input stream: {e.Message}", e).ToRpc();
        }
    }

    private ServedFunction[] Resolve(FlightDescriptor descriptor)
    {
        if (descriptor.Type != FlightDescriptorType.Path || descriptor.Paths.FirstOrDefault() is not { } name)
            throw new UdfServerException(StatusCode.InvalidArgument, null, "expected a path descriptor naming a function").ToRpc();
        return functions.Find(name) ?? throw new UdfServerException(StatusCode.NotFound, name, "no such function").ToRpc();
    }
}
