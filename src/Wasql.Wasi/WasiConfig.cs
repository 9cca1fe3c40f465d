// The builder of a guest's capabilities. By default a guest gets nothing: no args or environment, no files,
// empty stdin, discarded stdout/stderr (system clocks and a CSPRNG are granted). Build() makes a WasiContext.
using System.Security.Cryptography;
using System.Text;
using Wasql.Wasi.FileSystem;

namespace Wasql.Wasi;

/// <summary>Fills a buffer with random bytes (random_get).</summary>
public delegate void RandomSource(Span<byte> buffer);

public sealed class WasiConfig
{
    internal readonly List<string> Args = [];
    internal readonly List<(string Key, string Value)> Env = [];
    internal readonly List<(IWasiFileSystem Fs, string GuestPath)> Preopens = [];

    internal WasiInput Stdin { get; private set; } = WasiInput.Empty();
    internal WasiOutput Stdout { get; private set; } = WasiOutput.Null();
    internal WasiOutput Stderr { get; private set; } = WasiOutput.Null();
    internal IWasiClock Clock { get; private set; } = SystemClock.Instance;
    internal RandomSource Random { get; private set; } = RandomNumberGenerator.Fill;
    internal int MaxOpenFiles { get; private set; } = 1024;

    /// <summary>Appends program arguments (argv[0] is the program name by convention).</summary>
    public WasiConfig WithArgs(params IEnumerable<string> args)
    {
        foreach (var a in args) Args.Add(CheckText(a, nameof(args)));
        return this;
    }

    /// <summary>Adds an environment variable.</summary>
    public WasiConfig WithEnv(string key, string value)
    {
        if (string.IsNullOrEmpty(key) || key.Contains('=')) throw new ArgumentException($"invalid environment variable name '{key}'", nameof(key));
        Env.Add((CheckText(key, nameof(key)), CheckText(value, nameof(value))));
        return this;
    }

    /// <summary>Adds every variable of the host process's environment (explicit opt-in).</summary>
    public WasiConfig WithHostEnvironment()
    {
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && k.Length > 0 && !k.Contains('=') && e.Value is string v && !k.Contains('\0') && !v.Contains('\0'))
                Env.Add((k, v));
        return this;
    }

    /// <summary>Grants a host directory to the guest as <paramref name="guestPath"/>.</summary>
    public WasiConfig PreopenDirectory(string hostPath, string guestPath, bool readOnly = false) =>
        Preopen(new HostDirectoryFs(hostPath, readOnly), guestPath);

    /// <summary>Grants a fresh in-memory directory (scratch space that never touches the disk).</summary>
    public WasiConfig PreopenInMemory(string guestPath, long maxBytes = 64L << 20) =>
        Preopen(new MemoryFs(maxBytes), guestPath);

    /// <summary>Grants any filesystem (e.g. a <see cref="MemoryFs"/> seeded by the host) as <paramref name="guestPath"/>.</summary>
    public WasiConfig Preopen(IWasiFileSystem fs, string guestPath)
    {
        ArgumentNullException.ThrowIfNull(fs);
        if (string.IsNullOrEmpty(guestPath)) throw new ArgumentException("a guest path is required", nameof(guestPath));
        Preopens.Add((fs, CheckText(guestPath, nameof(guestPath))));
        return this;
    }

    public WasiConfig WithStdin(WasiInput input)
    {
        Stdin = input ?? throw new ArgumentNullException(nameof(input));
        return this;
    }

    public WasiConfig WithStdin(Stream stream) => WithStdin(WasiInput.FromStream(stream));

    public WasiConfig WithStdout(WasiOutput output)
    {
        Stdout = output ?? throw new ArgumentNullException(nameof(output));
        return this;
    }

    public WasiConfig WithStdout(Stream stream) => WithStdout(WasiOutput.FromStream(stream));

    public WasiConfig WithStderr(WasiOutput output)
    {
        Stderr = output ?? throw new ArgumentNullException(nameof(output));
        return this;
    }

    public WasiConfig WithStderr(Stream stream) => WithStderr(WasiOutput.FromStream(stream));

    /// <summary>Passes the host process's stdin, stdout and stderr through.</summary>
    public WasiConfig InheritStdio() =>
        WithStdin(WasiInput.StandardInput()).WithStdout(WasiOutput.StandardOutput()).WithStderr(WasiOutput.StandardError());

    public WasiConfig WithClock(IWasiClock clock)
    {
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        return this;
    }

    public WasiConfig WithRandom(RandomSource random)
    {
        Random = random ?? throw new ArgumentNullException(nameof(random));
        return this;
    }

    /// <summary>A reproducible (not secure) random source.</summary>
    public WasiConfig WithSeededRandom(int seed)
    {
        var rng = new Random(seed);
        return WithRandom(rng.NextBytes);
    }

    /// <summary>Caps the number of simultaneously open descriptors (EMFILE past it).</summary>
    public WasiConfig WithMaxOpenFiles(int max)
    {
        if (max < 3 + Preopens.Count) throw new ArgumentOutOfRangeException(nameof(max));
        MaxOpenFiles = max;
        return this;
    }

    public WasiContext Build() => new(this);

    private static string CheckText(string s, string what)
    {
        ArgumentNullException.ThrowIfNull(s, what);
        if (s.Contains('\0')) throw new ArgumentException($"{what} must not contain NUL", what);
        _ = Encoding.UTF8.GetByteCount(s);
        return s;
    }
}
