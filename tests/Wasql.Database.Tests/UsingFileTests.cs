// USING FILE reads only regular files, capped at ModuleFile.MaxModuleBytes, and says the same thing for every file it
// cannot use (missing, unreadable, directory, FIFO, device, /proc), so clients cannot probe the host's files.
using System.Diagnostics;
using Wasql.Database.Catalog;

namespace Wasql.Database.Tests;

public sealed class UsingFileTests : IDisposable
{
    private readonly WasqlDatabase _db = WasqlDatabase.Open(":memory:");
    private readonly WasqlConnection _c;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wasql-usingfile-");

    public UsingFileTests() => _c = _db.Connect();

    public void Dispose()
    {
        _c.Dispose();
        _db.Dispose();
        _dir.Delete(true);
    }

    private WasqlException Create(string path) => Assert.Throws<WasqlException>(() =>
        _c.Execute($"CREATE FUNCTION f(int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING FILE '{path}'"));

    /// <summary>The one text every unusable file gets (SQLSTATE 58P01, no .NET exception text).</summary>
    private static void AssertUnusable(WasqlException e, string path)
    {
        Assert.Equal(SqlStates.UndefinedFile, e.SqlState);
        Assert.Equal($"could not read module file \"{path}\": not a readable regular file", e.Message);
    }

    [Fact]
    public void MissingFileDirectoryDeviceAndProcFilesGetOneError()
    {
        foreach (var path in new[] { Path.Combine(_dir.FullName, "missing.wasm"), _dir.FullName, "/dev/zero", "/dev/null", "/proc/self/environ", "/proc/self/cmdline", "/sys/kernel/mm/transparent_hugepage/enabled" })
            AssertUnusable(Create(path), path);
        Assert.Empty(_c.ListFunctions());
    }

    [Fact]
    public void SymlinkToAProcFileIsRejectedToo()
    {
        var link = Path.Combine(_dir.FullName, "environ.wasm");
        File.CreateSymbolicLink(link, "/proc/self/environ");
        AssertUnusable(Create(link), link);
    }

    [Fact]
    public void FifoIsRejectedWithoutWaitingForAWriter()
    {
        var fifo = Path.Combine(_dir.FullName, "pipe.wasm");
        using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        Assert.True(File.Exists(fifo));
        // Were the FIFO opened for a blocking read, this statement would hang forever (no writer ever comes).
        var statement = Task.Run(() => Create(fifo));
        Assert.True(statement.Wait(TimeSpan.FromMinutes(2)), "USING FILE blocked on a FIFO");
        AssertUnusable(statement.Result, fifo);
    }

    [Fact]
    public void UnreadableFileGetsTheSameError()
    {
        var file = Path.Combine(_dir.FullName, "secret.wasm");
        File.WriteAllBytes(file, Fixtures.DirectModule);
        File.SetUnixFileMode(file, UnixFileMode.None);
        if (Environment.UserName == "root")
        {
            // root reads mode-000 files; the file is readable, so it must load.
            _c.Execute($"CREATE FUNCTION f(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING FILE '{file}'");
            return;
        }
        AssertUnusable(Create(file), file);
    }

    [Fact]
    public void TooLargeFileIsRefusedWhileReading()
    {
        var file = Path.Combine(_dir.FullName, "big.wasm");
        using (var s = File.Create(file)) s.SetLength(ModuleFile.MaxModuleBytes + 1);   // sparse: no disk used
        var e = Create(file);
        Assert.Equal(SqlStates.ProgramLimitExceeded, e.SqlState);
        Assert.Equal($"module file \"{file}\" is larger than 64 MiB", e.Message);
    }

    [Fact]
    public void RegularFileAndSymlinkToOneLoad()
    {
        var file = Path.Combine(_dir.FullName, "add.wasm");
        File.WriteAllBytes(file, Fixtures.DirectModule);
        var link = Path.Combine(_dir.FullName, "link.wasm");
        File.CreateSymbolicLink(link, file);
        _c.Execute($"CREATE FUNCTION a1(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING FILE '{file}'");
        _c.Execute($"CREATE FUNCTION a2(int4, int4) RETURNS int4 LANGUAGE wasm WITH (abi = 'direct', export = 'add') USING FILE '{link}'");
        Assert.Equal(5L, _c.Execute("SELECT a1(2, 3)").Rows[0][0]);
        Assert.Equal(7L, _c.Execute("SELECT a2(3, 4)").Rows[0][0]);
    }
}
