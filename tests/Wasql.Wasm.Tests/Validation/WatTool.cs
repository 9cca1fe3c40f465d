// Test helper: turns WAT text into a binary with wabt's wat2wasm (and .wast scripts into JSON command
// lists with wast2json), failing the test with a clear message when wabt is not installed.
using System.Diagnostics;

namespace Wasql.Wasm.Tests.Validation;

internal static class WatTool
{
    /// <summary>Assembles <paramref name="wat"/>; with <paramref name="check"/> false wat2wasm skips its own
    /// validation (so invalid modules can be produced).</summary>
    public static byte[] Assemble(string wat, bool check = true, bool debugNames = false)
    {
        string dir = Directory.CreateTempSubdirectory("wasql-wat-").FullName;
        try
        {
            string input = Path.Combine(dir, "m.wat"), output = Path.Combine(dir, "m.wasm");
            File.WriteAllText(input, wat);
            // Default features (Wasm 2.0 + SIMD); --enable-all would turn on wabt's function-references
            // typing, under which ref.func has a typed reference type that Wasm 2.0 lacks.
            var args = new List<string> { input, "-o", output };
            if (!check) args.Insert(0, "--no-check");
            if (debugNames) args.Insert(0, "--debug-names");
            Run("wat2wasm", args);
            return File.ReadAllBytes(output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs wast2json on <paramref name="wast"/> into <paramref name="outDir"/>; returns the JSON path.</summary>
    public static string WastToJson(string wast, string outDir)
    {
        string json = Path.Combine(outDir, Path.GetFileNameWithoutExtension(wast) + ".json");
        Run("wast2json", ["--enable-all", wast, "-o", json]);
        return json;
    }

    private static void Run(string tool, IEnumerable<string> args) =>
        Differential.Toolchain.Run(tool, args, "Install Debian's wabt (apt-get install wabt).");
}
