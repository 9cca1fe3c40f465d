// The row encoding of direct-ABI table functions (sdk/DIRECT_ABI.md, "Table functions"): one cell per declared
// column, each a tag byte then its payload. Decoding is a pure function over guest bytes that checks every length,
// so a malformed row is a Protocol error, never an out-of-range read.
using System.Buffers.Binary;
using System.Text;

namespace Wasql.Udf.Direct;

/// <summary>The tag byte of one cell of a direct table function's row.</summary>
public enum DirectCell : byte
{
    /// <summary>NULL, no payload.</summary>
    Null = 0,
    /// <summary>An i64, 8 bytes little-endian (integers and booleans).</summary>
    Integer = 1,
    /// <summary>An f64, 8 bytes little-endian.</summary>
    Float = 2,
    /// <summary>UTF-8 text: u32 length (little-endian), then the bytes.</summary>
    Text = 3,
    /// <summary>Bytes: u32 length (little-endian), then the bytes.</summary>
    Bytes = 4,
}

internal static class DirectRow
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    /// <summary>Decodes exactly <paramref name="columns"/> cells (long, double, string, byte[] or null); anything
    /// else (a short buffer, an unknown tag, bytes left over, invalid UTF-8) throws a Protocol UdfException.</summary>
    public static object?[] Decode(ReadOnlySpan<byte> bytes, int columns, string function)
    {
        var row = new object?[columns];
        int at = 0;
        for (int c = 0; c < columns; c++)
        {
            if (at >= bytes.Length) throw Bad(function, $"the row ends before column {c + 1} of {columns}");
            var tag = (DirectCell)bytes[at++];
            switch (tag)
            {
                case DirectCell.Null: break;
                case DirectCell.Integer:
                    if (bytes.Length - at < 8) throw Bad(function, $"column {c + 1}: a truncated integer");
                    row[c] = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
                    at += 8;
                    break;
                case DirectCell.Float:
                    if (bytes.Length - at < 8) throw Bad(function, $"column {c + 1}: a truncated float");
                    row[c] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]);
                    at += 8;
                    break;
                case DirectCell.Text or DirectCell.Bytes:
                    if (bytes.Length - at < 4) throw Bad(function, $"column {c + 1}: a truncated length");
                    uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
                    at += 4;
                    if (len > (uint)(bytes.Length - at)) throw Bad(function, $"column {c + 1}: {len} bytes claimed, {bytes.Length - at} left");
                    var payload = bytes.Slice(at, (int)len);
                    at += (int)len;
                    if (tag == DirectCell.Bytes) row[c] = payload.ToArray();
                    else
                    {
                        try { row[c] = s_strictUtf8.GetString(payload); }
                        catch (DecoderFallbackException) { throw Bad(function, $"column {c + 1}: text is not valid UTF-8"); }
                    }
                    break;
                default: throw Bad(function, $"column {c + 1}: unknown cell tag {(byte)tag}");
            }
        }
        if (at != bytes.Length) throw Bad(function, $"{bytes.Length - at} bytes after the last of {columns} columns");
        return row;
    }

    private static UdfException Bad(string function, string why) =>
        new(UdfErrorKind.Protocol, function, $"malformed table row: {why}");
}
