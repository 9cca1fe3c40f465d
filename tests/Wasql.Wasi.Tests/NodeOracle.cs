// The correctness oracle: runs a .wasm under Node's node:wasi (preview1) with the same args, env, preopens and
// stdin, returning its stdout, stderr and exit code.
namespace Wasql.Wasi.Tests;

public sealed record GuestOutput(int ExitCode, string Stdout, string Stderr);

public static class NodeOracle
{
    private const string Script = """
        import { WASI } from 'node:wasi';
        import fs from 'node:fs';
        const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
        const wasi = new WASI({ version: 'preview1', args: spec.args, env: spec.env, preopens: spec.preopens, returnOnExit: true });
        const module = await WebAssembly.compile(fs.readFileSync(spec.wasm));
        const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
        process.exitCode = wasi.start(instance);
        """;

    private static readonly Lazy<string> s_script = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "wasql-wasi-tests");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"oracle-{Environment.ProcessId}.mjs");
        File.WriteAllText(path, Script);
        return path;
    });

    public static string Node => Environment.GetEnvironmentVariable("WASQL_NODE") ?? "node";

    public static GuestOutput Run(string wasmPath, string[] args, IDictionary<string, string>? env = null,
        IDictionary<string, string>? preopens = null, byte[]? stdin = null)
    {
        string spec = Path.Combine(Path.GetTempPath(), "wasql-wasi-tests", $"spec-{Guid.NewGuid():N}.json");
        File.WriteAllText(spec, System.Text.Json.JsonSerializer.Serialize(new
        {
            wasm = wasmPath,
            args,
            env = env ?? new Dictionary<string, string>(),
            preopens = preopens ?? new Dictionary<string, string>(),
        }));
        try
        {
            var (code, stdout, stderr) = Toolchain.Exec(Node, ["--no-warnings", s_script.Value, spec], stdin ?? [], TimeSpan.FromMinutes(2));
            return new GuestOutput(code, stdout, stderr);
        }
        finally
        {
            File.Delete(spec);
        }
    }
}
