// Test helper linked into every test project: the repository root (the folder holding Wasql.slnx) and the shared
// reference material ($WASQL_SHARED, else ../shared next to the repository).
namespace Wasql.Tests.Shared;

internal static class TestPaths
{
    public static string Repo { get; } = FindRepo();

    public static string Shared { get; } = Environment.GetEnvironmentVariable("WASQL_SHARED") is { Length: > 0 } env
        ? env : Path.GetFullPath(Path.Combine(Repo, "..", "shared"));

    /// <summary>A module of the shared arrow-udf fixtures, e.g. databend_gcd.wasm.</summary>
    public static string ArrowUdfFixture(string name) => Path.Combine(Shared, "fixtures", "arrow-udf", name);

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Wasql.slnx"))) return d.FullName;
        throw new InvalidOperationException($"no Wasql.slnx above {AppContext.BaseDirectory}");
    }
}
