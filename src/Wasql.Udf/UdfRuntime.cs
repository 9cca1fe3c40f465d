// The entry point of the UDF layer: owns the Engine (compiled with the checks the limits need), the limits,
// the deadline watchdog, and loads modules (each with its own instance pool).
using Wasql.Wasm;

namespace Wasql.Udf;

/// <summary>Holds the wasm engine and limits shared by every UDF module. Thread-safe; create one per database.</summary>
public sealed class UdfRuntime : IDisposable
{
    /// <summary>Creates a runtime with <paramref name="limits"/> (default <see cref="UdfLimits.Default"/>).
    /// <paramref name="configureEngine"/> may tune how modules are compiled (for instance
    /// <see cref="EngineConfig.BaselineTier"/>); the checks the limits need are switched on after it.</summary>
    public UdfRuntime(UdfLimits? limits = null, Action<EngineConfig>? configureEngine = null)
    {
        Limits = limits ?? UdfLimits.Default;
        if (Limits.MaxInstancesPerModule < 1) throw new ArgumentOutOfRangeException(nameof(limits), "MaxInstancesPerModule must be at least 1");
        var config = new EngineConfig();
        configureEngine?.Invoke(config);
        config.ConsumeFuel = Limits.FuelPerCall is not null;
        config.Interruptible = Limits.Deadline is not null;
        Engine = new Engine(config);
        if (Limits.Deadline is TimeSpan d) Watchdog = new Pooling.Watchdog(d);
        Pooling.EngineWarmup.Run(Engine, new StoreLimits { MaxMemoryBytes = Limits.MaxMemoryBytes });
    }

    /// <summary>The limits every call runs under.</summary>
    public UdfLimits Limits { get; }

    /// <summary>Counters of set-up work (delegates compiled, instances created...), for tests and diagnostics.</summary>
    public UdfDiagnostics Diagnostics { get; } = new();

    /// <summary>The engine modules are compiled with.</summary>
    public Engine Engine { get; }

    internal Pooling.Watchdog? Watchdog { get; }

    /// <summary>
    /// Compiles <paramref name="wasm"/> once and returns the module. An arrow-udf module (one with an
    /// <c>ARROWUDF_VERSION_*</c> export) is checked for the required exports and its symbols are decoded into
    /// <see cref="UdfModule.Functions"/>; any module can bind plain exports with <see cref="UdfModule.BindDirect(string, DirectSignature)"/>.
    /// Throws <see cref="UdfException"/> (InvalidModule) for invalid wasm or a malformed arrow-udf module.
    /// </summary>
    public UdfModule Load(byte[] wasm, string? name = null) => Load(wasm, name, null);

    /// <summary>
    /// Like <see cref="Load(byte[], string?)"/>, and every instance of the module also gets the imports that
    /// <paramref name="hostImports"/> defines on its linker (called once per pooled instance, after WASI, with the
    /// instance's own Store: per-instance host state can live in <see cref="Store.Data"/>). For embedders with host
    /// APIs of their own, such as query plugins; use <see cref="UdfModule.Rent"/> to call such a module.
    /// </summary>
    public UdfModule Load(byte[] wasm, string? name, Action<Linker, Store>? hostImports)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        Module module;
        try
        {
            module = Module.Compile(Engine, wasm);
        }
        catch (WasmException e)
        {
            throw new UdfException(UdfErrorKind.InvalidModule, null, $"module '{name ?? "?"}' is not valid WebAssembly: {e.Message}", inner: e);
        }
        return new UdfModule(this, name ?? module.Name ?? "module", module, hostImports);
    }

    /// <summary>Loads a module from a file (name = file name without extension).</summary>
    public UdfModule LoadFile(string path) => Load(File.ReadAllBytes(path), Path.GetFileNameWithoutExtension(path));

    /// <summary>Stops the deadline watchdog. Modules already loaded keep working but without deadlines.</summary>
    public void Dispose() => Watchdog?.Dispose();
}
