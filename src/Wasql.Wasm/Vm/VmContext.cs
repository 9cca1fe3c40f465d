// The per-instance state generated code reaches through its hidden last argument: memory, tables,
// globals, the function index space, passive segments and the store's execution state.
using System.ComponentModel;

namespace Wasql.Wasm.Vm;

[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class VmContext
{
    public Memory? Memory;
    public Table[] Tables = [];
    public Global[] Globals = [];
    /// <summary>The whole function index space: imports first, then this module's functions.</summary>
    public Function[] Functions = [];
    /// <summary>Passive data segments by index; empty once dropped (or for active segments after instantiation).</summary>
    public ReadOnlyMemory<byte>[] Data = [];
    /// <summary>Element segments by index, as reference values; empty once dropped.</summary>
    public object?[][] Elements = [];
    /// <summary>Entry pointers of a module the engine tiers (null otherwise); shared by its instances.</summary>
    public TierState? Tiers;
    /// <summary>The engine's canonical id of each type in the module's type section. Code loaded from the module cache
    /// reads call_indirect's expected id here (ids are per engine, so a cached image cannot hold them as constants).</summary>
    public int[] TypeIds = [];
    public required ExecState Exec;
    public required Instance Instance;
}
