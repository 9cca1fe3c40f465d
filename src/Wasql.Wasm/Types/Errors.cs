// The exception hierarchy: one type per failure stage, so callers can tell a bad module from a trap.
namespace Wasql.Wasm;

/// <summary>Base of every error the engine reports.</summary>
public class WasmException : Exception
{
    public WasmException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The bytes are not a well-formed WebAssembly binary.</summary>
public sealed class MalformedModuleException : WasmException
{
    /// <summary>Byte offset in the module where decoding failed.</summary>
    public long Offset { get; }

    public MalformedModuleException(string message, long offset)
        : base($"malformed module at offset 0x{offset:x}: {message}") => Offset = offset;
}

/// <summary>The module is well-formed but fails validation (type errors, bad indices).</summary>
public sealed class InvalidModuleException : WasmException
{
    public InvalidModuleException(string message) : base($"invalid module: {message}") { }
}

/// <summary>Instantiation failed because an import is missing or has the wrong type.</summary>
public sealed class LinkException : WasmException
{
    public LinkException(string message) : base(message) { }
}

/// <summary>A resource limit configured on the engine or store was exceeded outside of guest execution.</summary>
public sealed class ResourceLimitException : WasmException
{
    public ResourceLimitException(string message) : base(message) { }
}
