// A compiled UDF module and its instance pool: the arrow-udf functions it exports (decoded from its symbols),
// overload lookup by argument types, and binding of plain exports as direct-ABI functions.
using Apache.Arrow.Types;
using Wasql.Arrow;
using Wasql.Udf.Pooling;
using Wasql.Wasm;

namespace Wasql.Udf;

/// <summary>Pool counters of one module.</summary>
/// <param name="Live">Instances alive now (idle + in use).</param>
/// <param name="Idle">Instances waiting in the pool.</param>
/// <param name="Peak">Highest <paramref name="Live"/> seen.</param>
/// <param name="Created">Instances created so far.</param>
/// <param name="Discarded">Instances thrown away after a trap or error.</param>
/// <param name="Cap">The pool cap (<see cref="UdfLimits.MaxInstancesPerModule"/>).</param>
public readonly record struct UdfPoolStats(int Live, int Idle, int Peak, long Created, long Discarded, int Cap);

/// <summary>A plain function export of a module (candidate for <see cref="UdfModule.BindDirect(string, DirectSignature)"/>).</summary>
/// <param name="Name">Export name.</param>
/// <param name="Parameters">wasm parameter types (i32, i64, f32, f64...).</param>
/// <param name="Results">wasm result types.</param>
public sealed record WasmExport(string Name, IReadOnlyList<string> Parameters, IReadOnlyList<string> Results);

/// <summary>A module loaded by <see cref="UdfRuntime.Load(byte[], string?)"/>: compiled once, instantiated on demand into its pool.</summary>
public sealed class UdfModule : IDisposable
{
    private readonly List<ArrowUdfFunction> _functions = [];

    internal UdfModule(UdfRuntime runtime, string name, Module module, Action<Linker, Store>? hostImports = null)
    {
        HostImports = hostImports;
        Runtime = runtime;
        Name = name;
        Compiled = module;
        Pool = new InstancePool(this);
        ArrowUdf.ModuleScanner.Scan(this, _functions);
        Pool.Seed(); // instantiate once now: missing imports or a failing start fail the load, not the first query
    }

    internal Module Compiled { get; }
    internal Action<Linker, Store>? HostImports { get; }
    internal InstancePool Pool { get; }

    /// <summary>The runtime that loaded the module.</summary>
    public UdfRuntime Runtime { get; }
    /// <summary>A name for errors and diagnostics.</summary>
    public string Name { get; }
    /// <summary>The arrow-udf ABI version (from the <c>ARROWUDF_VERSION_M_N</c> export), or null for a plain module.</summary>
    public Version? ArrowUdfVersion { get; internal set; }
    /// <summary>True when the module speaks the arrow-udf batch ABI.</summary>
    public bool IsArrowUdf => ArrowUdfVersion is not null;
    /// <summary>Every arrow-udf function (scalar and table), in export order.</summary>
    public IReadOnlyList<ArrowUdfFunction> Functions => _functions;
    /// <summary>Struct types declared by <c>arrowudt_</c> symbols (ABI 2-3), by name.</summary>
    public IReadOnlyDictionary<string, UdfType> StructTypes { get; internal set; } = new Dictionary<string, UdfType>();

    /// <summary>Plain function exports (any module), for binding with the direct ABI.</summary>
    public IReadOnlyList<WasmExport> Exports => Compiled.Exports
        .Where(e => e.Kind == ExternKind.Func && e.Type is FuncType)
        .Select(e => { var t = (FuncType)e.Type; return new WasmExport(e.Name, t.Params.Select(p => p.Name()).ToArray(), t.Results.Select(p => p.Name()).ToArray()); })
        .ToArray();

    /// <summary>Current pool counters.</summary>
    public UdfPoolStats PoolStats => Pool.Stats;

    /// <summary>All overloads named <paramref name="name"/> (case-sensitive, as exported).</summary>
    public IReadOnlyList<ArrowUdfFunction> GetOverloads(string name) => _functions.Where(f => f.Name == name).ToArray();

    /// <summary>
    /// The overload of <paramref name="name"/> whose argument types match <paramref name="argumentTypes"/>:
    /// type names in the module's vocabulary (e.g. <c>int4</c> for ABI 1-2, <c>int32</c> for ABI 3), in the other
    /// vocabulary, or SQL aliases (integer, bigint, varchar, text, bytea, double precision...). Null when none matches.
    /// </summary>
    public ArrowUdfFunction? FindFunction(string name, IReadOnlyList<string> argumentTypes)
    {
        var wanted = new IArrowType[argumentTypes.Count];
        for (int i = 0; i < wanted.Length; i++)
        {
            var t = ArrowUdf.TypeVocabulary.TryParse(argumentTypes[i], ArrowUdfVersion?.Major ?? 3, StructTypes);
            if (t is null) return null;
            wanted[i] = t.ArrowType;
        }
        return FindFunction(name, wanted);
    }

    /// <summary>The overload of <paramref name="name"/> whose argument Arrow types equal <paramref name="argumentTypes"/>.</summary>
    public ArrowUdfFunction? FindFunction(string name, IReadOnlyList<IArrowType> argumentTypes)
    {
        foreach (var f in _functions)
        {
            if (f.Name != name || f.ArgumentTypes.Count != argumentTypes.Count) continue;
            bool ok = true;
            for (int i = 0; i < argumentTypes.Count && ok; i++) ok = ArrowTypes.Same(f.ArgumentTypes[i].ArrowType, argumentTypes[i]);
            if (ok) return f;
        }
        return null;
    }

    /// <summary>Like <see cref="FindFunction(string, IReadOnlyList{string})"/> but throws a Signature
    /// <see cref="UdfException"/> listing the available overloads when none matches.</summary>
    public ArrowUdfFunction GetFunction(string name, params string[] argumentTypes) =>
        FindFunction(name, argumentTypes) ?? throw new UdfException(UdfErrorKind.Signature, name,
            $"no overload {name}({string.Join(",", argumentTypes)}) in module '{Name}'; available: " +
            (GetOverloads(name) is { Count: > 0 } o ? string.Join("; ", o.Select(f => f.Signature)) : "none"));

    /// <summary>
    /// Binds a plain export as a direct-ABI function with declared SQL types. Checks the export's wasm signature
    /// against the declaration (numbers map to one wasm value; text/bytea arguments to (i32 ptr, i32 len); a
    /// text/bytea result to one i64) and, for text/bytea, that the module exports <c>alloc</c>/<c>dealloc</c>.
    /// </summary>
    public DirectFunction BindDirect(string exportName, DirectSignature signature)
    {
        Direct.DirectShape.Check(this, exportName, signature);
        return new DirectFunction(this, exportName, signature);
    }

    /// <summary>Binds with SQL type names, e.g. <c>BindDirect("gcd", ["int4", "int4"], "int4")</c>.</summary>
    public DirectFunction BindDirect(string exportName, IReadOnlyList<string> argumentTypes, string resultType, bool calledOnNullInput = false, bool nullableResult = false) =>
        BindDirect(exportName, new DirectSignature(argumentTypes.Select(SqlTypes.Parse).ToArray(), SqlTypes.Parse(resultType), calledOnNullInput, nullableResult));

    /// <summary>Binds a direct-ABI table function: the export <paramref name="exportName"/> with these argument types
    /// and <c>{exportName}__next</c> yielding rows of <paramref name="columns"/> cells (sdk/DIRECT_ABI.md).</summary>
    public DirectTableFunction BindDirectTable(string exportName, IReadOnlyList<string> argumentTypes, int columns, bool calledOnNullInput = false)
    {
        var args = argumentTypes.Select(SqlTypes.Parse).ToArray();
        DirectTableFunction.Check(this, exportName, args, calledOnNullInput);
        return new DirectTableFunction(this, exportName, args, columns, calledOnNullInput);
    }

    /// <summary>Rents an instance from the pool for a sequence of guest calls (see <see cref="UdfInstance"/>); dispose it
    /// to give it back. Waits while the pool is at its cap, up to <see cref="UdfLimits.RentTimeout"/>.</summary>
    public UdfInstance Rent() => new(Pool, Pool.Rent(null));

    /// <summary>JIT-compiles every function of the module now (see <see cref="Module.Precompile"/>).</summary>
    public void Precompile() => Compiled.Precompile();

    /// <summary>Drops the idle instances; instances in use are dropped when returned. Calls after Dispose fail.</summary>
    public void Dispose() => Pool.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"UdfModule({Name}{(IsArrowUdf ? $", arrow-udf {ArrowUdfVersion}" : "")}, {_functions.Count} functions)";
}
