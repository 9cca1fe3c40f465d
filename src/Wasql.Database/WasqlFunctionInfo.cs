// A catalog entry as seen from outside: what SHOW FUNCTIONS and the server's pg_catalog emulation list.
namespace Wasql.Database;

/// <summary>One function in the catalog.</summary>
/// <param name="Name">SQL name (lower case).</param>
/// <param name="ArgumentTypes">Declared argument types, normalized (e.g. <c>int4</c>, <c>text</c>).</param>
/// <param name="ReturnType">Declared result type; for a table function <c>TABLE(x int4, ...)</c> or <c>SETOF int4</c>.</param>
/// <param name="Language">wasm, rust or c.</param>
/// <param name="Abi">arrow-udf or direct.</param>
/// <param name="Kind">scalar or table.</param>
/// <param name="ExportName">The wasm export called (direct) or the arrow-udf function name.</param>
/// <param name="ModuleSha256">Hex SHA-256 of the stored module.</param>
/// <param name="ModuleSize">Module size in bytes (uncompressed).</param>
/// <param name="TableColumns">For table functions: the output columns; empty for scalar functions.</param>
/// <param name="Source">The source text for rust/c functions (null for wasm).</param>
/// <param name="LoadError">Why the function could not be loaded at open (e.g. a corrupt module); null when usable.</param>
public sealed record WasqlFunctionInfo(
    string Name,
    IReadOnlyList<string> ArgumentTypes,
    string ReturnType,
    string Language,
    string Abi,
    string Kind,
    string ExportName,
    string ModuleSha256,
    long ModuleSize,
    IReadOnlyList<ColumnInfo> TableColumns,
    string? Source,
    string? LoadError)
{
    /// <summary><c>name(arg, ...)</c>.</summary>
    public string Signature => $"{Name}({string.Join(", ", ArgumentTypes)})";

    /// <summary>True for set-returning functions.</summary>
    public bool IsTable => Kind == "table";

    /// <summary><c>name(arg, ...) RETURNS type LANGUAGE lang (abi)</c>, plus the load error if any (the record's default
    /// ToString would print the lists as type names).</summary>
    public override string ToString() =>
        $"{Signature} RETURNS {ReturnType} LANGUAGE {Language} ({Abi})" + (LoadError is null ? "" : $" [not loaded: {LoadError}]");
}
