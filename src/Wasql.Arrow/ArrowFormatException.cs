// The one exception type for malformed or unsupported Arrow input (IPC bytes, flatbuffer metadata, array layouts),
// whatever the Apache.Arrow reader threw underneath (it is kept as the inner exception).
namespace Wasql.Arrow;

/// <summary>Malformed or unsupported Arrow IPC input; the message names what is wrong.</summary>
public sealed class ArrowFormatException : Exception
{
    public ArrowFormatException(string message) : base(message) { }

    public ArrowFormatException(string message, Exception inner) : base(message, inner) { }
}
