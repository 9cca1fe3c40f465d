// The schema of a record batch: ordered top-level fields plus schema-level metadata.
namespace Wasql.Arrow.Types;

public sealed class Schema : IEquatable<Schema>
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public Schema(IReadOnlyList<Field> fields, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = [.. fields];
        Metadata = metadata is null || metadata.Count == 0 ? NoMetadata : new Dictionary<string, string>(metadata);
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
