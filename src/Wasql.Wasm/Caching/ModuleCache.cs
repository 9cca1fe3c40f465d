// The compiled-module cache (EngineConfig.CacheDirectory): one file per module and engine configuration holding the
// PE images of the module's persisted assemblies, so a new process loads a module's code instead of compiling it.
// Entries are keyed by the module's SHA-256, the engine's build and every setting that changes generated code, and
// authenticated with an HMAC (CacheEntry); a missing, corrupt, forged or stale entry is ignored and rewritten.
using System.Security.Cryptography;
using System.Text;

namespace Wasql.Wasm.Caching;

internal sealed class ModuleCache
{
    private const string EntryExtension = ".wasmcode";
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory;
    private readonly byte[] _secret;
    private readonly byte[] _configuration;

    private ModuleCache(string directory, byte[] secret, byte[] configuration)
    {
        _directory = directory;
        _secret = secret;
        _configuration = configuration;
    }

    /// <summary>The cache <paramref name="config"/> asks for, or null when it asks for none or no secret is available.</summary>
    public static ModuleCache? Open(EngineConfig config)
    {
        if (string.IsNullOrEmpty(config.CacheDirectory)) return null;
        byte[]? secret = config.CacheSecret is { Length: > 0 } s ? s.ToArray()
            : CacheSecret.DefaultPath() is string path ? CacheSecret.LoadOrCreate(path) : null;
        return secret is null ? null : new ModuleCache(Path.GetFullPath(config.CacheDirectory), secret, Fingerprint(config));
    }

    /// <summary>The entry key of a module: SHA-256 over the module's own SHA-256 and the engine fingerprint.</summary>
    public byte[] KeyFor(ReadOnlySpan<byte> module)
    {
        Span<byte> buffer = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(module, buffer);
        return SHA256.HashData([.. buffer, .. _configuration]);
    }

    /// <summary>The images of the entry for <paramref name="key"/> if it exists and is authentic, else null.</summary>
    public byte[][]? TryRead(byte[] key)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(EntryPath(key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return CacheEntry.TryDecode(_secret, key, file);
    }

    /// <summary>Writes (or replaces) the entry for <paramref name="key"/>. Best effort: a cache that cannot be written
    /// only means the next process compiles again.</summary>
    public void Write(byte[] key, IReadOnlyList<byte[]> images)
    {
        string path = EntryPath(key);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(_directory);
            else Directory.CreateDirectory(_directory, OwnerOnlyDirectory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
            using (var f = new FileStream(temp, options)) f.Write(CacheEntry.Encode(_secret, key, images));
            File.Move(temp, path, overwrite: true);   // readers see the old entry or the new one, never half of one
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
        }
    }

    private string EntryPath(byte[] key) => Path.Combine(_directory, Convert.ToHexStringLower(key) + EntryExtension);

    /// <summary>What, besides the module, decides the generated code: the engine build (its module version id changes
    /// with every build of the engine's code), the runtime, and every setting the compiler reads.</summary>
    private static byte[] Fingerprint(EngineConfig c)
    {
        var text = string.Join('|',
            typeof(Engine).Assembly.ManifestModule.ModuleVersionId, Environment.Version,
            c.ConsumeFuel, c.Interruptible, c.OptimizeImmediately, c.CollectibleCode, c.TieredCodeThreshold, c.BaselineTier,
            c.InlineFunctionBytes, c.TierUpCalls, c.PreciseBacktraces, c.FunctionSplitBudget, c.SplitPartially);
        return SHA256.HashData(Encoding.UTF8.GetBytes(text));
    }
}
