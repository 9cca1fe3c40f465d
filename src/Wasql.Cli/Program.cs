// `wasql`: the command-line entry point. Each subcommand lives in Commands/ and returns an exit code.
using Wasql.Cli.Commands;

namespace Wasql.Cli;

public static class Program
{
    private const string Usage = """
        wasql: a SQL database extended with WebAssembly

        usage:
          wasql run [--dir HOST[::GUEST]] [--env K=V] [--fuel N] [--timeout 5s] [--max-memory 64MiB] module.wasm [args...]
          wasql inspect module.wasm
          wasql sql [--db FILE] [-c "SQL"]... [-f script.sql]
          wasql serve [--db FILE] [--listen 127.0.0.1:5433] (see wasql serve --help)
          wasql udf-server --db FILE [--listen 127.0.0.1:8815] (RisingWave/Databend remote UDFs; see wasql udf-server --help)
          wasql --help | --version
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.Write(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "--version")
        {
            Console.Out.WriteLine("wasql " + typeof(Program).Assembly.GetName().Version);
            return 0;
        }
        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "run" => RunCommand.Run(rest),
                "inspect" => InspectCommand.Run(rest),
                "sql" => SqlCommand.Run(rest),
                "serve" => ServeCommand.Run(rest),
                "udf-server" => UdfServerCommand.Run(rest),
                _ => Fail($"unknown command '{args[0]}'\n\n{Usage}"),
            };
        }
        catch (UsageException e)
        {
            return Fail(e.Message);
        }
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine("wasql: " + message);
        return 2;
    }
}

/// <summary>A bad command line: printed without a stack trace, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
