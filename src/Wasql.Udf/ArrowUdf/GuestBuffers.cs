// Guest-memory helpers for the arrow-udf protocol: allocating through the guest's `alloc`, copying bytes in and
// out with bounds checks, and reading the CSlice (u32 ptr, u32 len) the guest writes.
using System.Buffers.Binary;
using Wasql.Udf.Pooling;
using Wasql.Wasm;

namespace Wasql.Udf.ArrowUdf;

internal static class GuestBuffers
{
    public static Func<int, int, int> Alloc(PooledInstance inst) => inst.Export<Func<int, int, int>>("alloc");
    public static Action<int, int, int> Dealloc(PooledInstance inst) => inst.Export<Action<int, int, int>>("dealloc");

    /// <summary>The guest memory range [ptr, ptr+len), checked (memory may have grown: taken fresh).</summary>
    public static Span<byte> Range(PooledInstance inst, string function, uint ptr, uint len)
    {
        var mem = inst.Memory ?? throw new UdfException(UdfErrorKind.Protocol, function, "the module has no linear memory to pass buffers in");
        if (len > int.MaxValue || (ulong)ptr + len > (ulong)mem.Length)
            throw new UdfException(UdfErrorKind.Protocol, function, $"guest returned an out-of-bounds buffer (ptr {ptr}, len {len}, memory {mem.Length} bytes)");
        return mem.GetSpan(ptr, (int)len);
    }

    public static (uint Ptr, uint Len) ReadCSlice(PooledInstance inst, string function, uint at)
    {
        var s = Range(inst, function, at, 8);
        return (BinaryPrimitives.ReadUInt32LittleEndian(s), BinaryPrimitives.ReadUInt32LittleEndian(s[4..]));
    }
}
