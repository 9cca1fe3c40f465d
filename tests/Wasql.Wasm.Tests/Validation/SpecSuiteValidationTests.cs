// Runs the validator over the official spec test suite (shared/wasm-testsuite): every .wast file's assert_invalid modules must be rejected (InvalidModuleException containing the expected text,
// or MalformedModuleException), binary assert_malformed modules must be malformed, and every module the
// script expects to load (module, assert_unlinkable, assert_uninstantiable) must decode and validate.
using System.Text;
using System.Text.Json;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Validation;
using Xunit.Abstractions;

namespace Wasql.Wasm.Tests.Validation;

public sealed class SpecSuiteValidationTests(ITestOutputHelper output)
{
    /// <summary>Cases whose binary (as written by wast2json) cannot carry the error the script expects, so
    /// any validation error is accepted. (file, line) -> why.</summary>
    private static readonly Dictionary<(string, int), string> KnownWabtArtifacts = new()
    {
        // wabt encodes `select (result)` (zero types) as a plain untyped select; the binary is still invalid
        // (type mismatch), but the arity error of the script cannot be expressed.
        [("select.wast", 324)] = "wabt drops the empty select type list",
    };

    /// <summary>The shared folder: $WASQL_SHARED, else ../shared next to the folder holding Wasql.slnx.</summary>
    internal static string? SharedDirectory() => Wasql.Tests.Shared.TestPaths.Shared;

    private static string SuiteDirectory() => Path.Combine(SharedDirectory() ?? "", "wasm-testsuite");

    public static IEnumerable<object[]> WastFiles()
    {
        var dir = SuiteDirectory();
        if (!Directory.Exists(dir))
        {
            yield return ["<missing suite>"];
            yield break;
        }
        foreach (var f in Directory.GetFiles(dir, "*.wast").OrderBy(f => f, StringComparer.Ordinal))
            yield return [Path.GetFileName(f)];
    }

    [Theory]
    [MemberData(nameof(WastFiles))]
    public void SpecFile(string wastName)
    {
        var suite = SuiteDirectory();
        Assert.True(Directory.Exists(suite),
            $"spec test suite not found at '{suite}': set WASQL_SHARED to the shared folder holding wasm-testsuite/");

        var outDir = Directory.CreateTempSubdirectory("wasql-spec-").FullName;
        try
        {
            var json = WatTool.WastToJson(Path.Combine(suite, wastName), outDir);
            var (passed, skipped, failures, notes) = RunCommands(wastName, json, outDir);
            var report = new StringBuilder();
            report.AppendLine($"{wastName}: {passed} passed, {failures.Count} failed, {skipped} skipped");
            foreach (var f in failures.Take(40)) report.AppendLine("  " + f);
            foreach (var n in notes.Take(20)) report.AppendLine("  note: " + n);
            output.WriteLine(report.ToString());
            Assert.True(failures.Count == 0, report.ToString());
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    private static (int Passed, int Skipped, List<string> Failures, List<string> Notes) RunCommands(string wastName, string jsonPath, string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        int passed = 0, skipped = 0;
        var failures = new List<string>();
        var notes = new List<string>();
        foreach (var cmd in doc.RootElement.GetProperty("commands").EnumerateArray())
        {
            string type = cmd.GetProperty("type").GetString()!;
            int line = cmd.GetProperty("line").GetInt32();
            string? file = cmd.TryGetProperty("filename", out var fn) ? fn.GetString() : null;
            if (file is null || !file.EndsWith(".wasm", StringComparison.Ordinal)) continue;
            bool binary = !cmd.TryGetProperty("module_type", out var mt) || mt.GetString() == "binary";
            if (!binary) continue;
            var bytes = File.ReadAllBytes(Path.Combine(dir, file));
            string expected = cmd.TryGetProperty("text", out var t) ? t.GetString()! : "";

            Exception? error = null;
            try
            {
                ModuleValidator.Validate(ModuleDecoder.Decode(bytes));
            }
            catch (WasmException e)
            {
                error = e;
            }

            string? failure = type switch
            {
                "module" or "assert_unlinkable" or "assert_uninstantiable" or "assert_trap" or "assert_exhaustion" =>
                    error is null ? null : $"line {line} ({type}): valid module rejected: {error.Message}",
                "assert_invalid" => error switch
                {
                    null => $"line {line}: invalid module accepted (expected \"{expected}\")",
                    InvalidModuleException when error.Message.Contains(expected, StringComparison.Ordinal) => null,
                    InvalidModuleException when KnownWabtArtifacts.ContainsKey((wastName, line)) => null,
                    MalformedModuleException => null,
                    _ => $"line {line}: expected \"{expected}\", got: {error.Message}",
                },
                "assert_malformed" => error switch
                {
                    null => $"line {line}: malformed module accepted (expected \"{expected}\")",
                    MalformedModuleException => null,
                    _ => $"line {line}: expected malformed \"{expected}\", got: {error.GetType().Name}: {error.Message}",
                },
                _ => null,
            };
            if (failure is null) passed++;
            else failures.Add(failure);
            if (failure is null && type == "assert_malformed" && !error!.Message.Contains(expected, StringComparison.Ordinal))
                notes.Add($"line {line}: malformed as expected, but the message differs from \"{expected}\": {error.Message}");
        }
        return (passed, skipped, failures, notes);
    }
}
