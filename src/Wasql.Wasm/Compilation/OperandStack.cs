// The compiler's mirror of the wasm operand stack, which at run time is the CIL evaluation stack: the type of every
// slot (so branches can drop surplus values and temporaries get the right CIL type) and, per slot, the local whose
// unmodified value it holds (so MemoryAccessEmitter can skip bounds checks already done for that value).
namespace Wasql.Wasm.Compilation;

internal sealed class OperandStack
{
    private const int NoOrigin = -1;
    private readonly List<ValType> _types = new(64);
    private int[] _origins = NoOrigins(64);

    public int Count => _types.Count;

    public ValType this[int height] => _types[height];

    public void Push(ValType t)
    {
        if (_types.Count < _origins.Length) _origins[_types.Count] = NoOrigin;
        _types.Add(t);
    }

    public ValType Pop()
    {
        var t = _types[^1];
        _types.RemoveAt(_types.Count - 1);
        return t;
    }

    /// <summary>Drops every slot at <paramref name="height"/> and above (the CIL side is the caller's business).</summary>
    public void Truncate(int height) => _types.RemoveRange(height, _types.Count - height);

    /// <summary>The top slot holds the current value of <paramref name="local"/>.</summary>
    public void NoteOrigin(int local)
    {
        int h = _types.Count - 1;
        if (h >= _origins.Length)
        {
            var grown = NoOrigins(Math.Max(h + 1, _origins.Length * 2));
            _origins.CopyTo(grown, 0);
            _origins = grown;
        }
        _origins[h] = local;
    }

    /// <summary>The local whose unmodified value is at <paramref name="height"/>, or -1.</summary>
    public int OriginOf(int height) => height >= 0 && height < _origins.Length ? _origins[height] : NoOrigin;

    /// <summary><paramref name="local"/> was assigned: the slots holding its old value no longer do.</summary>
    public void LocalChanged(int local)
    {
        for (int h = Math.Min(_types.Count, _origins.Length) - 1; h >= 0; h--)
            if (_origins[h] == local) _origins[h] = NoOrigin;
    }

    /// <summary>At a merge point (label, region call) no slot's origin is known any more.</summary>
    public void ForgetOrigins() => Array.Fill(_origins, NoOrigin);

    private static int[] NoOrigins(int n)
    {
        var a = new int[n];
        Array.Fill(a, NoOrigin);
        return a;
    }
}
