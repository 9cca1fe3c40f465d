// Runs Debian's wabt `wast2json --enable-all` on one .wast file into a private temporary directory and
// hands back the JSON path; disposing deletes the directory. Also checks up front that wast2json exists.
using System.ComponentModel;
using System.Diagnostics;

namespace Wasql.SpecTests;

public sealed class ConversionException(string message) : Exception(message);

/// <summary>The converted form of one .wast file: the JSON command list and the .wasm files beside it.</summary>
public sealed class ConvertedWast : IDisposable
{
    public required string Directory { get; init; }
    public required string JsonPath { get; init; }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

public static class WastConverter
{
    public const string Tool = "wast2json";
    private const string InstallHint = "install Debian's wabt (apt-get install wabt), which provides wast2json";

    /// <summary>Fails with a clear message when wast2json is not on PATH.</summary>
    public static void EnsureAvailable()
    {
        try
        {
            var (code, _, err) = Run(["--version"]);
            if (code != 0) throw new ConversionException($"'{Tool} --version' failed ({code}): {err.Trim()}; {InstallHint}");
        }
        catch (Win32Exception)
        {
            throw new ConversionException($"{Tool} was not found on PATH: {InstallHint}");
        }
    }

    public static ConvertedWast Convert(string wastPath)
    {
        string name = Path.GetFileNameWithoutExtension(wastPath);
        string dir = Path.Combine(Path.GetTempPath(), $"wasql-spec-{Environment.ProcessId}-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        var converted = new ConvertedWast { Directory = dir, JsonPath = Path.Combine(dir, name + ".json") };
        try
        {
            var (code, _, err) = Run(["--enable-all", "-o", converted.JsonPath, Path.GetFullPath(wastPath)]);
            // wast2json may print diagnostics and still succeed; only the exit code and the output matter.
            if (code != 0 || !File.Exists(converted.JsonPath))
                throw new ConversionException($"{Tool} failed ({code}) on {wastPath}: {FirstLines(err, 5)}");
            return converted;
        }
        catch (Win32Exception)
        {
            converted.Dispose();
            throw new ConversionException($"{Tool} was not found on PATH: {InstallHint}");
        }
        catch
        {
            converted.Dispose();
            throw;
        }
    }

    private static (int Code, string Out, string Err) Run(string[] args)
    {
        var psi = new ProcessStartInfo(Tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new ConversionException($"could not start {Tool}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FirstLines(string text, int n) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(n));
}
