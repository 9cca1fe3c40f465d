// Builds FixedSizeList(n) arrays: Append() then exactly n elements into Values; AppendNull() adds n
// NULL elements to Values itself. Build checks the element count.
using System.Collections;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class FixedSizeListArrayBuilder : IArrayBuilder
{
    private readonly ValidityBuilder _validity = new();

    public FixedSizeListArrayBuilder(IArrayBuilder values, int listSize, Field? valueField = null)
    {
        Values = values;
        ListSize = listSize;
        Type = new FixedSizeListType(valueField ?? new Field("item", values.Type, true), listSize);
    }

    public ArrowType Type { get; }
    public IArrayBuilder Values { get; }
    public int ListSize { get; }
    public int Length => _validity.Length;

    public void Append() => _validity.AppendValid();

    public void AppendNull()
    {
        for (int i = 0; i < ListSize; i++) Values.AppendNull();
        _validity.AppendNull();
    }

    public void AppendObject(object? value)
    {
        if (value is null) { AppendNull(); return; }
        if (value is not IEnumerable items || value is string) throw new ArgumentException($"a list value must be a sequence, not {value.GetType().Name}");
        int before = Values.Length;
        foreach (var item in items) Values.AppendObject(item);
        if (Values.Length - before != ListSize) throw new ArgumentException($"a fixed-size list value needs exactly {ListSize} elements");
        Append();
    }

    public FixedSizeListArray Build()
    {
        int length = Length;
        if (Values.Length != (long)length * ListSize)
            throw new InvalidOperationException($"{length} lists of {ListSize} need {(long)length * ListSize} elements, {Values.Length} were appended");
        var (bits, nulls) = _validity.Build();
        var child = Values.Build();
        return new FixedSizeListArray(new ArrayData(Type, length, nulls, 0, [bits], [child.Data]));
    }

    ArrowArray IArrayBuilder.Build() => Build();
}
