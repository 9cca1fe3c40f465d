// Runs a guest under Wasql's WASI with captured stdio, the counterpart of NodeOracle for differential tests.
using Wasql.Wasm;

namespace Wasql.Wasi.Tests;

public static class Guest
{
    public static readonly Engine DefaultEngine = new(new EngineConfig { Interruptible = true });

    /// <summary>Runs <paramref name="wasmPath"/>; <paramref name="configure"/> may add preopens etc. to the config.</summary>
    public static (GuestOutput Output, WasiRunResult Result) Run(string wasmPath, string[] args, IDictionary<string, string>? env = null,
        IDictionary<string, string>? preopens = null, byte[]? stdin = null, Action<WasiConfig>? configure = null,
        WasiRunOptions? options = null, Engine? engine = null, int maxOutput = 16 << 20)
    {
        var stdout = WasiOutput.Capture(maxOutput);
        var stderr = WasiOutput.Capture(1 << 20);
        var config = new WasiConfig().WithArgs(args).WithStdout(stdout).WithStderr(stderr).WithStdin(WasiInput.FromBytes(stdin ?? []));
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) config.WithEnv(k, v);
        foreach (var (guest, host) in preopens ?? new Dictionary<string, string>()) config.PreopenDirectory(host, guest);
        configure?.Invoke(config);
        options ??= new WasiRunOptions();
        options.Timeout ??= TimeSpan.FromMinutes(1);
        var result = WasiRunner.Run(engine ?? DefaultEngine, File.ReadAllBytes(wasmPath), config, options);
        return (new GuestOutput(result.ExitCode, stdout.GetText(), stderr.GetText()), result);
    }

    /// <summary>A fresh empty temp directory, deleted when disposed.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wasql-wasi-" + Guid.NewGuid().ToString("N")[..12]);
        public TempDir() => Directory.CreateDirectory(Path);
        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
