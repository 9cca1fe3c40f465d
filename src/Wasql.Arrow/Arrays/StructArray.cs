// Struct: one child per field, aligned with the parent (parent offset applies to the children too).
// Fields exposes each child already sliced to this array's window, so Fields[k] index i is row i.
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public sealed class StructArray : ArrowArray
{
    private readonly ArrowArray[] _fields;

    public StructArray(ArrayData data) : base(data)
    {
        _fields = new ArrowArray[data.Children.Length];
        for (int k = 0; k < _fields.Length; k++)
        {
            var child = data.Children[k];
            _fields[k] = Create(data.Offset == 0 && child.Length == data.Length ? child : child.Slice(data.Offset, data.Length));
        }
    }

    public StructType StructType => (StructType)Type;
    public IReadOnlyList<ArrowArray> Fields => _fields;

    public ArrowArray GetFieldArray(string name)
    {
        var fields = StructType.Fields;
        for (int k = 0; k < fields.Count; k++)
            if (fields[k].Name == name) return _fields[k];
        throw new KeyNotFoundException($"struct has no field '{name}'");
    }

    public override object? GetObject(int index)
    {
        if (!IsValid(index)) return null;
        var row = new Dictionary<string, object?>(_fields.Length);
        var fields = StructType.Fields;
        for (int k = 0; k < _fields.Length; k++) row[fields[k].Name] = _fields[k].GetObject(index);
        return row;
    }

    /// <summary>A struct array from child arrays of equal length (no NULL structs).</summary>
    public static StructArray From(IReadOnlyList<Field> fields, IReadOnlyList<ArrowArray> children)
    {
        if (fields.Count != children.Count) throw new ArgumentException("one child array per field is required");
        int length = children.Count == 0 ? 0 : children[0].Length;
        var data = new ArrayData[children.Count];
        for (int k = 0; k < data.Length; k++)
        {
            if (children[k].Length != length) throw new ArgumentException("struct children must have equal lengths");
            if (!children[k].Type.Equals(fields[k].Type)) throw new ArgumentException($"child {k} has type {children[k].Type}, field says {fields[k].Type}");
            data[k] = children[k].Data;
        }
        return new StructArray(new ArrayData(new StructType(fields), length, 0, 0, [default], data));
    }
}
