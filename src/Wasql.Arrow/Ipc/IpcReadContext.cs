// State shared by the stream and file readers: the schema, its dictionary-encoded fields and the
// dictionaries received so far. Decodes RecordBatch and DictionaryBatch messages against it.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.FlatBuffers;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

internal sealed class IpcReadContext
{
    // RecordBatch table field ids
    private const int BatchLength = 0, BatchNodes = 1, BatchBuffers = 2, BatchCompression = 3;
    // DictionaryBatch table field ids
    private const int DictId = 0, DictData = 1, DictIsDelta = 2;

    private readonly FieldEncoding[] _encodings;
    private readonly ArrowReadOptions _options;
    private readonly Dictionary<long, ArrayData> _dictionaries = new();
    private readonly Dictionary<long, (Field Field, FieldEncoding Encoding)> _dictionaryFields = new();

    public IpcReadContext(Schema schema, FieldEncoding[] encodings, ArrowReadOptions options)
    {
        Schema = schema;
        _encodings = encodings;
        _options = options;
        for (int i = 0; i < encodings.Length; i++) CollectDictionaries(schema.Fields[i], encodings[i]);
    }

    public Schema Schema { get; }

    public static IpcReadContext FromSchemaTable(FbTable schema, int metadataLength, ArrowReadOptions options)
    {
        var s = SchemaCodec.Read(schema, options, metadataLength, out var encodings);
        return new IpcReadContext(s, encodings, options);
    }

    public static IpcReadContext FromSchemaMessage(in IpcMessage message, ArrowReadOptions options)
    {
        if (message.HeaderType != MessageHeaderType.Schema)
            throw new ArrowFormatException($"expected a Schema message first, found {message.HeaderType}", message.MetadataPosition);
        return FromSchemaTable(message.Header(), message.Metadata.Length, options);
    }

    private void CollectDictionaries(Field field, FieldEncoding encoding)
    {
        if (encoding.DictionaryId is long id) _dictionaryFields[id] = (field, new FieldEncoding(null, null, encoding.Children));
        var children = TypeCodec.ChildrenOf(field.Type);
        for (int k = 0; k < children.Count && k < encoding.Children.Length; k++) CollectDictionaries(children[k], encoding.Children[k]);
    }

    public RecordBatch ReadRecordBatch(in IpcMessage message)
    {
        if (message.HeaderType != MessageHeaderType.RecordBatch)
            throw new ArrowFormatException($"expected a RecordBatch message, found {message.HeaderType}", message.MetadataPosition);
        var batch = message.Header();
        long length = ReadLength(batch);
        var loader = NewLoader(batch, message);
        var fields = Schema.Fields;
        var columns = new ArrowArray[fields.Count];
        for (int i = 0; i < columns.Length; i++)
        {
            var data = loader.Load(fields[i], _encodings[i], 1);
            if (data.Length != length)
                throw new ArrowFormatException($"column '{fields[i].Name}' has {data.Length} rows, the batch {length}", batch.Position);
            columns[i] = ArrowArray.Create(data);
        }
        loader.CheckConsumed();
        return new RecordBatch(Schema, columns, (int)length);
    }

    public void ReadDictionaryBatch(in IpcMessage message)
    {
        var dict = message.Header();
        long id = dict.GetLong(DictId);
        if (!_dictionaryFields.TryGetValue(id, out var target))
            throw new ArrowFormatException($"dictionary batch id {id} matches no dictionary-encoded field of the schema", dict.Position);
        if (dict.GetBool(DictIsDelta))
            throw new ArrowFormatException($"delta dictionary batches are not supported (dictionary {id})", dict.Position);
        var batch = dict.GetTable(DictData, "DictionaryBatch.data");
        if (!batch.Exists) throw new ArrowFormatException($"dictionary batch {id} has no data", dict.Position);
        ReadLength(batch);
        var loader = NewLoader(batch, message);
        var values = loader.Load(target.Field, target.Encoding, 1);
        loader.CheckConsumed();
        _dictionaries[id] = values;
    }

    private static long ReadLength(FbTable batch)
    {
        long length = batch.GetLong(BatchLength);
        if (length is < 0 or > int.MaxValue)
            throw new ArrowFormatException($"record batch length {length} is out of range", batch.Position);
        var compression = batch.GetTable(BatchCompression, "RecordBatch.compression");
        if (compression.Exists)
        {
            string codec = compression.GetByte(0) switch { 0 => "LZ4_FRAME", 1 => "ZSTD", var c => $"codec {c}" };
            throw new ArrowFormatException($"compressed IPC bodies ({codec}) are not supported", compression.Position);
        }
        return length;
    }

    private ArrayLoader NewLoader(FbTable batch, in IpcMessage message) => new(
        batch.GetVector(BatchNodes, 16, "RecordBatch.nodes"),
        batch.GetVector(BatchBuffers, 16, "RecordBatch.buffers"),
        message.Body, message.BodyPosition, _options, _dictionaries);
}
