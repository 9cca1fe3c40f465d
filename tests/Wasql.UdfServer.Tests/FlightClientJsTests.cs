// A second, independent client: Node with @grpc/grpc-js, Flight's service definition and apache-arrow
// (js/udf_client.mjs), so the protocol is checked against an implementation that shares no code with the server.
// A missing node or npm package is a failure (scripts/setup.sh installs them), not a silent pass.
using System.Diagnostics;
using System.Text.Json.Nodes;
using Wasql.Tests.Shared;
using static Wasql.UdfServer.Tests.ServerFixture;

namespace Wasql.UdfServer.Tests;

public sealed class FlightClientJsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task NodeGrpcClientSpeaksTheProtocol()
    {
        foreach (var package in new[] { "@grpc/grpc-js", "@grpc/proto-loader", "apache-arrow" })
            Assert.True(Directory.Exists(Path.Combine(TestPaths.Repo, "node_modules", package)), $"node_modules/{package} is missing: run scripts/setup.sh (npm ci)");
        await using var host = await Start(fixture.DatabasePath);
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.Repo };
        psi.ArgumentList.Add(Path.Combine(TestPaths.Repo, "tests", "Wasql.UdfServer.Tests", "js", "udf_client.mjs"));
        psi.ArgumentList.Add(host.Address.Authority);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(p.ExitCode == 0, "node failed: " + await stderr);
        var o = JsonNode.Parse(stdout)!;
        Assert.Equal("[2]", o["protocolVersion"]!.ToJsonString());
        Assert.Equal("""{"totalRecords":2,"fields":["arg0:Int32","arg1:Int32","gcd:Int32"]}""", o["gcdInfo"]!.ToJsonString());
        Assert.Equal("""["add8","array_sum","concat","div","gcd","half","is_prime","lcm","reverse","series","spin"]""", o["functions"]!.ToJsonString());
        Assert.Equal("""[{"gcd":5},{"gcd":5},{"gcd":1},{"gcd":6},{"gcd":7},{"gcd":null}]""", o["gcd"]!.ToJsonString());
        Assert.Equal("""[{"concat":"wasql"},{"concat":null}]""", o["concat"]!.ToJsonString());
        Assert.Equal("""[{"row":0,"series":0},{"row":0,"series":1},{"row":1,"series":0}]""", o["series"]!.ToJsonString());
        Assert.Equal("INTERNAL", (string)o["divError"]!["code"]!);
        Assert.StartsWith("function div:", (string)o["divError"]!["details"]!);
        Assert.Equal("""{"code":"NOT_FOUND","details":"function nope: no such function"}""", o["unknown"]!.ToJsonString());
    }
}
