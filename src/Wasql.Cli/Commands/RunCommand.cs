// `wasql run`: runs a WASI command module like `wasmtime run`: stdio passed through, the program's
// exit code returned, traps printed with their wasm backtrace to stderr.
using Wasql.Wasi;
using Wasql.Wasm;

namespace Wasql.Cli.Commands;

internal static class RunCommand
{
    public const string Usage = "usage: wasql run [--dir HOST[::GUEST]] [--env K=V] [--fuel N] [--timeout 5s] [--max-memory 64MiB] [--invoke NAME] module.wasm [args...]";

    public static int Run(string[] args)
    {
        var config = new WasiConfig().InheritStdio();
        var options = new WasiRunOptions { ThreadStackBytes = 64 * 1024 * 1024 };
        int i = 0;
        for (; i < args.Length && args[i].StartsWith("--", StringComparison.Ordinal); i++)
        {
            string opt = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{opt} needs a value\n{Usage}");
            switch (opt)
            {
                case "--dir":
                    var spec = Value();
                    int sep = spec.IndexOf("::", StringComparison.Ordinal);
                    string host = sep < 0 ? spec : spec[..sep];
                    string guest = sep < 0 ? spec : spec[(sep + 2)..];
                    if (!Directory.Exists(host)) throw new UsageException($"--dir {spec}: no such directory '{host}'");
                    config.PreopenDirectory(host, guest);
                    break;
                case "--env":
                    var kv = Value();
                    int eq = kv.IndexOf('=');
                    if (eq <= 0) throw new UsageException($"--env {kv}: expected K=V");
                    config.WithEnv(kv[..eq], kv[(eq + 1)..]);
                    break;
                case "--fuel": options.Fuel = Sizes.ParseCount(Value(), "--fuel"); break;
                case "--timeout": options.Timeout = Sizes.ParseDuration(Value(), "--timeout"); break;
                case "--max-memory": options.MaxMemoryBytes = Sizes.ParseBytes(Value(), "--max-memory"); break;
                case "--invoke": options.Invoke = Value(); break;
                case "--": i++; goto done;
                default: throw new UsageException($"unknown option {opt}\n{Usage}");
            }
        }
        done:
        if (i >= args.Length) throw new UsageException(Usage);
        string path = args[i];
        if (!File.Exists(path)) throw new UsageException($"no such file: {path}");
        config.WithArgs([Path.GetFileName(path), .. args[(i + 1)..]]);

        var engine = new Engine(new EngineConfig
        {
            ConsumeFuel = options.Fuel is not null,
            Interruptible = options.Timeout is not null,
            PrecompileInBackground = true,
        });
        WasiRunResult result;
        try
        {
            result = WasiRunner.Run(engine, File.ReadAllBytes(path), config, options);
        }
        catch (WasmException e)
        {
            Console.Error.WriteLine($"wasql: {path}: {e.Message}");
            return 1;
        }
        finally
        {
            Console.Out.Flush();
        }
        if (result.Trap is { } trap)
        {
            Console.Error.WriteLine($"wasql: {Path.GetFileName(path)} trapped: {trap}");
            if (result.TimedOut) Console.Error.WriteLine($"wasql: the --timeout of {options.Timeout} was reached");
            if (trap.Code == TrapCode.OutOfFuel) Console.Error.WriteLine($"wasql: the --fuel budget of {options.Fuel} was used up");
        }
        return result.ExitCode;
    }
}
