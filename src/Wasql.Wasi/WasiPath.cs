// path_* imports: every path is resolved by PathResolver against a directory descriptor, so it can only name
// things inside that descriptor's preopen; then the operation goes to the preopen's IWasiFileSystem.
using System.Text;
using Wasql.Wasi.FileSystem;
using Wasql.Wasm;

namespace Wasql.Wasi;

public sealed partial class WasiContext
{
    /// <summary>Looks up a directory descriptor with a right and resolves a guest path against it.</summary>
    private Errno ResolveAt(in GuestMemory mem, int dirFd, Rights right, int pathPtr, int pathLen, bool follow,
        out DirectoryFile dir, out string resolved, out bool trailingSlash)
    {
        dir = null!;
        resolved = "";
        trailingSlash = false;
        var e = _fds.Get(dirFd, right, out var entry);
        if (e != Errno.Success) return e;
        if (entry.File is not DirectoryFile d) return Errno.NotDir;
        dir = d;
        if ((uint)pathLen > PathResolver.MaxPathBytes) return Errno.NameTooLong;
        string path = mem.ReadString(pathPtr, pathLen);
        return PathResolver.Resolve(d.Fs, d.Path, path, follow, out resolved, out trailingSlash);
    }

    /// <summary>The error for creating a link or symlink at a path with a trailing slash (POSIX): such a path names a
    /// directory, so the new non-directory can never be made there; ENOENT when nothing is there, EEXIST for a
    /// directory, ENOTDIR for a file.</summary>
    private static Errno NonDirectoryWithTrailingSlash(IWasiFileSystem fs, string resolved) =>
        fs.Lstat(resolved, out var existing) != Errno.Success ? Errno.NoEnt
            : existing.Type == FileType.Directory ? Errno.Exist : Errno.NotDir;

    private static bool Follow(int lookupFlags) => (lookupFlags & (int)LookupFlags.SymlinkFollow) != 0;

    private int PathOpen(Caller c, int dirFd, int dirFlags, int pathPtr, int pathLen, int oflags, long rightsBase,
        long rightsInheriting, int fdFlags, int fdPtr)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            mem.Slice(fdPtr, 4);
            var of = (OFlags)oflags;
            if ((oflags & ~0xf) != 0 || (fdFlags & ~0x1f) != 0) return E(Errno.Inval);
            var e = _fds.Get(dirFd, Rights.PathOpen, out var dirEntry);
            if (e != Errno.Success) return E(e);
            if ((of & OFlags.Creat) != 0 && (dirEntry.Base & Rights.PathCreateFile) == 0) return E(Errno.NotCapable);
            // Truncating through path_open is a size change by path, so it needs that right on the directory.
            if ((of & OFlags.Trunc) != 0 && (dirEntry.Base & Rights.PathFilestatSetSize) == 0) return E(Errno.NotCapable);
            e = ResolveAt(mem, dirFd, Rights.PathOpen, pathPtr, pathLen, Follow(dirFlags), out var dir, out var rel, out bool slash);
            if (e != Errno.Success) return E(e);
            var fs = dir.Fs;
            var requested = (Rights)rightsBase & dirEntry.Inheriting;
            var inheriting = (Rights)rightsInheriting & dirEntry.Inheriting;
            bool exists = fs.Lstat(rel, out var st) == Errno.Success;

            WasiFile? file;
            Rights granted;
            if (exists && st.Type == FileType.Directory)
            {
                if ((of & (OFlags.Creat | OFlags.Excl)) == (OFlags.Creat | OFlags.Excl)) return E(Errno.Exist);
                if ((of & OFlags.Trunc) != 0 || (requested & Rights.FdWrite) != 0) return E(Errno.IsDir);
                file = new DirectoryFile(fs, rel);
                granted = requested & Rights.Directory;
            }
            else
            {
                if ((of & OFlags.Directory) != 0) return E(exists ? Errno.NotDir : Errno.NoEnt);
                if (slash) return E(exists ? Errno.NotDir : Errno.IsDir);
                if (exists && st.Type == FileType.SymbolicLink)
                    return E((of & (OFlags.Creat | OFlags.Excl)) == (OFlags.Creat | OFlags.Excl) ? Errno.Exist : Errno.Loop);
                bool read = (requested & (Rights.FdRead | Rights.FdReaddir)) != 0;
                bool write = (requested & Rights.WriteLike) != 0 || (fdFlags & (int)FdFlags.Append) != 0;
                if (!read && !write) read = true;
                e = fs.OpenFile(rel, of, read, write, out file);
                if (e != Errno.Success) return E(e);
                granted = requested & Rights.RegularFile;
            }
            e = _fds.Insert(new FdEntry(file!, granted, inheriting, (FdFlags)fdFlags & FdFlagSets.Kept), out int fd);
            if (e != Errno.Success)
            {
                file!.Close();
                return E(e);
            }
            mem.WriteU32(fdPtr, (uint)fd);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathCreateDirectory(Caller c, int dirFd, int pathPtr, int pathLen)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            var e = ResolveAt(mem, dirFd, Rights.PathCreateDirectory, pathPtr, pathLen, false, out var dir, out var rel, out _);
            return E(e != Errno.Success ? e : dir.Fs.CreateDirectory(rel));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathFilestatGet(Caller c, int dirFd, int flags, int pathPtr, int pathLen, int bufPtr)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            mem.Slice(bufPtr, 64);
            var e = ResolveAt(mem, dirFd, Rights.PathFilestatGet, pathPtr, pathLen, Follow(flags), out var dir, out var rel, out _);
            if (e != Errno.Success) return E(e);
            e = dir.Fs.Lstat(rel, out var st);
            if (e != Errno.Success) return E(e);
            mem.WriteFileStat(bufPtr, st);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathFilestatSetTimes(Caller c, int dirFd, int flags, int pathPtr, int pathLen, long atim, long mtim, int fstFlags)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            var e = ResolveAt(mem, dirFd, Rights.PathFilestatSetTimes, pathPtr, pathLen, Follow(flags), out var dir, out var rel, out _);
            if (e != Errno.Success) return E(e);
            e = TimeChangeOf(atim, mtim, fstFlags, out var change);
            return E(e != Errno.Success ? e : dir.Fs.SetTimes(rel, change));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathLink(Caller c, int oldFd, int oldFlags, int oldPathPtr, int oldPathLen, int newFd, int newPathPtr, int newPathLen)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            var e = ResolveAt(mem, oldFd, Rights.PathLinkSource, oldPathPtr, oldPathLen, Follow(oldFlags), out var from, out var fromRel, out _);
            if (e != Errno.Success) return E(e);
            e = ResolveAt(mem, newFd, Rights.PathLinkTarget, newPathPtr, newPathLen, false, out var to, out var toRel, out bool slash);
            if (e != Errno.Success) return E(e);
            if (slash) return E(NonDirectoryWithTrailingSlash(to.Fs, toRel));
            if (!ReferenceEquals(from.Fs, to.Fs)) return E(Errno.XDev);
            return E(from.Fs.Link(fromRel, toRel));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathReadlink(Caller c, int dirFd, int pathPtr, int pathLen, int bufPtr, int bufLen, int bufUsedPtr)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            var outBuf = mem.Slice(bufPtr, bufLen);
            mem.Slice(bufUsedPtr, 4);
            var e = ResolveAt(mem, dirFd, Rights.PathReadlink, pathPtr, pathLen, false, out var dir, out var rel, out _);
            if (e != Errno.Success) return E(e);
            e = dir.Fs.ReadLink(rel, out var target);
            if (e != Errno.Success) return E(e);
            var bytes = Encoding.UTF8.GetBytes(target);
            int n = Math.Min(bytes.Length, outBuf.Length);
            bytes.AsSpan(0, n).CopyTo(outBuf);
            mem.WriteU32(bufUsedPtr, (uint)n);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathRemoveDirectory(Caller c, int dirFd, int pathPtr, int pathLen)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            var e = ResolveAt(mem, dirFd, Rights.PathRemoveDirectory, pathPtr, pathLen, false, out var dir, out var rel, out _);
            return E(e != Errno.Success ? e : dir.Fs.RemoveDirectory(rel));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathRename(Caller c, int oldFd, int oldPathPtr, int oldPathLen, int newFd, int newPathPtr, int newPathLen)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            var e = ResolveAt(mem, oldFd, Rights.PathRenameSource, oldPathPtr, oldPathLen, false, out var from, out var fromRel, out _);
            if (e != Errno.Success) return E(e);
            e = ResolveAt(mem, newFd, Rights.PathRenameTarget, newPathPtr, newPathLen, false, out var to, out var toRel, out _);
            if (e != Errno.Success) return E(e);
            if (!ReferenceEquals(from.Fs, to.Fs)) return E(Errno.XDev);
            return E(from.Fs.Rename(fromRel, toRel));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathSymlink(Caller c, int targetPtr, int targetLen, int dirFd, int pathPtr, int pathLen)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            if ((uint)targetLen > PathResolver.MaxPathBytes) return E(Errno.NameTooLong);
            string target = mem.ReadString(targetPtr, targetLen);
            var e = ResolveAt(mem, dirFd, Rights.PathSymlink, pathPtr, pathLen, false, out var dir, out var rel, out bool slash);
            if (e != Errno.Success) return E(e);
            if (slash) return E(NonDirectoryWithTrailingSlash(dir.Fs, rel));
            // Refuse links that would point outside the preopen (absolute, or climbing above its root).
            if (!PathResolver.StaysInside(PathResolver.Split(rel).Parent, target)) return E(Errno.NotCapable);
            return E(dir.Fs.Symlink(target, rel));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private int PathUnlinkFile(Caller c, int dirFd, int pathPtr, int pathLen)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            var e = ResolveAt(mem, dirFd, Rights.PathUnlinkFile, pathPtr, pathLen, false, out var dir, out var rel, out bool slash);
            if (e != Errno.Success) return E(e);
            if (slash)
            {
                var se = dir.Fs.Lstat(rel, out var st);
                if (se != Errno.Success) return E(se);
                return E(st.Type == FileType.Directory ? Errno.IsDir : Errno.NotDir);
            }
            return E(dir.Fs.UnlinkFile(rel));
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }
}
