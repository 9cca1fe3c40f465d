// A guest's WASI state (arguments, environment, descriptors, stdio, clock, random) and the registration of every
// wasi_snapshot_preview1 import on a Linker. The imports live in partial files by WASI area (WasiArgs, WasiClock,
// WasiFd, WasiPath, WasiPoll, WasiProc, WasiSock); each turns bad guest input into an errno, never a host exception.
using System.Text;
using Wasql.Wasi.FileSystem;
using Wasql.Wasm;

namespace Wasql.Wasi;

public sealed partial class WasiContext : IDisposable
{
    public const string ModuleName = "wasi_snapshot_preview1";

    private readonly byte[][] _args;
    private readonly byte[][] _env;
    private readonly FdTable _fds;
    private readonly IWasiClock _clock;
    private readonly RandomSource _random;
    private readonly CancellationTokenSource _cancel = new();

    public WasiOutput Stdout { get; }
    public WasiOutput Stderr { get; }

    /// <summary>The guest's stdout went past its output cap.</summary>
    public bool StdoutLimitReached => Stdout.LimitReached;
    public bool StderrLimitReached => Stderr.LimitReached;

    internal WasiContext(WasiConfig config)
    {
        _args = config.Args.Select(a => Encoding.UTF8.GetBytes(a + "\0")).ToArray();
        _env = config.Env.Select(kv => Encoding.UTF8.GetBytes($"{kv.Key}={kv.Value}\0")).ToArray();
        _clock = config.Clock;
        _random = config.Random;
        Stdout = config.Stdout;
        Stderr = config.Stderr;
        _fds = new FdTable(config.MaxOpenFiles);
        const Rights stdioCommon = Rights.PollFdReadwrite | Rights.FdFilestatGet | Rights.FdFdstatSetFlags;
        _fds.Set(0, new FdEntry(new InputFile(config.Stdin), Rights.FdRead | stdioCommon, Rights.None, FdFlags.None));
        _fds.Set(1, new FdEntry(new OutputFile(config.Stdout), Rights.FdWrite | stdioCommon, Rights.None, FdFlags.Append));
        _fds.Set(2, new FdEntry(new OutputFile(config.Stderr), Rights.FdWrite | stdioCommon, Rights.None, FdFlags.Append));
        int fd = 3;
        foreach (var (fs, guestPath) in config.Preopens)
            _fds.Set(fd++, new FdEntry(new DirectoryFile(fs, ""), Rights.Directory, Rights.Directory | Rights.RegularFile, FdFlags.None, guestPath));
    }

    /// <summary>Wakes a guest sleeping in poll_oneoff (pair it with <see cref="Store.Interrupt"/> for deadlines).</summary>
    public void Cancel()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A deadline timer racing with Dispose: the guest is gone already.
        }
    }

    public bool IsCancelled => _cancel.IsCancellationRequested;

    /// <summary>Closes every open descriptor (host files are released).</summary>
    public void Dispose()
    {
        _fds.CloseAll();
        _cancel.Dispose();
    }

    /// <summary>An errno for a failed import call: the errno carried by WasiErrnoException, else EIO.</summary>
    private static int Fail(Exception e) => (int)(e switch
    {
        WasiErrnoException w => w.Errno,
        OutOfMemoryException => Errno.NoMem,
        _ => HostDirectoryFs.ErrnoOf(e),
    });

    /// <summary>Defines every wasi_snapshot_preview1 function on <paramref name="linker"/>, bound to this context.</summary>
    public void AddTo(Linker linker, Store store)
    {
        void Def(string name, Delegate d) => linker.DefineFunction(store, ModuleName, name, d);

        Def("args_get", (Func<Caller, int, int, int>)ArgsGet);
        Def("args_sizes_get", (Func<Caller, int, int, int>)ArgsSizesGet);
        Def("environ_get", (Func<Caller, int, int, int>)EnvironGet);
        Def("environ_sizes_get", (Func<Caller, int, int, int>)EnvironSizesGet);
        Def("clock_res_get", (Func<Caller, int, int, int>)ClockResGet);
        Def("clock_time_get", (Func<Caller, int, long, int, int>)ClockTimeGet);
        Def("fd_advise", (Func<int, long, long, int, int>)FdAdvise);
        Def("fd_allocate", (Func<int, long, long, int>)FdAllocate);
        Def("fd_close", (Func<int, int>)FdClose);
        Def("fd_datasync", (Func<int, int>)FdDatasync);
        Def("fd_fdstat_get", (Func<Caller, int, int, int>)FdFdstatGet);
        Def("fd_fdstat_set_flags", (Func<int, int, int>)FdFdstatSetFlags);
        Def("fd_fdstat_set_rights", (Func<int, long, long, int>)FdFdstatSetRights);
        Def("fd_filestat_get", (Func<Caller, int, int, int>)FdFilestatGet);
        Def("fd_filestat_set_size", (Func<int, long, int>)FdFilestatSetSize);
        Def("fd_filestat_set_times", (Func<int, long, long, int, int>)FdFilestatSetTimes);
        Def("fd_pread", (Func<Caller, int, int, int, long, int, int>)FdPread);
        Def("fd_prestat_get", (Func<Caller, int, int, int>)FdPrestatGet);
        Def("fd_prestat_dir_name", (Func<Caller, int, int, int, int>)FdPrestatDirName);
        Def("fd_pwrite", (Func<Caller, int, int, int, long, int, int>)FdPwrite);
        Def("fd_read", (Func<Caller, int, int, int, int, int>)FdRead);
        Def("fd_readdir", (Func<Caller, int, int, int, long, int, int>)FdReaddir);
        Def("fd_renumber", (Func<int, int, int>)FdRenumber);
        Def("fd_seek", (Func<Caller, int, long, int, int, int>)FdSeek);
        Def("fd_sync", (Func<int, int>)FdSync);
        Def("fd_tell", (Func<Caller, int, int, int>)FdTell);
        Def("fd_write", (Func<Caller, int, int, int, int, int>)FdWrite);
        Def("path_create_directory", (Func<Caller, int, int, int, int>)PathCreateDirectory);
        Def("path_filestat_get", (Func<Caller, int, int, int, int, int, int>)PathFilestatGet);
        Def("path_filestat_set_times", (Func<Caller, int, int, int, int, long, long, int, int>)PathFilestatSetTimes);
        Def("path_link", (Func<Caller, int, int, int, int, int, int, int, int>)PathLink);
        Def("path_open", (Func<Caller, int, int, int, int, int, long, long, int, int, int>)PathOpen);
        Def("path_readlink", (Func<Caller, int, int, int, int, int, int, int>)PathReadlink);
        Def("path_remove_directory", (Func<Caller, int, int, int, int>)PathRemoveDirectory);
        Def("path_rename", (Func<Caller, int, int, int, int, int, int, int>)PathRename);
        Def("path_symlink", (Func<Caller, int, int, int, int, int, int>)PathSymlink);
        Def("path_unlink_file", (Func<Caller, int, int, int, int>)PathUnlinkFile);
        Def("poll_oneoff", (Func<Caller, int, int, int, int, int>)PollOneoff);
        Def("proc_exit", (Action<int>)ProcExit);
        Def("proc_raise", (Func<int, int>)ProcRaise);
        Def("sched_yield", (Func<int>)SchedYield);
        Def("random_get", (Func<Caller, int, int, int>)RandomGet);
        Def("sock_accept", (Func<int, int, int, int>)SockAccept);
        Def("sock_recv", (Func<int, int, int, int, int, int, int>)SockRecv);
        Def("sock_send", (Func<int, int, int, int, int, int>)SockSend);
        Def("sock_shutdown", (Func<int, int, int>)SockShutdown);
    }
}
