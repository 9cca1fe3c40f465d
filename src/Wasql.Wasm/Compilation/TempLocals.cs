// Scratch IL locals, pooled by type so big functions reuse a few locals instead of declaring thousands
// (RyuJIT tracks at most 1,024 locals and falls back to MinOpts beyond its limits).
using System.Reflection.Emit;

namespace Wasql.Wasm.Compilation;

internal sealed class TempLocals(ILGenerator il)
{
    private readonly Dictionary<Type, Stack<LocalBuilder>> _free = [];

    public LocalBuilder Rent(Type t)
    {
        if (_free.TryGetValue(t, out var s) && s.Count > 0) return s.Pop();
        return il.DeclareLocal(t);
    }

    public void Return(LocalBuilder l)
    {
        if (!_free.TryGetValue(l.LocalType, out var s)) _free[l.LocalType] = s = new Stack<LocalBuilder>();
        s.Push(l);
    }
}
