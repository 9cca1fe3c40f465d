// Decodes a dictionary-encoded column: integer indices (any Int type) plus the dictionary values
// become a plain array of the value type. Out-of-range indices are an ArrowFormatException.
using System.Runtime.InteropServices;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Ipc;

internal static class DictionaryDecoder
{
    public static ArrayData Decode(ArrayData indices, ArrayData dictionary, string fieldName, long position, long maxDecodedSize)
    {
        int n = indices.Length;
        var result = new int[n];
        var validity = indices.Validity.Span;
        var values = indices.Buffers[1].Span;
        bool hasNulls = indices.NullCount > 0;
        for (int i = 0; i < n; i++)
        {
            if (hasNulls && !BitUtil.GetBit(validity, i))
            {
                result[i] = -1;
                continue;
            }
            long k = indices.Type.Id switch
            {
                ArrowTypeId.Int8 => (sbyte)values[i],
                ArrowTypeId.UInt8 => values[i],
                ArrowTypeId.Int16 => MemoryMarshal.Cast<byte, short>(values)[i],
                ArrowTypeId.UInt16 => MemoryMarshal.Cast<byte, ushort>(values)[i],
                ArrowTypeId.Int32 => MemoryMarshal.Cast<byte, int>(values)[i],
                ArrowTypeId.UInt32 => MemoryMarshal.Cast<byte, uint>(values)[i],
                ArrowTypeId.Int64 => MemoryMarshal.Cast<byte, long>(values)[i],
                _ => (long)Math.Min(MemoryMarshal.Cast<byte, ulong>(values)[i], long.MaxValue),
            };
            if (k < 0 || k >= dictionary.Length)
                throw new ArrowFormatException($"field '{fieldName}': dictionary index {k} at row {i} is outside the dictionary of {dictionary.Length} values", position);
            result[i] = (int)k;
        }
        long budget = maxDecodedSize;
        return ArrayTake.Take(dictionary, result, ref budget);
    }
}
