// How generated code reaches its VmContext: the hidden last argument of a function, the second of a region method.
using System.Reflection.Emit;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Compilation;

internal readonly struct ContextArg(ILGenerator il, short index)
{
    public short Index => index;

    public void Load() => il.EmitLdarg(index);

    /// <summary>ctx.Exec: the store's execution state (stack limit, fuel, interrupt flag).</summary>
    public void LoadExec()
    {
        Load();
        il.Emit(OpCodes.Ldfld, typeof(VmContext).GetField(nameof(VmContext.Exec))!);
    }
}
