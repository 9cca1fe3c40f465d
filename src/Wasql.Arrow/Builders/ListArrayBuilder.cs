// Builds List / LargeList arrays: Append() opens an entry, then the caller appends its elements to
// Values; the entry ends where the next one starts (or at Build). AppendNull() adds an empty NULL entry.
using System.Collections;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class ListArrayBuilder : IArrayBuilder
{
    private readonly bool _large;
    private ByteBuffer _offsets = new();
    private readonly ValidityBuilder _validity = new();

    public ListArrayBuilder(IArrayBuilder values, Field? valueField = null, bool large = false)
    {
        Values = values;
        var field = valueField ?? new Field("item", values.Type, true);
        if (!field.Type.Equals(values.Type)) throw new ArgumentException($"value field type {field.Type} differs from the builder's {values.Type}");
        _large = large;
        Type = large ? new LargeListType(field) : new ListType(field);
    }

    public ArrowType Type { get; }
    public IArrayBuilder Values { get; }
    public int Length => _validity.Length;

    /// <summary>Starts a new non-NULL entry; append its elements to <see cref="Values"/>.</summary>
    public void Append()
    {
        StartEntry();
        _validity.AppendValid();
    }

    public void AppendNull()
    {
        StartEntry();
        _validity.AppendNull();
    }

    public void AppendObject(object? value)
    {
        if (value is null) { AppendNull(); return; }
        if (value is not IEnumerable items || value is string) throw new ArgumentException($"a list value must be a sequence, not {value.GetType().Name}");
        Append();
        foreach (var item in items) Values.AppendObject(item);
    }

    public ListArray Build()
    {
        StartEntry();
        int length = Length;
        var (bits, nulls) = _validity.Build();
        var offsets = _offsets.Detach();
        _offsets = new ByteBuffer();
        var child = Values.Build();
        return new ListArray(new ArrayData(Type, length, nulls, 0, [bits, offsets], [child.Data]));
    }

    ArrowArray IArrayBuilder.Build() => Build();

    private void StartEntry()
    {
        if (_large) _offsets.Append((long)Values.Length);
        else _offsets.Append(Values.Length);
    }
}
