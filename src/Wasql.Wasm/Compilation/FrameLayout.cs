// The frame struct of a split function: one field per wasm local, copied in and out around calls to
// outlined regions, plus typed transfer slots for the values that cross a region boundary (block
// parameters and results, branch values, return values). Fields are created on first use.
using System.Reflection;
using System.Reflection.Emit;

namespace Wasql.Wasm.Compilation;

internal sealed class FrameLayout
{
    private readonly TypeBuilder _type;
    private readonly ValType[] _localTypes;
    private readonly Dictionary<int, FieldBuilder> _locals = [];
    private readonly Dictionary<(ValType, int), FieldBuilder> _transfer = [];

    public FrameLayout(ModuleBuilder module, string name, ValType[] localTypes)
    {
        _type = module.DefineType(name, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.SequentialLayout, typeof(ValueType));
        _localTypes = localTypes;
    }

    public Type Type => _type;
    public Type ByRef => _type.MakeByRefType();

    public FieldInfo Local(int index)
    {
        if (!_locals.TryGetValue(index, out var f))
            _locals[index] = f = _type.DefineField($"l{index}", ClrTypes.Of(_localTypes[index]), FieldAttributes.Public);
        return f;
    }

    /// <summary>The slot of the <paramref name="position"/>-th value of a value sequence of <paramref name="types"/>.</summary>
    public FieldInfo Transfer(ValType[] types, int position)
    {
        var t = types[position];
        int k = 0;
        for (int i = 0; i < position; i++) if (types[i] == t) k++;
        if (!_transfer.TryGetValue((t, k), out var f))
            _transfer[(t, k)] = f = _type.DefineField($"t_{t.Name()}_{k}", ClrTypes.Of(t), FieldAttributes.Public);
        return f;
    }

    public void Create() => _type.CreateType();
}
