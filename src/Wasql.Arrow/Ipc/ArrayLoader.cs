// Turns a RecordBatch message's field nodes and buffer descriptors into ArrayData over the body,
// without copying (buffers are slices of the body). Every length, buffer range, null count and
// offset is checked before any array is handed out, so later element access cannot fail.
using System.Runtime.InteropServices;
using System.Text.Unicode;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.FlatBuffers;
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

internal ref struct ArrayLoader
{
    private static readonly byte[] ZeroOffsets = new byte[8];

    private readonly FbVector _nodes;
    private readonly FbVector _buffers;
    private readonly ReadOnlyMemory<byte> _body;
    private readonly long _bodyPosition;
    private readonly ArrowReadOptions _options;
    private readonly IReadOnlyDictionary<long, ArrayData> _dictionaries;
    private int _node;
    private int _buffer;

    public ArrayLoader(FbVector nodes, FbVector buffers, ReadOnlyMemory<byte> body, long bodyPosition,
        ArrowReadOptions options, IReadOnlyDictionary<long, ArrayData> dictionaries)
    {
        _nodes = nodes;
        _buffers = buffers;
        _body = body;
        _bodyPosition = bodyPosition;
        _options = options;
        _dictionaries = dictionaries;
    }

    /// <summary>Fails unless every field node and buffer was used by the schema.</summary>
    public readonly void CheckConsumed()
    {
        if (_node != _nodes.Count)
            throw new ArrowFormatException($"record batch has {_nodes.Count} field nodes but the schema uses {_node}", _nodes.Position);
        if (_buffer != _buffers.Count)
            throw new ArrowFormatException($"record batch has {_buffers.Count} buffers but the schema uses {_buffer}", _buffers.Position);
    }

    public ArrayData Load(Field field, FieldEncoding encoding, int depth)
    {
        if (depth > _options.MaxNestingDepth)
            throw new ArrowFormatException($"field '{field.Name}' nests deeper than {_options.MaxNestingDepth} levels", _nodes.Position);
        long nodePosition = _nodes.Position + (long)_node * 16;
        var (length, nullCount) = NextNode(field);

        if (encoding.DictionaryId is long id)
        {
            var indices = LoadFixedWidth(field, encoding.IndexType!, length, nullCount);
            if (!_dictionaries.TryGetValue(id, out var dictionary))
                throw new ArrowFormatException($"field '{field.Name}' uses dictionary {id}, which was not sent before this batch", nodePosition);
            return DictionaryDecoder.Decode(indices, dictionary, field.Name, nodePosition, _options.MaxDictionaryDecodedSize);
        }

        var type = field.Type;
        switch (type.Id)
        {
            case ArrowTypeId.Null:
                return new ArrayData(type, length, length, 0, []);
            case ArrowTypeId.Utf8 or ArrowTypeId.LargeUtf8 or ArrowTypeId.Binary or ArrowTypeId.LargeBinary:
            {
                bool large = type.Id is ArrowTypeId.LargeUtf8 or ArrowTypeId.LargeBinary;
                var validity = LoadValidity(field, length, nullCount);
                var offsets = LoadOffsets(field, length, large, out long offsetsPosition);
                var data = NextBuffer(field, "data", out long dataPosition);
                CheckOffsets(field, offsets.Span, length, large, data.Length, "the data buffer", offsetsPosition);
                var array = new ArrayData(type, length, nullCount, 0, [validity, offsets, data]);
                if (_options.ValidateUtf8 && type.Id is ArrowTypeId.Utf8 or ArrowTypeId.LargeUtf8)
                    CheckUtf8(field, array, dataPosition);
                return array;
            }
            case ArrowTypeId.List or ArrowTypeId.LargeList or ArrowTypeId.Map:
            {
                bool large = type.Id == ArrowTypeId.LargeList;
                var validity = LoadValidity(field, length, nullCount);
                var offsets = LoadOffsets(field, length, large, out long offsetsPosition);
                var childField = type is BaseListType l ? l.ValueField : ((MapType)type).EntriesField;
                var child = Load(childField, ChildEncoding(encoding, 0), depth + 1);
                CheckOffsets(field, offsets.Span, length, large, child.Length, "the child array", offsetsPosition);
                return new ArrayData(type, length, nullCount, 0, [validity, offsets], [child]);
            }
            case ArrowTypeId.FixedSizeList:
            {
                var fsl = (FixedSizeListType)type;
                var validity = LoadValidity(field, length, nullCount);
                var child = Load(fsl.ValueField, ChildEncoding(encoding, 0), depth + 1);
                if (child.Length < (long)length * fsl.ListSize)
                    throw new ArrowFormatException($"field '{field.Name}': {length} lists of {fsl.ListSize} need {(long)length * fsl.ListSize} child values, the child has {child.Length}", nodePosition);
                return new ArrayData(type, length, nullCount, 0, [validity], [child]);
            }
            case ArrowTypeId.Struct:
            {
                var fields = ((StructType)type).Fields;
                var validity = LoadValidity(field, length, nullCount);
                var children = new ArrayData[fields.Count];
                for (int k = 0; k < children.Length; k++)
                {
                    children[k] = Load(fields[k], ChildEncoding(encoding, k), depth + 1);
                    if (children[k].Length < length)
                        throw new ArrowFormatException($"field '{field.Name}': child '{fields[k].Name}' has {children[k].Length} values, the struct {length}", nodePosition);
                }
                return new ArrayData(type, length, nullCount, 0, [validity], children);
            }
            default:
                return LoadFixedWidth(field, type, length, nullCount);
        }
    }

    private static FieldEncoding ChildEncoding(FieldEncoding parent, int index) =>
        index < parent.Children.Length ? parent.Children[index] : FieldEncoding.Plain;

    private ArrayData LoadFixedWidth(Field field, ArrowType type, int length, int nullCount)
    {
        var validity = LoadValidity(field, length, nullCount);
        var values = NextBuffer(field, "values", out long position);
        long needed = type.BitWidth == 1 ? BitUtil.BytesForBits(length) : (long)length * (type.BitWidth / 8);
        if (values.Length < needed)
            throw new ArrowFormatException($"field '{field.Name}': values buffer of {values.Length} bytes is too short for {length} values of {type} ({needed} bytes)", position);
        return new ArrayData(type, length, nullCount, 0, [validity, values]);
    }

    private (int Length, int NullCount) NextNode(Field field)
    {
        if (_node >= _nodes.Count)
            throw new ArrowFormatException($"record batch has too few field nodes ({_nodes.Count}); none left for field '{field.Name}'", _nodes.Position);
        long position = _nodes.Position + (long)_node * 16;
        long length = _nodes.GetLong(_node, 0), nulls = _nodes.GetLong(_node, 8);
        _node++;
        if (length is < 0 or > int.MaxValue)
            throw new ArrowFormatException($"field '{field.Name}': length {length} is out of range", position);
        // The Null type's null count is its length whatever the node says (apache-arrow JS writes -1 for slices).
        if (field.Type.Id == ArrowTypeId.Null) nulls = length;
        if (nulls < 0 || nulls > length)
            throw new ArrowFormatException($"field '{field.Name}': null count {nulls} is out of range for length {length}", position);
        return ((int)length, (int)nulls);
    }

    private ReadOnlyMemory<byte> NextBuffer(Field field, string what, out long position)
    {
        if (_buffer >= _buffers.Count)
            throw new ArrowFormatException($"record batch has too few buffers ({_buffers.Count}); none left for the {what} of field '{field.Name}'", _buffers.Position);
        long entry = _buffers.Position + (long)_buffer * 16;
        long offset = _buffers.GetLong(_buffer, 0), length = _buffers.GetLong(_buffer, 8);
        _buffer++;
        if (offset < 0 || length < 0 || offset > _body.Length || length > _body.Length - offset)
            throw new ArrowFormatException($"field '{field.Name}': {what} buffer [{offset}, +{length}) lies outside the {_body.Length}-byte message body", entry);
        position = _bodyPosition + offset;
        return _body.Slice((int)offset, (int)length);
    }

    private ReadOnlyMemory<byte> LoadValidity(Field field, int length, int nullCount)
    {
        var bits = NextBuffer(field, "validity", out long position);
        if (nullCount == 0) return default;
        if (bits.Length < BitUtil.BytesForBits(length))
            throw new ArrowFormatException($"field '{field.Name}': validity buffer of {bits.Length} bytes is too short for {length} values", position);
        int actual = length - BitUtil.CountSetBits(bits.Span, 0, length);
        if (actual != nullCount)
            throw new ArrowFormatException($"field '{field.Name}': null count {nullCount} disagrees with the validity bitmap ({actual} NULLs)", position);
        return bits;
    }

    private ReadOnlyMemory<byte> LoadOffsets(Field field, int length, bool large, out long position)
    {
        var offsets = NextBuffer(field, "offsets", out position);
        if (length == 0 && offsets.Length == 0) return ZeroOffsets;
        long needed = ((long)length + 1) * (large ? 8 : 4);
        if (offsets.Length < needed)
            throw new ArrowFormatException($"field '{field.Name}': offsets buffer of {offsets.Length} bytes is too short for {length} values ({needed} bytes)", position);
        return offsets;
    }

    private static void CheckOffsets(Field field, ReadOnlySpan<byte> buffer, int length, bool large, long limit, string target, long position)
    {
        if (large) CheckOffsets(field, MemoryMarshal.Cast<byte, long>(buffer), length, limit, target, position, 8);
        else CheckOffsets(field, MemoryMarshal.Cast<byte, int>(buffer), length, limit, target, position, 4);
    }

    private static void CheckOffsets<T>(Field field, ReadOnlySpan<T> offsets, int length, long limit, string target, long position, int width)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        long previous = long.CreateTruncating(offsets[0]);
        if (previous < 0)
            throw new ArrowFormatException($"field '{field.Name}': first offset {previous} is negative", position);
        for (int i = 1; i <= length; i++)
        {
            long next = long.CreateTruncating(offsets[i]);
            if (next < previous)
                throw new ArrowFormatException($"field '{field.Name}': offset {i} ({next}) is less than offset {i - 1} ({previous})", position + (long)i * width);
            previous = next;
        }
        if (previous > limit)
            throw new ArrowFormatException($"field '{field.Name}': last offset {previous} is past the end of {target} ({limit})", position + (long)length * width);
    }

    private static void CheckUtf8(Field field, ArrayData data, long dataPosition)
    {
        int count = data.Length;
        if (count == 0) return;
        bool large = data.Type.Id == ArrowTypeId.LargeUtf8;
        var bytes = data.Buffers[2].Span;
        // Fast path: the whole referenced range is valid UTF-8 and no value starts inside a character.
        bool ok = large
            ? RangeIsValid(bytes, MemoryMarshal.Cast<byte, long>(data.Buffers[1].Span)[..(count + 1)])
            : RangeIsValid(bytes, MemoryMarshal.Cast<byte, int>(data.Buffers[1].Span)[..(count + 1)]);
        if (ok) return;
        var array = new StringArray(data);
        for (int i = 0; i < count; i++)
            if (array.IsValid(i) && !Utf8.IsValid(array.GetBytes(i)))
                throw new ArrowFormatException($"field '{field.Name}': value {i} is not valid UTF-8", dataPosition + array.GetValueOffset(i));
    }

    private static bool RangeIsValid<T>(ReadOnlySpan<byte> bytes, ReadOnlySpan<T> offsets)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int first = int.CreateTruncating(offsets[0]), last = int.CreateTruncating(offsets[^1]);
        if (!Utf8.IsValid(bytes[first..last])) return false;
        for (int i = 1; i < offsets.Length - 1; i++)
        {
            int o = int.CreateTruncating(offsets[i]);
            if (o < last && (bytes[o] & 0xC0) == 0x80) return false;
        }
        return true;
    }
}
