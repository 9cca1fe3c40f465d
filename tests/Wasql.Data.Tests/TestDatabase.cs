// A temporary database file per test class, connection strings for it, and test modules assembled with wabt.
using System.Diagnostics;

namespace Wasql.Data.Tests;

public sealed class TestDatabase : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"wasql-data-{Guid.NewGuid():N}.db");

    public string ConnectionString(string extra = "") => $"Data Source={Path}" + (extra.Length > 0 ? ";" + extra : "");

    public WasqlDbConnection Open(string extra = "")
    {
        var c = new WasqlDbConnection(ConnectionString(extra));
        c.Open();
        return c;
    }

    public void Dispose()
    {
        WasqlDbConnection.ClearAllPools();
        foreach (var p in new[] { Path, Path + "-wal", Path + "-shm" })
            try { File.Delete(p); } catch (IOException) { }
    }

    /// <summary>guests/NAME.wat assembled by wat2wasm, as base64 for USING BASE64.</summary>
    public static string WatBase64(string name)
    {
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"wasql-data-{Guid.NewGuid():N}.wasm");
        var psi = new ProcessStartInfo("wat2wasm") { RedirectStandardError = true };
        psi.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "guests", name + ".wat"));
        psi.ArgumentList.Add("-o");
        psi.ArgumentList.Add(output);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"wat2wasm {name}.wat failed (run scripts/setup.sh): {err}");
        try { return Convert.ToBase64String(File.ReadAllBytes(output)); }
        finally { File.Delete(output); }
    }

    public static string GcdFixtureBase64 => Convert.ToBase64String(File.ReadAllBytes(Wasql.Tests.Shared.TestPaths.ArrowUdfFixture("databend_gcd.wasm")));
}
