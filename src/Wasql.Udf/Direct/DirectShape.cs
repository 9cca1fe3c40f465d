// The wasm shape of a direct-ABI signature: which wasm parameters each SQL argument occupies (numbers one,
// text/bytea two: ptr, len), the wasm result type, and the CLR delegate type of the raw export.
using System.Linq.Expressions;
using Wasql.Wasm;

namespace Wasql.Udf.Direct;

internal sealed class DirectShape
{
    public DirectShape(string exportName, DirectSignature signature)
    {
        ExportName = exportName;
        Signature = signature;
        CacheKey = "direct:" + exportName;
        var ps = new List<ValType>();
        foreach (var a in signature.Arguments)
        {
            if (SqlTypes.IsNumeric(a)) ps.Add(WasmOf(a));
            else { ps.Add(ValType.I32); ps.Add(ValType.I32); }
            if (signature.CalledOnNullInput) ps.Add(ValType.I32);   // the argument's NULL flag
        }
        WasmParams = [.. ps];
        WasmResult = SqlTypes.IsNumeric(signature.Result) ? WasmOf(signature.Result) : ValType.I64;
        InnerDelegateType = Expression.GetFuncType([.. WasmParams.Select(ClrOf), ClrOf(WasmResult)]);
    }

    public string ExportName { get; }
    /// <summary>The key of the raw export in a pooled instance's cache (made once, not per rent).</summary>
    public string CacheKey { get; }
    public DirectSignature Signature { get; }
    public ValType[] WasmParams { get; }
    public ValType WasmResult { get; }
    /// <summary>Func&lt;int/long/float/double..., result&gt; matching the export.</summary>
    public Type InnerDelegateType { get; }
    public bool NeedsAllocator => !Signature.Arguments.All(SqlTypes.IsNumeric) || !SqlTypes.IsNumeric(Signature.Result);

    public static ValType WasmOf(SqlType t) => t switch
    {
        SqlType.Int8 => ValType.I64,
        SqlType.Float4 => ValType.F32,
        SqlType.Float8 => ValType.F64,
        _ => ValType.I32,
    };

    public static Type ClrOf(ValType t) => t switch
    {
        ValType.I32 => typeof(int),
        ValType.I64 => typeof(long),
        ValType.F32 => typeof(float),
        _ => typeof(double),
    };

    /// <summary>Validates the export against the declared signature (at bind time).</summary>
    public static void Check(UdfModule module, string exportName, DirectSignature signature)
    {
        var shape = new DirectShape(exportName, signature);
        var exports = module.Compiled.Exports;
        var e = exports.FirstOrDefault(x => x.Name == exportName);
        if (e is null || e.Type is not FuncType ft)
            throw new UdfException(UdfErrorKind.Signature, exportName, $"module '{module.Name}' has no function export '{exportName}'");
        var want = new FuncType(shape.WasmParams, [shape.WasmResult]);
        if (!ft.Params.SequenceEqual(want.Params) || !ft.Results.SequenceEqual(want.Results))
            throw new UdfException(UdfErrorKind.Signature, exportName,
                $"export '{exportName}' has wasm type {ft}, but {signature} needs {want} (see sdk/DIRECT_ABI.md)");
        if (signature.NullableResult && !exports.Any(x => x.Name == DirectExports.ResultNull && x.Type is FuncType n && n.Params.Length == 0 && n.Results.SequenceEqual([ValType.I32])))
            throw new UdfException(UdfErrorKind.Signature, exportName,
                $"a nullable {SqlTypes.Name(signature.Result)} result needs the export {DirectExports.ResultNull}() -> i32 in module '{module.Name}'");
        if (shape.NeedsAllocator)
        {
            bool alloc = exports.Any(x => x.Name == "alloc" && x.Type is FuncType a && a.Params.SequenceEqual([ValType.I32, ValType.I32]) && a.Results.SequenceEqual([ValType.I32]));
            bool dealloc = exports.Any(x => x.Name == "dealloc" && x.Type is FuncType d && d.Params.SequenceEqual([ValType.I32, ValType.I32, ValType.I32]) && d.Results.Length == 0);
            bool memory = exports.Any(x => x.Name == "memory" && x.Kind == ExternKind.Memory);
            if (!memory)
                throw new UdfException(UdfErrorKind.Signature, exportName,
                    $"{signature} passes text/bytea, so module '{module.Name}' must export its linear memory as 'memory'");
            if (!alloc || !dealloc)
                throw new UdfException(UdfErrorKind.Signature, exportName,
                    $"{signature} passes text/bytea, so module '{module.Name}' must export alloc(i32 len, i32 align) -> i32 and dealloc(i32 ptr, i32 len, i32 align)");
        }
    }
}
