// The server's log: always the startup line, reloads and failures; with --verbose one line per request too.
namespace Wasql.UdfServer.Hosting;

internal sealed class RequestLog(TextWriter output, bool verbose)
{
    private readonly object _lock = new();

    public void Line(string message)
    {
        lock (_lock) output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");
    }

    public void Verbose(string message)
    {
        if (verbose) Line(message);
    }
}
