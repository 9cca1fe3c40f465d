// What of a compiler's output a client may see.
namespace Wasql.Database.Compilers;

internal static class CompilerMessages
{
    /// <summary>
    /// Removes every spelling of the scratch directory (its host path, and its mount point inside the sandbox) so file
    /// names read as <c>udf.rs</c> / <c>udf.c</c>. Invariant: the result contains neither <paramref name="hostScratch"/>
    /// nor <see cref="SandboxCommand.ScratchMount"/> followed by a slash. (File contents cannot leak beyond what the
    /// sandbox lets the compiler read; this only hides where the server keeps its scratch files.)
    /// </summary>
    public static string StripScratch(string text, string hostScratch)
    {
        var host = hostScratch.TrimEnd('/');
        var result = text.Replace(host + "/", "").Replace(host, ".");
        return result.Replace(SandboxCommand.ScratchMount + "/", "");
    }
}
