// How wasm types appear in CIL: i32/i64/f32/f64 as int/long/float/double, v128 as Vector128<byte>,
// references as object. Also the internal calling convention of compiled functions.
using System.Runtime.Intrinsics;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal static class ClrTypes
{
    public static Type Of(ValType t) => t switch
    {
        ValType.I32 => typeof(int),
        ValType.I64 => typeof(long),
        ValType.F32 => typeof(float),
        ValType.F64 => typeof(double),
        ValType.V128 => typeof(Vector128<byte>),
        _ => typeof(object),
    };

    /// <summary>Return type: the first result, or void.</summary>
    public static Type ReturnOf(FuncType f) => f.Results.Length == 0 ? typeof(void) : Of(f.Results[0]);

    /// <summary>
    /// Parameters of a compiled function: the wasm parameters, then the target (a VmContext for wasm code,
    /// a HostTarget for host code), then one byref per result after the first.
    /// </summary>
    public static Type[] ParamsOf(FuncType f, Type targetType)
    {
        var ps = new Type[f.Params.Length + 1 + Math.Max(0, f.Results.Length - 1)];
        int k = 0;
        foreach (var p in f.Params) ps[k++] = Of(p);
        ps[k++] = targetType;
        for (int i = 1; i < f.Results.Length; i++) ps[k++] = Of(f.Results[i]).MakeByRefType();
        return ps;
    }

    public static Type[] CalliParamsOf(FuncType f) => ParamsOf(f, typeof(object));

    public static readonly Type Context = typeof(VmContext);
}
