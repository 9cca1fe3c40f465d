// Linear memory in native (unmanaged) memory. Generated code reads Base and Length into locals and
// re-reads them after calls and memory.grow, the only points where they can change.
using System.Buffers.Binary;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Wasql.Wasm;

/// <summary>A linear memory. Its bytes live in native memory that is reported to the GC (so dropped memories are
/// collected promptly) and freed by <see cref="Dispose"/> (or <see cref="Store.Dispose"/>), else by the finalizer.
/// After disposal the memory is empty: guest accesses trap out of bounds and growth fails, never touching freed memory.
/// Dispose only while no guest code of its store runs (a store is used by one thread at a time).</summary>
public sealed unsafe class Memory : Extern, IDisposable
{
    public const int PageSize = 65536;
    public const uint MaxPages = 65536;

    /// <summary>Address of byte 0. Changes when the memory grows.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)] public nint Base;
    /// <summary>Current size in bytes.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)] public long Length;

    private readonly uint _maxPages;
    private readonly StoreLimits? _limits;

    public MemoryType Type { get; }
    public override ExternKind Kind => ExternKind.Memory;

    public Memory(MemoryType type, StoreLimits? limits = null)
    {
        Type = type;
        _limits = limits;
        _maxPages = Math.Min(type.Limits.Max ?? MaxPages, MaxPages);
        long bytes = (long)type.Limits.Min * PageSize;
        if (type.Limits.Min > MaxPages) throw new ResourceLimitException($"memory minimum of {type.Limits.Min} pages exceeds the 4 GiB address space");
        if (limits is not null && bytes > limits.MaxMemoryBytes)
            throw new ResourceLimitException($"memory of {type.Limits.Min} pages ({bytes} bytes) exceeds the store's limit of {limits.MaxMemoryBytes} bytes");
        Base = (nint)NativeMemory.AllocZeroed((nuint)Math.Max(bytes, 1));
        Length = bytes;
        ReportAllocated(bytes);
    }

    public static Memory Create(Store store, MemoryType type) => store.Track(new Memory(type, store.Limits));

    private readonly object _freeLock = new();
    private long _reportedBytes;
    private bool _disposed;

    /// <summary>Whether the memory was disposed (it is then empty).</summary>
    public bool IsDisposed => _disposed;

    private void ReportAllocated(long bytes)
    {
        if (bytes <= 0) return;
        GC.AddMemoryPressure(bytes);
        _reportedBytes += bytes;
    }

    /// <summary>Frees the memory's bytes now. Idempotent.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~Memory() => Free();

    private void Free()
    {
        lock (_freeLock)
        {
            if (_disposed) return;
            _disposed = true;
            Length = 0; // first, so that any later access is out of bounds
            if (Base != 0) NativeMemory.Free((void*)Base);
            Base = 0;
            if (_reportedBytes > 0) GC.RemoveMemoryPressure(_reportedBytes);
            _reportedBytes = 0;
        }
    }

    public uint Pages => (uint)(Length / PageSize);

    /// <summary>memory.grow: returns the old size in pages, or -1 if the growth is refused.</summary>
    public int Grow(uint deltaPages)
    {
        if (_disposed) return -1;
        uint old = Pages;
        if (deltaPages == 0) return (int)old;
        ulong newPages = (ulong)old + deltaPages;
        if (newPages > _maxPages) return -1;
        long newBytes = (long)newPages * PageSize;
        if (_limits is not null && newBytes > _limits.MaxMemoryBytes) return -1;
        void* p;
        try
        {
            p = NativeMemory.Realloc((void*)Base, (nuint)newBytes);
        }
        catch (OutOfMemoryException)
        {
            return -1;
        }
        new Span<byte>((byte*)p + Length, (int)Math.Min(newBytes - Length, int.MaxValue)).Clear();
        if (newBytes - Length > int.MaxValue)
            new Span<byte>((byte*)p + Length + int.MaxValue, (int)(newBytes - Length - int.MaxValue)).Clear();
        Base = (nint)p;
        ReportAllocated(newBytes - Length);
        Length = newBytes;
        return (int)old;
    }

    /// <summary>A view of [offset, offset+length). Invalid after the memory grows. Every Read*/Write* helper goes
    /// through it, so a guest pointer outside the memory is an <see cref="ArgumentOutOfRangeException"/> naming the range
    /// (inside a host function that becomes a HostError trap for the guest).</summary>
    public Span<byte> GetSpan(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + length}) is outside the memory of {Length} bytes");
        return new Span<byte>((byte*)Base + offset, length);
    }

    /// <summary>The first 2 GiB of memory as a span (all of it for memories below that). Invalid after growth.</summary>
    public Span<byte> Span => new((void*)Base, (int)Math.Min(Length, int.MaxValue));

    public byte ReadByte(long offset) => GetSpan(offset, 1)[0];
    public void WriteByte(long offset, byte v) => GetSpan(offset, 1)[0] = v;
    public int ReadInt32(long offset) => BinaryPrimitives.ReadInt32LittleEndian(GetSpan(offset, 4));
    public void WriteInt32(long offset, int v) => BinaryPrimitives.WriteInt32LittleEndian(GetSpan(offset, 4), v);
    public long ReadInt64(long offset) => BinaryPrimitives.ReadInt64LittleEndian(GetSpan(offset, 8));
    public void WriteInt64(long offset, long v) => BinaryPrimitives.WriteInt64LittleEndian(GetSpan(offset, 8), v);
    public float ReadSingle(long offset) => BinaryPrimitives.ReadSingleLittleEndian(GetSpan(offset, 4));
    public double ReadDouble(long offset) => BinaryPrimitives.ReadDoubleLittleEndian(GetSpan(offset, 8));
    public void WriteSingle(long offset, float v) => BinaryPrimitives.WriteSingleLittleEndian(GetSpan(offset, 4), v);
    public void WriteDouble(long offset, double v) => BinaryPrimitives.WriteDoubleLittleEndian(GetSpan(offset, 8), v);

    /// <summary>Writes <paramref name="value"/> as UTF-8 (no terminator) and returns the number of bytes written.</summary>
    /// <exception cref="ArgumentOutOfRangeException">the bytes do not fit in the memory at <paramref name="offset"/></exception>
    public int WriteString(long offset, string value)
    {
        int n = System.Text.Encoding.UTF8.GetByteCount(value);
        return System.Text.Encoding.UTF8.GetBytes(value, GetSpan(offset, n));
    }

    /// <summary>Reads a UTF-8 string of a given byte length.</summary>
    public string ReadString(long offset, int length) => System.Text.Encoding.UTF8.GetString(GetSpan(offset, length));

    /// <summary>Reads a NUL-terminated UTF-8 string (at most <paramref name="maxLength"/> bytes).</summary>
    public string ReadNullTerminatedString(long offset, int maxLength = 1 << 20)
    {
        int avail = (int)Math.Min(maxLength, Length - offset);
        var s = GetSpan(offset, Math.Max(avail, 0));
        int n = s.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(n < 0 ? s : s[..n]);
    }
}
