// SQLite 3.50 (the amalgamation, ~250k lines of C) compiled to wasm32-wasi and run by Wasql: the output of an
// in-memory workload must be byte-identical to the same program compiled natively with gcc and to node:wasi.
// sqlite3VdbeExec (the bytecode interpreter, one huge function) exercises function splitting; the workload is
// also run with splitting off, where RyuJIT compiles the oversized methods without optimization.
using Wasql.Wasm;

namespace Wasql.Wasi.Tests.Sqlite;

public class SqliteTests
{
    private const string Orders = "20000";

    private static readonly Lazy<string> s_native = new(() =>
    {
        var (code, stdout, stderr) = Toolchain.Exec(SqliteBuild.Workload.Native, [Orders], null, TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"native sqlite_workload exited {code}: {stderr}");
        return stdout;
    });

    private static void AssertSameText(string expected, string actual, string who)
    {
        if (expected == actual) return;
        int i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i]) i++;
        int line = expected.AsSpan(0, i).Count('\n') + 1;
        string Around(string s) => s.Substring(Math.Max(0, i - 120), Math.Min(s.Length, i + 120) - Math.Max(0, i - 120));
        Assert.Fail($"{who} differs from native at line {line} (char {i}; lengths {expected.Length} vs {actual.Length}):\n--- native\n{Around(expected)}\n--- {who}\n{Around(actual)}");
    }

    // Engines are Interruptible because Guest.Run always sets a timeout.
    private static void RunAndCompare(Engine engine, string who)
    {
        string wasm = SqliteBuild.Workload.Wasm;
        var (ours, result) = Guest.Run(wasm, ["sqlite_workload", Orders], engine: engine, options: new WasiRunOptions { Timeout = TimeSpan.FromMinutes(3) });
        Assert.Null(result.Trap);
        Assert.False(result.TimedOut);
        Assert.Equal(0, ours.ExitCode);
        Assert.StartsWith("kernel_ms ", ours.Stderr);
        AssertSameText(s_native.Value, ours.Stdout, who);
    }

    [Fact]
    public void Workload_MatchesNativeAndNode()
    {
        string native = s_native.Value;
        // The workload really ran: SQLite's own version, every section, and the final checksums are present.
        Assert.StartsWith("-- version\n" + SqliteBuild.SqliteVersion + "\n", native);
        Assert.Contains("-- orders scan\n", native);
        Assert.Contains("-- distinct floats\n", native);
        Assert.Contains("2000|500|20000|", native);

        var node = NodeOracle.Run(SqliteBuild.Workload.Wasm, ["sqlite_workload", Orders]);
        Assert.Equal(0, node.ExitCode);
        AssertSameText(native, node.Stdout, "node:wasi");

        RunAndCompare(Guest.DefaultEngine, "Wasql");
    }

    [Fact]
    public void Workload_WithFunctionSplittingOff_MatchesNative()
    {
        RunAndCompare(new Engine(new EngineConfig { FunctionSplitBudget = 0, Interruptible = true }), "Wasql (FunctionSplitBudget = 0)");
    }

    [Fact]
    public void Workload_MeteredAndInterruptible_MatchesNative()
    {
        // Fuel metering and interruption checks change the generated code of every block and loop.
        var engine = new Engine(new EngineConfig { ConsumeFuel = true, Interruptible = true });
        string wasm = SqliteBuild.Workload.Wasm;
        var (ours, result) = Guest.Run(wasm, ["sqlite_workload", Orders], engine: engine,
            options: new WasiRunOptions { Fuel = 1_000_000_000_000, Timeout = TimeSpan.FromMinutes(3) });
        Assert.Null(result.Trap);
        Assert.Equal(0, ours.ExitCode);
        AssertSameText(s_native.Value, ours.Stdout, "Wasql (fuel + interruptible)");
    }

    [Fact]
    public void Workload_RunsOutOfFuel_WithASmallBudget()
    {
        var engine = new Engine(new EngineConfig { ConsumeFuel = true, Interruptible = true });
        var (_, result) = Guest.Run(SqliteBuild.Workload.Wasm, ["sqlite_workload", "2000"], engine: engine,
            options: new WasiRunOptions { Fuel = 2_000_000 });
        Assert.Equal(TrapCode.OutOfFuel, result.Trap?.Code);
    }
}
