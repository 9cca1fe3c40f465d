// Validates the real-world modules kept in shared/fixtures (compiler output, ~1 MB), and reports how
// long validation takes, since it runs on every module load.
using System.Diagnostics;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Validation;
using Xunit.Abstractions;

namespace Wasql.Wasm.Tests.Validation;

public sealed class FixtureModuleTests(ITestOutputHelper output)
{
    [Fact]
    public void ArrowUdfFixtureValidates()
    {
        var path = Path.Combine(SpecSuiteValidationTests.SharedDirectory() ?? "", "fixtures", "arrow-udf", "databend_gcd.wasm");
        Assert.True(File.Exists(path), $"fixture not found at '{path}': set WASQL_SHARED to the shared folder");
        var info = ModuleDecoder.Decode(File.ReadAllBytes(path));
        var first = Stopwatch.StartNew();
        ModuleValidator.Validate(info);
        first.Stop();
        double best = double.MaxValue;
        for (int i = 0; i < 20; i++)
        {
            var sw = Stopwatch.StartNew();
            ModuleValidator.Validate(info);
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
        }
        output.WriteLine($"{Path.GetFileName(path)}: {info.Bodies.Count} bodies, {info.Bytes.Length} bytes, " +
                         $"first validation {first.Elapsed.TotalMilliseconds:F2} ms, best of 20 {best:F2} ms");
    }
}
