// A memory allocator for the Apache.Arrow readers that hands out managed arrays instead of native memory. Buffers
// decoded from untrusted IPC (a guest's output, a client's batch) then live on the GC heap: a batch dropped after a
// failed validation, or read after its reader is gone, can never touch freed native memory. (This did not cure the
// intermittent crash of FuzzTests under Apache.Arrow: see issue #16's notes.)
using System.Buffers;
using Apache.Arrow.Memory;

namespace Wasql.Arrow;

/// <summary>Allocates Arrow buffers as managed arrays (zero-filled, 64-byte padded lengths).</summary>
public sealed class ManagedAllocator : MemoryAllocator
{
    /// <summary>The one instance.</summary>
    public static readonly ManagedAllocator Instance = new();

    private ManagedAllocator() { }

    /// <inheritdoc/>
    protected override IMemoryOwner<byte> AllocateInternal(int length, out int bytesAllocated)
    {
        bytesAllocated = length;
        return new Owner(new byte[length]);
    }

    private sealed class Owner(byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = array;
        public void Dispose() { }
    }
}
