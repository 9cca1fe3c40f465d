// fd_* imports: reads and writes through iovecs, seeking, descriptor status and flags, file attributes,
// preopen discovery and readdir. Rights are checked per call; fd_read/fd_write without the right give EBADF.
using System.Buffers.Binary;
using System.Text;
using Wasql.Wasi.FileSystem;
using Wasql.Wasm;

namespace Wasql.Wasi;

public sealed partial class WasiContext
{
    private static int E(Errno e) => (int)e;

    private enum IoKind { Read, Write, ReadAt, WriteAt }

    /// <summary>
    /// One read or write over an iovec array (bounds-checked). Stops at the first short transfer; an error after
    /// some bytes moved ends the call successfully with what moved, as POSIX readv/writev do.
    /// </summary>
    private static Errno TransferIovecs(GuestMemory mem, int iovs, int iovsLen, WasiFile file, IoKind kind, long offset, bool append, out long total)
    {
        total = 0;
        for (int i = 0; i < iovsLen; i++)
        {
            var (buf, len) = mem.ReadIovec(iovs, i);
            len = (uint)Math.Min(len, int.MaxValue - total);
            var span = mem.Slice(buf, len);
            int n;
            Errno e;
            if (kind == IoKind.Read) e = file.Read(span, out n);
            else if (kind == IoKind.Write) e = file.Write(span, append, out n);
            else if (kind == IoKind.ReadAt) e = file.ReadAt(span, offset + total, out n);
            else e = file.WriteAt(span, offset + total, out n);
            if (e != Errno.Success) return total > 0 ? Errno.Success : e;
            total += n;
            if (n < len || total >= int.MaxValue) break;
        }
        return Errno.Success;
    }

    private int FdRead(Caller c, int fd, int iovs, int iovsLen, int nreadPtr)
    {
        try
        {
            var e = _fds.Get(fd, out var entry);
            if (e != Errno.Success) return E(e);
            if (entry.File.Type == FileType.Directory) return E(Errno.IsDir);
            if ((entry.Base & Rights.FdRead) == 0) return E(Errno.BadF);
            var mem = GuestMemory.Of(c);
            mem.CheckIovecArray(iovs, iovsLen);
            mem.Slice(nreadPtr, 4);
            e = TransferIovecs(mem, iovs, iovsLen, entry.File, IoKind.Read, 0, false, out long total);
            if (e != Errno.Success) return E(e);
            mem.WriteU32(nreadPtr, (uint)total);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdWrite(Caller c, int fd, int iovs, int iovsLen, int nwrittenPtr)
    {
        try
        {
            var e = _fds.Get(fd, Rights.FdWrite, out var entry);
            if (e != Errno.Success) return E(e == Errno.NotCapable ? Errno.BadF : e);
            var mem = GuestMemory.Of(c);
            mem.CheckIovecArray(iovs, iovsLen);
            mem.Slice(nwrittenPtr, 4);
            bool append = (entry.Flags & FdFlags.Append) != 0;
            e = TransferIovecs(mem, iovs, iovsLen, entry.File, IoKind.Write, 0, append, out long total);
            if (e == Errno.Success) e = SyncIfRequested(entry);
            if (e != Errno.Success) return E(e);
            mem.WriteU32(nwrittenPtr, (uint)total);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    /// <summary>O_SYNC / O_DSYNC semantics: a write on such a descriptor returns once the file is synced.</summary>
    private static Errno SyncIfRequested(FdEntry entry) =>
        (entry.Flags & FdFlagSets.SyncWrites) != 0 ? entry.File.Sync() : Errno.Success;

    private int FdPread(Caller c, int fd, int iovs, int iovsLen, long offset, int nreadPtr) =>
        PositionedTransfer(c, fd, iovs, iovsLen, offset, nreadPtr, IoKind.ReadAt);

    private int FdPwrite(Caller c, int fd, int iovs, int iovsLen, long offset, int nwrittenPtr) =>
        PositionedTransfer(c, fd, iovs, iovsLen, offset, nwrittenPtr, IoKind.WriteAt);

    /// <summary>fd_pread / fd_pwrite: like read/write at an offset, without moving the file position.</summary>
    private int PositionedTransfer(Caller c, int fd, int iovs, int iovsLen, long offset, int countPtr, IoKind kind)
    {
        try
        {
            var e = _fds.Get(fd, kind == IoKind.ReadAt ? Rights.FdRead : Rights.FdWrite, out var entry);
            if (e != Errno.Success) return E(e == Errno.NotCapable ? Errno.BadF : e);
            if ((entry.Base & Rights.FdSeek) == 0) return E(entry.File.Type == FileType.RegularFile ? Errno.NotCapable : Errno.SPipe);
            if (offset < 0) return E(Errno.Inval);
            var mem = GuestMemory.Of(c);
            mem.CheckIovecArray(iovs, iovsLen);
            mem.Slice(countPtr, 4);
            e = TransferIovecs(mem, iovs, iovsLen, entry.File, kind, offset, false, out long total);
            if (e == Errno.Success && kind == IoKind.WriteAt) e = SyncIfRequested(entry);
            if (e != Errno.Success) return E(e);
            mem.WriteU32(countPtr, (uint)total);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdSeek(Caller c, int fd, long offset, int whence, int newOffsetPtr)
    {
        try
        {
            var need = offset == 0 && whence == (int)Whence.Cur ? Rights.FdTell : Rights.FdSeek;
            var e = _fds.Get(fd, out var entry);
            if (e != Errno.Success) return E(e);
            if (entry.File.Type is FileType.CharacterDevice or FileType.Unknown) return E(Errno.SPipe);
            if ((entry.Base & need) == 0 && (entry.Base & Rights.FdSeek) == 0) return E(Errno.NotCapable);
            if ((uint)whence > 2) return E(Errno.Inval);
            var mem = GuestMemory.Of(c);
            mem.Slice(newOffsetPtr, 8);
            e = entry.File.Seek(offset, (Whence)whence, out long pos);
            if (e != Errno.Success) return E(e);
            mem.WriteU64(newOffsetPtr, (ulong)pos);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdTell(Caller c, int fd, int offsetPtr) => FdSeek(c, fd, 0, (int)Whence.Cur, offsetPtr);

    private int FdClose(int fd)
    {
        try
        {
            var e = _fds.Remove(fd, out var entry);
            if (e != Errno.Success) return E(e);
            entry.File.Close();
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdRenumber(int from, int to)
    {
        try
        {
            return E(_fds.Renumber(from, to));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdAdvise(int fd, long offset, long len, int advice)
    {
        var e = _fds.Get(fd, Rights.FdAdvise, out var entry);
        if (e != Errno.Success) return E(e);
        if ((uint)advice > 5 || offset < 0 || len < 0) return E(Errno.Inval);
        return E(entry.File.Type == FileType.Directory ? Errno.BadF : Errno.Success);
    }

    private int FdAllocate(int fd, long offset, long len)
    {
        try
        {
            var e = _fds.Get(fd, Rights.FdAllocate, out var entry);
            if (e != Errno.Success) return E(e);
            if (offset < 0 || len <= 0 || offset > long.MaxValue - len) return E(Errno.Inval);
            if (entry.File.Type != FileType.RegularFile) return E(Errno.BadF);
            e = entry.File.Stat(out var st);
            if (e != Errno.Success) return E(e);
            return offset + len > (long)st.Size ? E(entry.File.SetSize(offset + len)) : 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdDatasync(int fd) => SyncFd(fd, Rights.FdDatasync);
    private int FdSync(int fd) => SyncFd(fd, Rights.FdSync);

    private int SyncFd(int fd, Rights right)
    {
        try
        {
            var e = _fds.Get(fd, right, out var entry);
            return E(e != Errno.Success ? e : entry.File.Sync());
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdFdstatGet(Caller c, int fd, int statPtr)
    {
        try
        {
            var e = _fds.Get(fd, out var entry);
            if (e != Errno.Success) return E(e);
            var s = GuestMemory.Of(c).Slice(statPtr, 24);
            s.Clear();
            s[0] = (byte)entry.File.Type;
            BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)entry.Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(s[8..], (ulong)entry.Base);
            BinaryPrimitives.WriteUInt64LittleEndian(s[16..], (ulong)entry.Inheriting);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdFdstatSetFlags(int fd, int flags)
    {
        var e = _fds.Get(fd, Rights.FdFdstatSetFlags, out var entry);
        if (e != Errno.Success) return E(e);
        var f = (FdFlags)flags;
        if ((flags & ~0x1f) != 0) return E(Errno.Inval);
        entry.Flags = f;
        return 0;
    }

    private int FdFdstatSetRights(int fd, long rightsBase, long rightsInheriting)
    {
        var e = _fds.Get(fd, out var entry);
        if (e != Errno.Success) return E(e);
        var b = (Rights)rightsBase;
        var i = (Rights)rightsInheriting;
        if ((b & ~entry.Base) != 0 || (i & ~entry.Inheriting) != 0) return E(Errno.NotCapable);
        entry.Base = b;
        entry.Inheriting = i;
        return 0;
    }

    private int FdFilestatGet(Caller c, int fd, int bufPtr)
    {
        try
        {
            var e = _fds.Get(fd, Rights.FdFilestatGet, out var entry);
            if (e != Errno.Success) return E(e);
            var mem = GuestMemory.Of(c);
            mem.Slice(bufPtr, 64);
            e = entry.File.Stat(out var st);
            if (e != Errno.Success) return E(e);
            mem.WriteFileStat(bufPtr, st);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdFilestatSetSize(int fd, long size)
    {
        try
        {
            var e = _fds.Get(fd, Rights.FdFilestatSetSize, out var entry);
            if (e != Errno.Success) return E(e);
            if (size < 0) return E(Errno.Inval);
            return E(entry.File.SetSize(size));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdFilestatSetTimes(int fd, long atim, long mtim, int fstFlags)
    {
        try
        {
            var e = _fds.Get(fd, Rights.FdFilestatSetTimes, out var entry);
            if (e != Errno.Success) return E(e);
            e = TimeChangeOf(atim, mtim, fstFlags, out var change);
            return E(e != Errno.Success ? e : entry.File.SetTimes(change));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private Errno TimeChangeOf(long atim, long mtim, int flags, out TimeChange change)
    {
        change = default;
        var f = (FstFlags)flags;
        if ((flags & ~0xf) != 0) return Errno.Inval;
        if ((f & (FstFlags.Atim | FstFlags.AtimNow)) == (FstFlags.Atim | FstFlags.AtimNow) ||
            (f & (FstFlags.Mtim | FstFlags.MtimNow)) == (FstFlags.Mtim | FstFlags.MtimNow))
            return Errno.Inval;
        long now = _clock.Now(ClockId.Realtime) ?? 0;
        change = new TimeChange(
            (f & FstFlags.AtimNow) != 0 ? now : (f & FstFlags.Atim) != 0 ? atim : null,
            (f & FstFlags.MtimNow) != 0 ? now : (f & FstFlags.Mtim) != 0 ? mtim : null);
        return Errno.Success;
    }

    private int FdPrestatGet(Caller c, int fd, int bufPtr)
    {
        try
        {
            var e = _fds.Get(fd, out var entry);
            if (e != Errno.Success || entry.PreopenName is null) return E(Errno.BadF);
            var s = GuestMemory.Of(c).Slice(bufPtr, 8);
            s.Clear();
            s[0] = 0; // preopentype dir
            BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)Encoding.UTF8.GetByteCount(entry.PreopenName));
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdPrestatDirName(Caller c, int fd, int pathPtr, int pathLen)
    {
        try
        {
            var e = _fds.Get(fd, out var entry);
            if (e != Errno.Success || entry.PreopenName is null) return E(Errno.BadF);
            var name = Encoding.UTF8.GetBytes(entry.PreopenName);
            if ((uint)pathLen < (uint)name.Length) return E(Errno.NameTooLong);
            name.CopyTo(GuestMemory.Of(c).Slice(pathPtr, name.Length));
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int FdReaddir(Caller c, int fd, int bufPtr, int bufLen, long cookie, int bufUsedPtr)
    {
        try
        {
            var e = _fds.Get(fd, Rights.FdReaddir, out var entry);
            if (e != Errno.Success) return E(e);
            if (entry.File is not DirectoryFile dir) return E(Errno.NotDir);
            var mem = GuestMemory.Of(c);
            var outBuf = mem.Slice(bufPtr, bufLen);
            mem.Slice(bufUsedPtr, 4);
            if (cookie < 0) return E(Errno.Inval);
            if (cookie == 0 || dir.Listing is null)
            {
                var list = new List<DirEntry>();
                e = dir.Fs.ListDirectory(dir.Path, list);
                if (e != Errno.Success) return E(e);
                dir.Fs.Lstat(dir.Path, out var self);
                var parentPath = dir.Path.Length == 0 ? "" : PathResolver.Split(dir.Path).Parent;
                dir.Fs.Lstat(parentPath, out var parent);
                list.Insert(0, new DirEntry(".", FileType.Directory, self.Inode));
                list.Insert(1, new DirEntry("..", FileType.Directory, parent.Inode));
                dir.Listing = list;
            }
            int used = 0;
            Span<byte> header = stackalloc byte[24];
            for (long i = cookie; i < dir.Listing.Count && used < outBuf.Length; i++)
            {
                var d = dir.Listing[(int)i];
                var name = Encoding.UTF8.GetBytes(d.Name);
                header.Clear();
                BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)(i + 1));
                BinaryPrimitives.WriteUInt64LittleEndian(header[8..], d.Inode);
                BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)name.Length);
                header[20] = (byte)d.Type;
                int n = Math.Min(header.Length, outBuf.Length - used);
                header[..n].CopyTo(outBuf[used..]);
                used += n;
                n = Math.Min(name.Length, outBuf.Length - used);
                name.AsSpan(0, n).CopyTo(outBuf[used..]);
                used += n;
            }
            mem.WriteU32(bufUsedPtr, (uint)used);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }
}
