// Reads and writes the Schema table (Schema.fbs): fields with names, nullability, types, children,
// custom metadata and dictionary encodings. Big-endian schemas are refused here, with a clear message.
// Reading is bounded: nesting depth and total field count are capped so hostile metadata cannot blow up.
using Wasql.Arrow.FlatBuffers;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

internal static class SchemaCodec
{
    // Schema table field ids
    private const int SchemaEndianness = 0, SchemaFields = 1, SchemaMetadata = 2;
    // Field table field ids
    private const int FieldName = 0, FieldNullable = 1, FieldTypeType = 2, FieldType = 3, FieldDictionary = 4,
        FieldChildren = 5, FieldMetadata = 6;

    public static Schema Read(FbTable schema, ArrowReadOptions options, int metadataLength, out FieldEncoding[] encodings)
    {
        if (schema.GetShort(SchemaEndianness) != 0)
            throw new ArrowFormatException("big-endian Arrow data is not supported (Schema.endianness = Big)", schema.Position);
        var state = new ReadState(options.MaxNestingDepth, metadataLength / 4 + 16);
        var fieldsVec = schema.GetVector(SchemaFields, 4, "Schema.fields");
        var fields = new Field[fieldsVec.Count];
        encodings = new FieldEncoding[fieldsVec.Count];
        for (int i = 0; i < fields.Length; i++)
            fields[i] = ReadField(fieldsVec.GetTable(i, "Schema.fields[]"), state, 1, out encodings[i]);
        return new Schema(fields, ReadMetadata(schema.GetVector(SchemaMetadata, 4, "Schema.custom_metadata")));
    }

    private sealed class ReadState(int maxDepth, int maxFields)
    {
        public readonly int MaxDepth = maxDepth;
        public int FieldsLeft = maxFields;
    }

    private static Field ReadField(FbTable f, ReadState state, int depth, out FieldEncoding encoding)
    {
        if (depth > state.MaxDepth)
            throw new ArrowFormatException($"schema nests deeper than {state.MaxDepth} levels", f.Position);
        if (--state.FieldsLeft < 0)
            throw new ArrowFormatException("schema declares more fields than its metadata can hold", f.Position);
        string name = f.GetString(FieldName, "Field.name") ?? "";
        bool nullable = f.GetBool(FieldNullable);
        var childVec = f.GetVector(FieldChildren, 4, "Field.children");
        var children = new Field[childVec.Count];
        var childEncodings = new FieldEncoding[childVec.Count];
        for (int i = 0; i < children.Length; i++)
            children[i] = ReadField(childVec.GetTable(i, "Field.children[]"), state, depth + 1, out childEncodings[i]);

        var tag = (FbTypeTag)f.GetByte(FieldTypeType);
        if (tag == FbTypeTag.None) throw new ArrowFormatException($"field '{name}' has no type", f.Position);
        var type = TypeCodec.Read(tag, f.GetTable(FieldType, "Field.type"), children, f.PositionOf(FieldType));

        long? dictionaryId = null;
        ArrowType? indexType = null;
        var dict = f.GetTable(FieldDictionary, "Field.dictionary");
        if (dict.Exists)
        {
            dictionaryId = dict.GetLong(0);
            var index = dict.GetTable(1, "DictionaryEncoding.indexType");
            indexType = index.Exists ? TypeCodec.ReadInt(index, index.Position) : ArrowType.Int32;
        }
        encoding = dictionaryId is null && childEncodings.All(c => c.IsPlain)
            ? FieldEncoding.Plain
            : new FieldEncoding(dictionaryId, indexType, childEncodings);
        var metadata = ReadMetadata(f.GetVector(FieldMetadata, 4, "Field.custom_metadata"));
        return new Field(name, type, nullable, metadata);
    }

    private static IReadOnlyDictionary<string, string>? ReadMetadata(FbVector kvs)
    {
        if (kvs.Count == 0) return null;
        var result = new Dictionary<string, string>(kvs.Count);
        for (int i = 0; i < kvs.Count; i++)
        {
            var kv = kvs.GetTable(i, "KeyValue");
            result[kv.GetString(0, "KeyValue.key") ?? ""] = kv.GetString(1, "KeyValue.value") ?? "";
        }
        return result;
    }

    public static int Write(FlatBufferBuilder b, Schema schema)
    {
        var fields = schema.Fields;
        Span<int> offsets = fields.Count <= 64 ? stackalloc int[fields.Count] : new int[fields.Count];
        for (int i = 0; i < fields.Count; i++) offsets[i] = WriteField(b, fields[i]);
        int fieldsVec = b.CreateOffsetVector(offsets);
        int metadata = WriteMetadata(b, schema.Metadata);
        b.StartTable(4);
        b.AddOffset(SchemaFields, fieldsVec);
        b.AddOffset(SchemaMetadata, metadata);
        b.AddShort(SchemaEndianness, 0, 0);
        return b.EndTable();
    }

    private static int WriteField(FlatBufferBuilder b, Field field)
    {
        var children = TypeCodec.ChildrenOf(field.Type);
        Span<int> childOffsets = children.Count <= 32 ? stackalloc int[children.Count] : new int[children.Count];
        for (int i = 0; i < children.Count; i++) childOffsets[i] = WriteField(b, children[i]);
        int childrenVec = b.CreateOffsetVector(childOffsets);
        int name = b.CreateString(field.Name);
        int metadata = WriteMetadata(b, field.Metadata);
        var (tag, typeTable) = TypeCodec.Write(b, field.Type);
        b.StartTable(7);
        b.AddOffset(FieldName, name);
        b.AddOffset(FieldType, typeTable);
        b.AddOffset(FieldChildren, childrenVec);
        b.AddOffset(FieldMetadata, metadata);
        b.AddBool(FieldNullable, field.Nullable, !field.Nullable);
        b.AddByte(FieldTypeType, (byte)tag, 0);
        return b.EndTable();
    }

    private static int WriteMetadata(FlatBufferBuilder b, IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.Count == 0) return 0;
        var offsets = new int[metadata.Count];
        int i = 0;
        foreach (var (key, value) in metadata)
        {
            int k = b.CreateString(key), v = b.CreateString(value);
            b.StartTable(2);
            b.AddOffset(0, k);
            b.AddOffset(1, v);
            offsets[i++] = b.EndTable();
        }
        return b.CreateOffsetVector(offsets);
    }
}
