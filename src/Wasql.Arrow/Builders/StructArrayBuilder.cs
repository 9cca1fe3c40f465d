// Builds Struct arrays: Append() marks a row valid (the caller appends one value to every field
// builder); AppendNull() marks it NULL and appends NULL to every field. Build checks child lengths.
using System.Collections;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class StructArrayBuilder : IArrayBuilder
{
    private readonly ValidityBuilder _validity = new();
    private readonly IArrayBuilder[] _fields;

    public StructArrayBuilder(StructType type, IReadOnlyList<IArrayBuilder> fieldBuilders)
    {
        if (type.Fields.Count != fieldBuilders.Count) throw new ArgumentException("one builder per field is required");
        for (int k = 0; k < fieldBuilders.Count; k++)
            if (!fieldBuilders[k].Type.Equals(type.Fields[k].Type))
                throw new ArgumentException($"builder {k} builds {fieldBuilders[k].Type}, field '{type.Fields[k].Name}' is {type.Fields[k].Type}");
        Type = type;
        _fields = [.. fieldBuilders];
    }

    public StructArrayBuilder(StructType type) : this(type, type.Fields.Select(f => ArrayBuilder.For(f.Type)).ToArray()) { }

    public ArrowType Type { get; }
    public IReadOnlyList<IArrayBuilder> Fields => _fields;
    public int Length => _validity.Length;

    public IArrayBuilder Field(int index) => _fields[index];

    public void Append() => _validity.AppendValid();

    public void AppendNull()
    {
        foreach (var f in _fields) f.AppendNull();
        _validity.AppendNull();
    }

    public void AppendObject(object? value)
    {
        var fields = ((StructType)Type).Fields;
        switch (value)
        {
            case null: AppendNull(); return;
            case IReadOnlyDictionary<string, object?> row:
                for (int k = 0; k < _fields.Length; k++) _fields[k].AppendObject(row.TryGetValue(fields[k].Name, out var v) ? v : null);
                break;
            case IList list when list.Count == _fields.Length:
                for (int k = 0; k < _fields.Length; k++) _fields[k].AppendObject(list[k]);
                break;
            default: throw new ArgumentException($"a struct value must be a name->value dictionary or a list of {_fields.Length} values");
        }
        Append();
    }

    public StructArray Build()
    {
        int length = Length;
        var children = new ArrayData[_fields.Length];
        for (int k = 0; k < _fields.Length; k++)
        {
            if (_fields[k].Length != length)
                throw new InvalidOperationException($"struct has {length} rows but field {k} has {_fields[k].Length} values");
            children[k] = _fields[k].Build().Data;
        }
        var (bits, nulls) = _validity.Build();
        return new StructArray(new ArrayData(Type, length, nulls, 0, [bits], children));
    }

    ArrowArray IArrayBuilder.Build() => Build();
}
