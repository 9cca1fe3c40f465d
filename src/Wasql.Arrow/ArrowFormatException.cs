// The one exception type for malformed or unsupported Arrow input (IPC bytes, flatbuffer metadata,
// array layouts). Its message names what is wrong and, when known, the byte position where it was found.
namespace Wasql.Arrow;

public sealed class ArrowFormatException : Exception
{
    /// <summary>Byte position in the input where the problem was found, or -1 when not tied to one.</summary>
    public long Position { get; }

    public ArrowFormatException(string message) : base(message) => Position = -1;

    public ArrowFormatException(string message, long position)
        : base(position >= 0 ? $"{message} (at byte {position})" : message) => Position = position;
}
