// Options for the IPC readers. Layout checks (buffer bounds, offsets, null counts) are always on;
// UTF-8 validation of Utf8 columns can be turned off for trusted input.
namespace Wasql.Arrow.Ipc;

public sealed class ArrowReadOptions
{
    public static readonly ArrowReadOptions Default = new();

    /// <summary>Check that Utf8/LargeUtf8 values are valid UTF-8 (default true).</summary>
    public bool ValidateUtf8 { get; init; } = true;

    /// <summary>Deepest nesting of types accepted (default 64); deeper schemas are refused.</summary>
    public int MaxNestingDepth { get; init; } = 64;

    /// <summary>Upper bound, per column, of values plus bytes a dictionary-encoded column may decode to
    /// (default 2^28), so a small file cannot expand into an unbounded allocation.</summary>
    public long MaxDictionaryDecodedSize { get; init; } = 1L << 28;
}
