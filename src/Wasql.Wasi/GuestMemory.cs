// Bounds-checked access to a guest's linear memory: every pointer and length the guest passes goes through here.
// Pointers are unsigned 32-bit offsets; a range outside the memory throws WasiErrnoException(Fault), which the
// host-function boundary turns into the EFAULT errno. Spans are taken fresh per call (memory may have grown).
using System.Buffers.Binary;
using System.Text;
using Wasql.Wasm;

namespace Wasql.Wasi;

internal readonly struct GuestMemory(Memory memory)
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    public readonly Memory Memory = memory;

    public static GuestMemory Of(Caller caller) =>
        new(caller.GetMemory() ?? throw new WasiErrnoException(Errno.Fault));

    public Span<byte> Slice(int ptr, int len) => Slice((uint)ptr, (uint)len);

    public Span<byte> Slice(uint ptr, uint len)
    {
        if (len > int.MaxValue || (ulong)ptr + len > (ulong)Memory.Length) throw new WasiErrnoException(Errno.Fault);
        return Memory.GetSpan(ptr, (int)len);
    }

    public byte ReadU8(int ptr) => Slice(ptr, 1)[0];
    public ushort ReadU16(int ptr) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(ptr, 2));
    public uint ReadU32(int ptr) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(ptr, 4));
    public ulong ReadU64(int ptr) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(ptr, 8));

    public void WriteU8(int ptr, byte v) => Slice(ptr, 1)[0] = v;
    public void WriteU16(int ptr, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(Slice(ptr, 2), v);
    public void WriteU32(int ptr, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Slice(ptr, 4), v);
    public void WriteU64(int ptr, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Slice(ptr, 8), v);

    /// <summary>The i-th element of an iovec/ciovec array: (buf, buf_len), each a u32.</summary>
    public (uint Buf, uint Len) ReadIovec(int iovs, int index)
    {
        var s = Slice((uint)iovs + (uint)index * 8u, 8u);
        return (BinaryPrimitives.ReadUInt32LittleEndian(s), BinaryPrimitives.ReadUInt32LittleEndian(s[4..]));
    }

    /// <summary>Checks an iovec array's own bounds up front (the buffers are checked as they are used).</summary>
    public void CheckIovecArray(int iovs, int count)
    {
        if (count < 0) throw new WasiErrnoException(Errno.Inval);
        Slice((uint)iovs, (uint)count * 8u);
    }

    /// <summary>A guest path or name: valid UTF-8 without NUL bytes, else EILSEQ / EINVAL.</summary>
    public string ReadString(int ptr, int len)
    {
        var bytes = Slice(ptr, len);
        if (bytes.IndexOf((byte)0) >= 0) throw new WasiErrnoException(Errno.Ilseq);
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new WasiErrnoException(Errno.Ilseq);
        }
    }

    public void WriteFileStat(int ptr, in FileStat st)
    {
        var s = Slice(ptr, 64);
        s.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(s, st.Device);
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], st.Inode);
        s[16] = (byte)st.Type;
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], st.LinkCount);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], st.Size);
        BinaryPrimitives.WriteInt64LittleEndian(s[40..], st.AccessTime);
        BinaryPrimitives.WriteInt64LittleEndian(s[48..], st.ModifyTime);
        BinaryPrimitives.WriteInt64LittleEndian(s[56..], st.ChangeTime);
    }
}
