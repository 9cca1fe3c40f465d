// Module: a decoded, validated and compiled module; compile once, instantiate many times.
using Wasql.Wasm.Binary;
using Wasql.Wasm.Compilation;
using Wasql.Wasm.Model;
using Wasql.Wasm.Validation;

namespace Wasql.Wasm;

public sealed record ImportDescriptor(string Module, string Name, ExternKind Kind, object Type);

public sealed record ExportDescriptor(string Name, ExternKind Kind, object Type);

public sealed class Module
{
    public Engine Engine { get; }
    public ModuleInfo Info { get; }
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

    public IReadOnlyList<ImportDescriptor> Imports => Info.Imports.Select(i => new ImportDescriptor(i.Module, i.Name, i.Kind, i.Kind switch
    {
        ExternKind.Func => Info.Types[(int)i.TypeIndex],
        ExternKind.Table => i.Table!,
        ExternKind.Memory => i.Memory!,
        _ => (object)i.Global,
    })).ToList();

    public IReadOnlyList<ExportDescriptor> Exports => Info.Exports.Select(e => new ExportDescriptor(e.Name, e.Kind, e.Kind switch
    {
        ExternKind.Func => Info.FunctionType(e.Index),
        ExternKind.Table => Info.Tables[(int)e.Index],
        ExternKind.Memory => Info.Memories[(int)e.Index],
        _ => (object)Info.Globals[(int)e.Index],
    })).ToList();
}
