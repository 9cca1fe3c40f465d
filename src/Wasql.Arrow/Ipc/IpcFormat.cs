// Constants of the Arrow IPC format: magic, continuation marker, metadata versions and the union tags
// of MessageHeader and Type, as fixed by Message.fbs / Schema.fbs (the ids are the wire values).
namespace Wasql.Arrow.Ipc;

internal static class IpcFormat
{
    public static ReadOnlySpan<byte> Magic => "ARROW1"u8;
    public const uint Continuation = 0xFFFFFFFF;
    public const int Alignment = 8;

    public const short MetadataV4 = 3;
    public const short MetadataV5 = 4;

    public static long Align8(long n) => (n + 7) & ~7L;
}

/// <summary>MessageHeader union tags (Message.fbs).</summary>
internal enum MessageHeaderType : byte
{
    None = 0, Schema = 1, DictionaryBatch = 2, RecordBatch = 3, Tensor = 4, SparseTensor = 5,
}

/// <summary>Type union tags (Schema.fbs).</summary>
internal enum FbTypeTag : byte
{
    None = 0, Null = 1, Int = 2, FloatingPoint = 3, Binary = 4, Utf8 = 5, Bool = 6, Decimal = 7, Date = 8,
    Time = 9, Timestamp = 10, Interval = 11, List = 12, Struct = 13, Union = 14, FixedSizeBinary = 15,
    FixedSizeList = 16, Map = 17, Duration = 18, LargeBinary = 19, LargeUtf8 = 20, LargeList = 21,
    RunEndEncoded = 22, BinaryView = 23, Utf8View = 24, ListView = 25, LargeListView = 26,
}
