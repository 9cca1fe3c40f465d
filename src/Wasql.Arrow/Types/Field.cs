// A named, typed column or child, with nullability and optional key/value metadata
// (e.g. "ARROW:extension:name" = "arrowudf.json"). Immutable; equality includes metadata.
namespace Wasql.Arrow.Types;

public sealed class Field : IEquatable<Field>
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public Field(string name, ArrowType type, bool nullable = true, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Type = type ?? throw new ArgumentNullException(nameof(type));
        Nullable = nullable;
        Metadata = metadata is null || metadata.Count == 0 ? NoMetadata : new Dictionary<string, string>(metadata);
    }

    public string Name { get; }
    public ArrowType Type { get; }
    public bool Nullable { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The value of metadata key "ARROW:extension:name", or null.</summary>
    public string? ExtensionName => Metadata.TryGetValue("ARROW:extension:name", out var v) ? v : null;

    public Field WithMetadata(IReadOnlyDictionary<string, string> metadata) => new(Name, Type, Nullable, metadata);

    public bool Equals(Field? other) =>
        other is not null && other.Name == Name && other.Nullable == Nullable && other.Type.Equals(Type)
        && MetadataEqual(other.Metadata, Metadata);

    public override bool Equals(object? obj) => obj is Field f && Equals(f);
    public override int GetHashCode() => HashCode.Combine(Name, Type, Nullable);
    public override string ToString() => $"{Name}: {Type}{(Nullable ? "" : " not null")}";

    internal static bool MetadataEqual(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (k, v) in a)
            if (!b.TryGetValue(k, out var w) || w != v) return false;
        return true;
    }

    internal static bool SequenceEqual(IReadOnlyList<Field> a, IReadOnlyList<Field> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (!a[i].Equals(b[i])) return false;
        return true;
    }
}
