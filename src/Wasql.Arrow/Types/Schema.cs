// The schema of a record batch: ordered top-level fields plus schema-level metadata.
namespace Wasql.Arrow.Types;

public sealed class Schema : IEquatable<Schema>
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public Schema(IReadOnlyList<Field> fields, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Fields = fields ?? throw new ArgumentNullException(nameof(fields));
        Metadata = metadata ?? NoMetadata;
    }

    public Schema(params Field[] fields) : this((IReadOnlyList<Field>)fields) { }

    public IReadOnlyList<Field> Fields { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public int GetFieldIndex(string name)
    {
        for (int i = 0; i < Fields.Count; i++)
            if (Fields[i].Name == name) return i;
        return -1;
    }

    public bool Equals(Schema? other) =>
        other is not null && Field.SequenceEqual(other.Fields, Fields) && Field.MetadataEqual(other.Metadata, Metadata);

    public override bool Equals(object? obj) => obj is Schema s && Equals(s);
    public override int GetHashCode() => Fields.Count;
    public override string ToString() => $"schema<{string.Join(", ", Fields)}>";
}
