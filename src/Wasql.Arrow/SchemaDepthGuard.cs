// Apache.Arrow decodes a schema's nested fields recursively, so a hostile schema nested thousands of levels deep (a few
// bytes per level) would overflow the host's stack, which no catch can stop. This walks the schema message's field
// tree first, without recursion, and refuses deep or huge trees before the package sees them.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.FlatBuffers;

namespace Wasql.Arrow;

internal static class SchemaDepthGuard
{
    /// <summary>Deepest field nesting accepted (list of struct of list... counts one per level).</summary>
    public const int MaxDepth = 64;

    /// <summary>Most fields (at every level together) a schema may have; also bounds shared-subtree blow-ups.</summary>
    public const int MaxFields = 10_000;

    private const uint Continuation = 0xFFFFFFFF;
    private const byte HeaderSchema = 1;          // MessageHeader.Schema in Message.fbs
    private const int MessageHeaderType = 6;      // vtable slots: 4 + 2 * field index
    private const int MessageHeader = 8;
    private const int SchemaFields = 6;
    private const int FooterSchema = 6;
    private const int FieldChildren = 14;

    /// <summary>
    /// Invariant: returns normally only when the first message of <paramref name="stream"/> is not a schema, or is a
    /// schema whose fields nest at most <see cref="MaxDepth"/> deep and number at most <see cref="MaxFields"/>.
    /// Metadata too short or malformed to walk is left to the package's reader (which fails without recursing).
    /// </summary>
    public static void Check(ReadOnlyMemory<byte> stream)
    {
        if (FirstMessage(stream) is not { } bb) return;
        Guarded(() => { if (MessageSchema(bb) is { } schema) WalkSchema(bb, schema); });
    }

    /// <summary>The same invariant for the schema in an IPC file's footer (a Footer flatbuffer).</summary>
    public static void CheckFooter(ReadOnlyMemory<byte> footer)
    {
        var bb = Buffer(footer);
        Guarded(() =>
        {
            var root = new Table(bb.Position + bb.GetInt(bb.Position), bb);
            int o = root.__offset(FooterSchema);
            if (o != 0) WalkSchema(bb, new Table(root.__indirect(root.bb_pos + o), bb));
        });
    }

    /// <summary>Whether the first message of an IPC stream is a Schema (an IPC file's body may start with a dictionary
    /// batch instead: apache-arrow JS keeps the schema only in the footer).</summary>
    public static bool StartsWithSchema(ReadOnlyMemory<byte> stream)
    {
        if (FirstMessage(stream) is not { } bb) return false;
        bool schema = false;
        Guarded(() => schema = MessageSchema(bb) is not null);
        return schema;
    }

    private static ByteBuffer? FirstMessage(ReadOnlyMemory<byte> stream)
    {
        var span = stream.Span;
        if (span.Length < 8) return null;
        int at = 4;
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(span);
        int length = (int)first;
        if (first == Continuation) { length = BinaryPrimitives.ReadInt32LittleEndian(span[4..]); at = 8; }
        if (length <= 0 || length > span.Length - at) return null;
        return Buffer(stream.Slice(at, length));
    }

    private static ByteBuffer Buffer(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is { } array
            ? new ByteBuffer(array, segment.Offset)
            : new ByteBuffer(bytes.ToArray());

    private static void Guarded(Action walk)
    {
        try
        {
            walk();
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            // Offsets that leave the buffer: the package's own reader reports them.
        }
    }

    private static Table? MessageSchema(ByteBuffer bb)
    {
        var message = new Table(bb.Position + bb.GetInt(bb.Position), bb);
        int o = message.__offset(MessageHeaderType);
        if (o == 0 || bb.Get(message.bb_pos + o) != HeaderSchema) return null;
        o = message.__offset(MessageHeader);
        return o == 0 ? null : new Table(message.__indirect(message.bb_pos + o), bb);
    }

    private static void WalkSchema(ByteBuffer bb, Table schema)
    {
        var pending = new Stack<(int Vector, int Depth)>();
        int o = schema.__offset(SchemaFields);
        if (o != 0) pending.Push((schema.bb_pos + o, 1));
        int seen = 0;
        while (pending.Count > 0)
        {
            var (slot, depth) = pending.Pop();
            if (depth > MaxDepth) throw new ArrowFormatException($"the schema nests fields more than {MaxDepth} levels deep");
            var owner = new Table(slot, bb);
            int count = owner.__vector_len(0), start = owner.__vector(0);
            for (int i = 0; i < count; i++)
            {
                if (++seen > MaxFields) throw new ArrowFormatException($"the schema has more than {MaxFields} fields");
                int elem = start + 4 * i;
                var field = new Table(elem + bb.GetInt(elem), bb);
                int c = field.__offset(FieldChildren);
                if (c != 0) pending.Push((field.bb_pos + c, depth + 1));
            }
        }
    }
}
