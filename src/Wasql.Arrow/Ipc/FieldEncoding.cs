// How a field is encoded in IPC bodies beyond its type: whether it is dictionary-encoded (id and
// index type) and the same for its children. A tree parallel to the schema's fields; reader-side only.
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

internal sealed class FieldEncoding
{
    public static readonly FieldEncoding Plain = new(null, null, []);

    public FieldEncoding(long? dictionaryId, ArrowType? indexType, FieldEncoding[] children)
    {
        DictionaryId = dictionaryId;
        IndexType = indexType;
        Children = children;
    }

    public long? DictionaryId { get; }
    public ArrowType? IndexType { get; }
    public FieldEncoding[] Children { get; }
    public bool IsPlain => DictionaryId is null && Children.All(c => c.IsPlain);
}
