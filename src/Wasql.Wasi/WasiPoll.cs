// poll_oneoff: clock subscriptions sleep (cancellable through WasiContext.Cancel) until the earliest deadline;
// fd_read/fd_write subscriptions are reported ready at once (reads with the bytes known to be available).
using System.Buffers.Binary;
using Wasql.Wasm;

namespace Wasql.Wasi;

public sealed partial class WasiContext
{
    private const int SubscriptionSize = 48, EventSize = 32;

    private int PollOneoff(Caller c, int inPtr, int outPtr, int nsubscriptions, int neventsPtr)
    {
        try
        {
            if (nsubscriptions <= 0) return E(Errno.Inval);
            var mem = GuestMemory.Of(c);
            mem.Slice((uint)inPtr, (uint)nsubscriptions * SubscriptionSize);
            mem.Slice((uint)outPtr, (uint)nsubscriptions * EventSize);
            mem.Slice(neventsPtr, 4);
            int events = 0;
            long minWait = long.MaxValue;
            // Clock readings taken once, so both passes agree on every subscription's wait without per-subscription state.
            Span<long> now = stackalloc long[4];
            for (int id = 0; id < 4; id++) now[id] = _clock.Now((ClockId)id) ?? long.MinValue;
            // First pass: fd events (ready now) and invalid clocks; note every clock's wait.
            for (int i = 0; i < nsubscriptions; i++)
            {
                var sub = mem.Slice((uint)inPtr + (uint)i * SubscriptionSize, SubscriptionSize);
                ulong userdata = BinaryPrimitives.ReadUInt64LittleEndian(sub);
                var type = (EventType)sub[8];
                switch (type)
                {
                    case EventType.Clock:
                    {
                        var e = ClockWait(sub, now, out long wait);
                        if (e != Errno.Success) WriteEvent(mem, outPtr, events++, userdata, e, type, 0);
                        else minWait = Math.Min(minWait, wait);
                        break;
                    }
                    case EventType.FdRead:
                    case EventType.FdWrite:
                    {
                        int fd = BinaryPrimitives.ReadInt32LittleEndian(sub[16..]);
                        var e = _fds.Get(fd, type == EventType.FdRead ? Rights.FdRead : Rights.FdWrite, out var entry);
                        if (e == Errno.NotCapable) e = Errno.BadF;
                        long nbytes = e == Errno.Success && type == EventType.FdRead ? entry.File.ReadableBytes : 0;
                        WriteEvent(mem, outPtr, events++, userdata, e, type, nbytes);
                        break;
                    }
                    default:
                        WriteEvent(mem, outPtr, events++, userdata, Errno.Inval, type, 0);
                        break;
                }
            }
            if (minWait != long.MaxValue)
            {
                // Sleep only when nothing else is ready; then every clock due by the end of the sleep fires.
                long due = 0;
                if (events == 0)
                {
                    if (minWait > 0)
                    {
                        long ticks = Math.Min(minWait / 100 + (minWait % 100 != 0 ? 1 : 0), TimeSpan.FromMilliseconds(int.MaxValue - 1).Ticks);
                        if (_cancel.Token.WaitHandle.WaitOne(TimeSpan.FromTicks(ticks))) return E(Errno.Intr);
                    }
                    due = minWait;
                }
                for (int i = 0; i < nsubscriptions; i++)
                {
                    var sub = mem.Slice((uint)inPtr + (uint)i * SubscriptionSize, SubscriptionSize);
                    if ((EventType)sub[8] == EventType.Clock && ClockWait(sub, now, out long wait) == Errno.Success && wait <= due)
                        WriteEvent(mem, outPtr, events++, BinaryPrimitives.ReadUInt64LittleEndian(sub), Errno.Success, EventType.Clock, 0);
                }
            }
            mem.WriteU32(neventsPtr, (uint)events);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    /// <summary>Nanoseconds (≥ 0) until a clock subscription fires, against the clock readings <paramref name="now"/>.</summary>
    private static Errno ClockWait(ReadOnlySpan<byte> sub, ReadOnlySpan<long> now, out long wait)
    {
        wait = 0;
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(sub[16..]);
        ulong timeout = BinaryPrimitives.ReadUInt64LittleEndian(sub[24..]);
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(sub[40..]);
        if (id >= (uint)now.Length || now[(int)id] == long.MinValue) return Errno.Inval;
        long t = (long)Math.Min(timeout, long.MaxValue);
        wait = Math.Max(0, (flags & 1) != 0 ? t - now[(int)id] : t);
        return Errno.Success;
    }

    private static void WriteEvent(in GuestMemory mem, int outPtr, int index, ulong userdata, Errno error, EventType type, long nbytes)
    {
        var ev = mem.Slice((uint)outPtr + (uint)index * EventSize, EventSize);
        ev.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(ev, userdata);
        BinaryPrimitives.WriteUInt16LittleEndian(ev[8..], (ushort)error);
        ev[10] = (byte)type;
        BinaryPrimitives.WriteUInt64LittleEndian(ev[16..], (ulong)Math.Max(0, nbytes));
    }
}
