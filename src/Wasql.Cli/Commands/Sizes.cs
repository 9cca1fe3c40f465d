// Parsing of human-friendly sizes ("64MiB"), durations ("5s", "250ms") and counts ("10M") on the command line.
using System.Globalization;

namespace Wasql.Cli.Commands;

internal static class Sizes
{
    public static long ParseBytes(string s, string option)
    {
        var (number, unit) = Split(s);
        long factor = unit.ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1L << 10,
            "m" or "mb" or "mib" => 1L << 20,
            "g" or "gb" or "gib" => 1L << 30,
            _ => throw new UsageException($"{option} {s}: unknown unit '{unit}' (use B, KiB, MiB or GiB)"),
        };
        return checked((long)(number * factor));
    }

    public static TimeSpan ParseDuration(string s, string option)
    {
        var (number, unit) = Split(s);
        return unit.ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "" or "s" => TimeSpan.FromSeconds(number),
            "m" or "min" => TimeSpan.FromMinutes(number),
            _ => throw new UsageException($"{option} {s}: unknown unit '{unit}' (use ms, s or min)"),
        };
    }

    public static long ParseCount(string s, string option)
    {
        var (number, unit) = Split(s);
        long factor = unit.ToLowerInvariant() switch
        {
            "" => 1,
            "k" => 1_000,
            "m" => 1_000_000,
            "g" or "b" => 1_000_000_000,
            _ => throw new UsageException($"{option} {s}: unknown suffix '{unit}' (use k, M or G)"),
        };
        return checked((long)(number * factor));
    }

    private static (double Number, string Unit) Split(string s)
    {
        int i = 0;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
        if (i == 0 || !double.TryParse(s.AsSpan(0, i), NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || n < 0)
            throw new UsageException($"'{s}' is not a number with an optional unit");
        return (n, s[i..].Trim());
    }

    /// <summary>A listen address, HOST:PORT (IPv6 as [::1]:PORT).</summary>
    public static System.Net.IPEndPoint ParseListen(string value, string option, int examplePort) =>
        System.Net.IPEndPoint.TryParse(value, out var ep) && value.LastIndexOf(':') >= 0 ? ep
            : throw new UsageException($"{option} {value}: expected HOST:PORT, e.g. 127.0.0.1:{examplePort}");
}
