// Entry point for LANGUAGE rust / LANGUAGE c: generates the export wrapper, compiles to wasm32 with the configured
// toolchain, strips it, and caches the result by a hash of everything that affects the output.
namespace Wasql.Database.Compilers;

internal static class SourceCompiler
{
    public static byte[] Compile(WasqlOptions options, string language, string name, IReadOnlyList<string> args, string result, string body, int position) =>
        throw new WasqlException(SqlStates.FeatureNotSupported, $"LANGUAGE {language} is not available yet", position);
}
