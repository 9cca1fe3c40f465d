// The load context of a module's code that was compiled to persisted assemblies (the module cache): one per module,
// collectible unless EngineConfig.CollectibleCode is off, unloaded when the module is no longer referenced.
using System.Reflection;
using System.Runtime.Loader;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal sealed class CodeLoadContext(bool collectible) : AssemblyLoadContext("wasm-code", collectible)
{
    private static readonly Assembly s_engine = typeof(Engine).Assembly;

    // Generated code references the engine (VmHelpers, VmContext...): always the engine that loads it, even when the
    // engine itself lives in a non-default context.
    protected override Assembly? Load(AssemblyName name) =>
        AssemblyName.ReferenceMatchesDefinition(name, s_engine.GetName()) ? s_engine : null;

    /// <summary>Unloads the context once the module that owns it is unreachable (an explicit Unload is what lets a
    /// collectible context go; its code stays until nothing references it).</summary>
    ~CodeLoadContext()
    {
        if (IsCollectible)
        {
            try { Unload(); }
            catch (InvalidOperationException) { /* already unloading */ }
        }
    }
}
