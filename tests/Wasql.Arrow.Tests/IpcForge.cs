// Hand-built IPC messages for inputs our writer never produces (big-endian schemas, compressed bodies,
// unsupported types, old metadata versions), made with the library's own flatbuffers builder.
using Wasql.Arrow.FlatBuffers;
using Wasql.Arrow.Ipc;

namespace Wasql.Arrow.Tests;

internal static class IpcForge
{
    public static byte[] Message(MessageHeaderType type, Func<FlatBufferBuilder, int> header, byte[]? body = null, short version = 4)
    {
        body ??= [];
        var b = new FlatBufferBuilder();
        int h = header(b);
        b.StartTable(5);
        b.AddLong(3, body.Length, -1);
        b.AddOffset(2, h);
        b.AddShort(0, version, -1);
        b.AddByte(1, (byte)type, 0);
        var fb = b.Finish(b.EndTable()).ToArray();
        int padded = (fb.Length + 8 + 7) / 8 * 8 - 8;
        var result = new byte[8 + padded + body.Length];
        BitConverter.GetBytes(0xFFFFFFFFu).CopyTo(result, 0);
        BitConverter.GetBytes(padded).CopyTo(result, 4);
        fb.CopyTo(result, 8);
        body.CopyTo(result, 8 + padded);
        return result;
    }

    /// <summary>A Schema table with one field "a" of the given type tag (default Int32).</summary>
    public static int Schema(FlatBufferBuilder b, short endianness = 0, byte typeTag = 2)
    {
        int children = b.CreateOffsetVector([]);
        int name = b.CreateString("a");
        int type;
        if (typeTag == 2)
        {
            b.StartTable(2);
            b.AddInt(0, 32, -1);
            b.AddBool(1, true, false);
            type = b.EndTable();
        }
        else
        {
            b.StartTable(2);
            type = b.EndTable();
        }
        b.StartTable(7);
        b.AddOffset(0, name);
        b.AddOffset(3, type);
        b.AddOffset(5, children);
        b.AddBool(1, true, false);
        b.AddByte(2, typeTag, 0);
        int field = b.EndTable();
        int fields = b.CreateOffsetVector([field]);
        b.StartTable(4);
        b.AddOffset(1, fields);
        b.AddShort(0, endianness, 0);
        return b.EndTable();
    }

    /// <summary>A RecordBatch table of one Int32 value, optionally declaring a compressed body.</summary>
    public static int OneInt32Batch(FlatBufferBuilder b, bool compressed)
    {
        b.StartVector(16, 2, 8);
        b.Prep(8, 16); b.PutLong(4); b.PutLong(0);
        b.Prep(8, 16); b.PutLong(0); b.PutLong(0);
        int buffers = b.EndVector(2);
        b.StartVector(16, 1, 8);
        b.Prep(8, 16); b.PutLong(0); b.PutLong(1);
        int nodes = b.EndVector(1);
        int compression = 0;
        if (compressed)
        {
            b.StartTable(2);
            b.AddByte(0, 1, 0xFF);
            compression = b.EndTable();
        }
        b.StartTable(5);
        b.AddLong(0, 1, -1);
        b.AddOffset(1, nodes);
        b.AddOffset(2, buffers);
        b.AddOffset(3, compression);
        return b.EndTable();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static readonly byte[] EndOfStream = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0];
}
