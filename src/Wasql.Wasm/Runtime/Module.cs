// Module: a decoded, validated and compiled module; compile once, instantiate many times.
using Wasql.Wasm.Binary;
using Wasql.Wasm.Compilation;
using Wasql.Wasm.Model;
using Wasql.Wasm.Validation;

namespace Wasql.Wasm;

public sealed record ImportDescriptor(string Module, string Name, ExternKind Kind, object Type);

public sealed record ExportDescriptor(string Name, ExternKind Kind, object Type);

/// <summary>A custom section: its name and size in bytes.</summary>
public sealed record CustomSectionDescriptor(string Name, int Size);

/// <summary>What <see cref="Module.Inspect"/> reports about a module without compiling it (<c>wasql inspect</c>).</summary>
public sealed record ModuleMetadata
{
    /// <summary>The module's name from its name section, if any.</summary>
    public string? Name { get; init; }
    public required int DefinedFunctions { get; init; }
    public required int ImportedFunctions { get; init; }
    public required int Types { get; init; }
    /// <summary>Globals, tables: the whole index space (imports included).</summary>
    public required int Globals { get; init; }
    public required int Tables { get; init; }
    public required WasmFeatures Features { get; init; }
    /// <summary>The memory index space (imports first).</summary>
    public required IReadOnlyList<MemoryType> Memories { get; init; }
    public required int ImportedMemories { get; init; }
    public required IReadOnlyList<ImportDescriptor> Imports { get; init; }
    public required IReadOnlyList<ExportDescriptor> Exports { get; init; }
    /// <summary>The start function's display name, if the module has one.</summary>
    public string? StartFunction { get; init; }
    public required IReadOnlyList<CustomSectionDescriptor> CustomSections { get; init; }
}

/// <summary>A compiled module. Dispose it when no new instance will be made: its code is released once the instances
/// already made are gone (they keep working until then).</summary>
public sealed class Module : IDisposable
{
    private volatile bool _disposed;

    /// <summary>True after <see cref="Dispose"/>: instantiating it throws <see cref="ObjectDisposedException"/>.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Refuses new instances and lets the module's code be unloaded as soon as no instance references it
    /// (code loaded from the cache lives in its own collectible load context, unloaded here; other code is collectible
    /// and goes with the last reference).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { Compiled.LoadContext?.Unload(); }
        catch (InvalidOperationException) { /* a non-collectible context (EngineConfig.CollectibleCode off) stays */ }
    }

    public Engine Engine { get; }
    internal ModuleInfo Info { get; }
    public string? Name => Info.ModuleName;
    internal CompiledModule Compiled { get; }

    /// <summary>True when the code came from the compiled-module cache (<see cref="EngineConfig.CacheDirectory"/>)
    /// instead of being compiled by this process.</summary>
    public bool LoadedFromCache { get; }

    private Module(Engine engine, ModuleInfo info, CompiledModule compiled, bool loadedFromCache)
    {
        Engine = engine;
        Info = info;
        Compiled = compiled;
        LoadedFromCache = loadedFromCache;
    }

    /// <summary>Decodes, validates and compiles a binary module.</summary>
    /// <exception cref="MalformedModuleException">the bytes are not a well-formed module</exception>
    /// <exception cref="InvalidModuleException">the module does not validate</exception>
    public static Module Compile(Engine engine, byte[] bytes)
    {
        ObjectDisposedException.ThrowIf(engine.IsDisposed, engine);
        var info = ModuleDecoder.Decode(bytes);
        var module = engine.Cache is { } cache ? CompileCached(engine, cache, bytes, info) : new Module(engine, info, Compile(engine, info), false);
        // A tiered module's baseline code is cheap to JIT, and its tier-up thread already compiles callees ahead of their
        // first calls; JIT-compiling all of it as well only competes for the cores (SQLite: 10% slower).
        if (engine.Config.PrecompileInBackground && module.Compiled.Tiers is null) module.Compiled.PrecompileInBackground();
        return module;
    }

    private static CompiledModule Compile(Engine engine, ModuleInfo info)
    {
        ModuleValidator.Validate(info);
        return ModuleCompiler.Compile(engine, info);
    }

    /// <summary>Loads the module's code from the cache, or compiles it and writes the entry. A cache hit skips validation:
    /// an authentic entry for this key was written after this very module (same SHA-256) validated and compiled.</summary>
    private static Module CompileCached(Engine engine, Caching.ModuleCache cache, byte[] bytes, ModuleInfo info)
    {
        var key = cache.KeyFor(bytes);
        if (cache.TryRead(key) is { } cached && ModuleCompiler.LoadImages(engine, info, cached) is { } loaded)
            return new Module(engine, info, loaded, true);
        ModuleValidator.Validate(info);
        var images = new List<byte[]>();
        var compiled = ModuleCompiler.Compile(engine, info, images);
        cache.Write(key, images);
        return new Module(engine, info, compiled, false);
    }

    /// <summary>JIT-compiles every function now, so that first calls do not pay for compilation (useful before calls
    /// that run under a short deadline). <see cref="EngineConfig.PrecompileInBackground"/> does the same on a thread.</summary>
    public void Precompile() => Compiled.Precompile();

    public static Module FromFile(Engine engine, string path) => Compile(engine, File.ReadAllBytes(path));

    /// <summary>Decodes and validates without compiling.</summary>
    public static void Validate(byte[] bytes) => ModuleValidator.Validate(ModuleDecoder.Decode(bytes));

    /// <summary>Decodes and validates a module and describes it, without compiling it.</summary>
    /// <exception cref="MalformedModuleException">the bytes are not a well-formed module</exception>
    /// <exception cref="InvalidModuleException">the module does not validate</exception>
    public static ModuleMetadata Inspect(byte[] bytes)
    {
        var m = ModuleDecoder.Decode(bytes);
        ModuleValidator.Validate(m);
        return new ModuleMetadata
        {
            Name = m.ModuleName,
            DefinedFunctions = m.DefinedFunctionCount,
            ImportedFunctions = m.ImportedFunctionCount,
            Types = m.Types.Count,
            Globals = m.Globals.Count,
            Tables = m.Tables.Count,
            Features = FeatureScanner.Scan(m),
            Memories = m.Memories.ToList(),
            ImportedMemories = m.ImportedMemoryCount,
            Imports = ImportsOf(m),
            Exports = ExportsOf(m),
            StartFunction = m.StartFunction is uint s ? m.FunctionDisplayName(s) : null,
            CustomSections = m.CustomSections.Select(c => new CustomSectionDescriptor(c.Name, c.Bytes.Length)).ToList(),
        };
    }

    public IReadOnlyList<ImportDescriptor> Imports => ImportsOf(Info);

    public IReadOnlyList<ExportDescriptor> Exports => ExportsOf(Info);

    private static List<ImportDescriptor> ImportsOf(ModuleInfo m) => m.Imports.Select(i => new ImportDescriptor(i.Module, i.Name, i.Kind, i.Kind switch
    {
        ExternKind.Func => m.Types[(int)i.TypeIndex],
        ExternKind.Table => i.Table!,
        ExternKind.Memory => i.Memory!,
        _ => (object)i.Global,
    })).ToList();

    private static List<ExportDescriptor> ExportsOf(ModuleInfo m) => m.Exports.Select(e => new ExportDescriptor(e.Name, e.Kind, e.Kind switch
    {
        ExternKind.Func => m.FunctionType(e.Index),
        ExternKind.Table => m.Tables[(int)e.Index],
        ExternKind.Memory => m.Memories[(int)e.Index],
        _ => (object)m.Globals[(int)e.Index],
    })).ToList();
}
