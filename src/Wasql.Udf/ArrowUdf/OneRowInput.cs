// The input of a one-row call (SQLite calls a scalar function row by row) without building or encoding a batch: the
// IPC file of a one-row batch of the function's argument types is encoded once per function (the template), and a
// call copies it into a per-thread scratch buffer and writes the row's values over the template's value bytes.
// The value offsets come from reading the template back: its arrays are views into the template's own bytes.
// Only non-NULL fixed-width numbers (ints, floats) take this path; anything else goes through a real batch.
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Apache.Arrow.Types;
using Wasql.Arrow;

namespace Wasql.Udf.ArrowUdf;

internal sealed class OneRowInput
{
    /// <summary>Index of the values buffer of a fixed-width array (after the validity bitmap).</summary>
    private const int ValuesBuffer = 1;

    [ThreadStatic] private static byte[]? t_scratch;

    private readonly byte[] _template;
    private readonly int[] _offsets;
    private readonly ArrowTypeId[] _types;

    private OneRowInput(byte[] template, int[] offsets, ArrowTypeId[] types)
    {
        _template = template;
        _offsets = offsets;
        _types = types;
    }

    /// <summary>The template for <paramref name="f"/>, or null when an argument type is not a fixed-width number.</summary>
    public static OneRowInput? TryCreate(ArrowUdfFunction f)
    {
        var types = f.ArgumentTypes.Select(t => t.ArrowType.TypeId).ToArray();
        if (!Array.TrueForAll(types, IsSupported)) return null;
        var zeros = new object?[types.Length];
        Array.Fill(zeros, 0L);
        byte[] template = ArrowIpc.WriteFile(f.CreateInput([zeros]));
        f.Module.Runtime.Diagnostics.SchemaEncoded();
        var back = ArrowIpc.ReadFile(template);
        var offsets = new int[types.Length];
        for (int c = 0; c < types.Length; c++)
        {
            var buffers = back.Column(c).Data.Buffers;
            if (buffers.Length <= ValuesBuffer || !MemoryMarshal.TryGetArray(buffers[ValuesBuffer].Memory, out var segment)
                || !ReferenceEquals(segment.Array, template) || segment.Count < Width(types[c]))
                return null;   // the reader copied: no offsets to patch, use the general path
            offsets[c] = segment.Offset;
        }
        return new OneRowInput(template, offsets, types);
    }

    /// <summary>The IPC file of the one-row batch <paramref name="args"/> (valid until the next call on this
    /// thread), or false for a row the template cannot carry (a NULL, a wrong argument count).</summary>
    public bool TryEncode(ReadOnlySpan<object?> args, out ReadOnlySpan<byte> ipc)
    {
        ipc = default;
        if (args.Length != _types.Length) return false;
        foreach (var a in args)
            if (a is null or DBNull) return false;
        var scratch = t_scratch;
        if (scratch is null || scratch.Length < _template.Length) t_scratch = scratch = new byte[Math.Max(_template.Length, 1024)];
        var span = scratch.AsSpan(0, _template.Length);
        _template.CopyTo(span);
        for (int i = 0; i < args.Length; i++) Write(span[_offsets[i]..], _types[i], args[i]!);
        ipc = span;
        return true;
    }

    private static bool IsSupported(ArrowTypeId id) => id is ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32
        or ArrowTypeId.Int64 or ArrowTypeId.UInt8 or ArrowTypeId.UInt16 or ArrowTypeId.UInt32 or ArrowTypeId.UInt64
        or ArrowTypeId.Float or ArrowTypeId.Double;

    private static int Width(ArrowTypeId id) => id switch
    {
        ArrowTypeId.Int8 or ArrowTypeId.UInt8 => 1,
        ArrowTypeId.Int16 or ArrowTypeId.UInt16 => 2,
        ArrowTypeId.Int32 or ArrowTypeId.UInt32 or ArrowTypeId.Float => 4,
        _ => 8,
    };

    /// <summary>Stores a value as the array builders do (Convert, so out-of-range integers throw OverflowException).</summary>
    private static void Write(Span<byte> at, ArrowTypeId id, object v)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (id)
        {
            case ArrowTypeId.Int8: at[0] = unchecked((byte)Convert.ToSByte(v, inv)); break;
            case ArrowTypeId.UInt8: at[0] = Convert.ToByte(v, inv); break;
            case ArrowTypeId.Int16: BinaryPrimitives.WriteInt16LittleEndian(at, Convert.ToInt16(v, inv)); break;
            case ArrowTypeId.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(at, Convert.ToUInt16(v, inv)); break;
            case ArrowTypeId.Int32: BinaryPrimitives.WriteInt32LittleEndian(at, Convert.ToInt32(v, inv)); break;
            case ArrowTypeId.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(at, Convert.ToUInt32(v, inv)); break;
            case ArrowTypeId.Int64: BinaryPrimitives.WriteInt64LittleEndian(at, Convert.ToInt64(v, inv)); break;
            case ArrowTypeId.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(at, Convert.ToUInt64(v, inv)); break;
            case ArrowTypeId.Float: BinaryPrimitives.WriteSingleLittleEndian(at, Convert.ToSingle(v, inv)); break;
            default: BinaryPrimitives.WriteDoubleLittleEndian(at, Convert.ToDouble(v, inv)); break;
        }
    }
}
