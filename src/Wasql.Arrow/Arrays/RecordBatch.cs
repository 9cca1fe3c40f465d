// A record batch: a schema and one array per field, all of the batch length. A batch may have zero
// columns and still a row count (the arrow-udf ABI uses that for zero-argument functions).
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public sealed class RecordBatch
{
    private readonly ArrowArray[] _columns;

    public RecordBatch(Schema schema, IReadOnlyList<ArrowArray> columns, int length)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (columns.Count != schema.Fields.Count)
            throw new ArgumentException($"schema has {schema.Fields.Count} fields but {columns.Count} columns were given");
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Length != length)
                throw new ArgumentException($"column {i} ('{schema.Fields[i].Name}') has {columns[i].Length} rows, the batch {length}");
            var type = columns[i].Type;
            if (!ReferenceEquals(type, schema.Fields[i].Type) && !type.Equals(schema.Fields[i].Type))
                throw new ArgumentException($"column {i} ('{schema.Fields[i].Name}') has type {columns[i].Type}, the field {schema.Fields[i].Type}");
        }
        Schema = schema;
        _columns = [.. columns];
        Length = length;
    }

    /// <summary>A batch whose schema is made of nullable fields named and typed after the columns.</summary>
    public RecordBatch(IReadOnlyList<(string Name, ArrowArray Column)> columns)
        : this(new Schema(columns.Select(c => new Field(c.Name, c.Column.Type)).ToArray()),
               columns.Select(c => c.Column).ToArray(), columns.Count == 0 ? 0 : columns[0].Column.Length) { }

    public Schema Schema { get; }
    public int Length { get; }
    public int ColumnCount => _columns.Length;
    public IReadOnlyList<ArrowArray> Columns => _columns;

    public ArrowArray Column(int index) => _columns[index];

    public ArrowArray Column(string name)
    {
        int i = Schema.GetFieldIndex(name);
        return i >= 0 ? _columns[i] : throw new KeyNotFoundException($"batch has no column '{name}'");
    }

    public RecordBatch Slice(int offset, int length)
    {
        if ((uint)offset > (uint)Length || (uint)length > (uint)(Length - offset))
            throw new ArgumentOutOfRangeException(nameof(offset), $"slice [{offset}, +{length}) is outside a batch of {Length} rows");
        return new RecordBatch(Schema, _columns.Select(c => c.Slice(offset, length)).ToArray(), length);
    }

    public override string ToString() => $"RecordBatch({Length} rows, {Schema})";
}
