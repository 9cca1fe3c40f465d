// The common face of all builders, so nested builders (list, struct, map) can hold any child builder.
// Build() returns the array and resets the builder for reuse.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public interface IArrayBuilder
{
    ArrowType Type { get; }
    int Length { get; }
    void AppendNull();

    /// <summary>Appends a boxed value (null for NULL), converted to the builder's type; a slow path for
    /// generic code. Nested builders take IEnumerable (lists), IReadOnlyDictionary or object?[] (structs)
    /// and IDictionary or KeyValuePair sequences (maps).</summary>
    void AppendObject(object? value);

    ArrowArray Build();
}
