// Tables of references. Elements of a funcref table are Function objects (or null).
using System.ComponentModel;

namespace Wasql.Wasm;

public sealed class Table : Extern
{
    /// <summary>The elements; replaced (not resized in place) when the table grows.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)] public object?[] Elements;

    private readonly uint _max;
    public TableType Type { get; }
    public override ExternKind Kind => ExternKind.Table;

    public Table(TableType type, object? init = null, StoreLimits? limits = null)
    {
        Type = type;
        _max = Math.Min(type.Limits.Max ?? uint.MaxValue, limits?.MaxTableElements ?? 10_000_000);
        if (type.Limits.Min > _max) throw new ResourceLimitException($"table minimum of {type.Limits.Min} elements exceeds the limit of {_max}");
        Elements = new object?[type.Limits.Min];
        if (init is not null) Array.Fill(Elements, init);
    }

    public static Table Create(Store store, TableType type, object? init = null) => new(type, init, store.Limits);

    public uint Size => (uint)Elements.Length;

    public object? Get(uint index) =>
        index < (uint)Elements.Length ? Elements[index] : throw new TrapException(TrapCode.TableOutOfBounds);

    public void Set(uint index, object? value)
    {
        if (index >= (uint)Elements.Length) throw new TrapException(TrapCode.TableOutOfBounds);
        Elements[index] = value;
    }

    /// <summary>table.grow: returns the old size, or -1 if the growth is refused.</summary>
    public int Grow(uint delta, object? init)
    {
        uint old = Size;
        ulong n = (ulong)old + delta;
        if (n > _max) return -1;
        if (delta == 0) return (int)old;
        var e = new object?[n];
        Array.Copy(Elements, e, old);
        if (init is not null) Array.Fill(e, init, (int)old, (int)delta);
        Elements = e;
        return (int)old;
    }
}
