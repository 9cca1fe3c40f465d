// A plain wasm export bound with declared SQL types (the direct ABI, sdk/DIRECT_ABI.md): per-row calls with no
// serialization. Thread-safe entry points rent a pooled instance per call; a DirectSession pins one for a loop.
namespace Wasql.Udf;

/// <summary>A direct-ABI function: a wasm export whose parameters and result are wasm numbers, declared with SQL types.</summary>
public sealed class DirectFunction
{
    internal DirectFunction(UdfModule module, string exportName, DirectSignature signature)
    {
        Module = module;
        ExportName = exportName;
        Signature = signature;
        Shape = new Wasql.Udf.Direct.DirectShape(exportName, signature);
    }

    internal Wasql.Udf.Direct.DirectShape Shape { get; }

    /// <summary>The module this export belongs to.</summary>
    public UdfModule Module { get; }
    /// <summary>The wasm export name (also the name used in errors).</summary>
    public string ExportName { get; }
    /// <summary>The declared SQL signature.</summary>
    public DirectSignature Signature { get; }
    /// <summary>True when all argument and result types are numeric and the shape is plain (strict, no out-of-band
    /// NULL result): typed delegates are available.</summary>
    public bool IsNumeric => Signature.IsNumeric && Signature.IsPlain;

    /// <summary>
    /// Calls the function on one row. Arguments are boxed CLR values of the declared types (numbers are converted
    /// when lossless: e.g. an int for int8, a long for int4 in range; string or byte[] for text/bytea; null = NULL).
    /// A NULL argument returns null without calling (strict). Returns the boxed result (string for text, byte[] for bytea).
    /// Thread-safe: rents an instance from the module's pool for the call.
    /// </summary>
    public object? Invoke(ReadOnlySpan<object?> args)
    {
        using var session = OpenSession();
        return session.Invoke(args);
    }

    /// <summary>Same as <see cref="Invoke(ReadOnlySpan{object})"/> with a params array.</summary>
    public object? Invoke(params object?[] args) => Invoke((ReadOnlySpan<object?>)args);

    /// <summary>
    /// A thread-safe typed delegate (e.g. <c>Func&lt;int,int,int&gt;</c> or <c>Func&lt;long,long,long&gt;</c>) for a
    /// numeric signature. Parameter and return types may be any of short/int/long/float/double/bool; values are
    /// converted (narrowing integer conversions are checked). Each invocation rents an instance from the pool;
    /// for the fastest loops use <see cref="OpenSession"/> and <see cref="DirectSession.CreateDelegate{TDelegate}"/>.
    /// </summary>
    public TDelegate CreateDelegate<TDelegate>() where TDelegate : Delegate => Wasql.Udf.Direct.DirectDelegates.Pooled<TDelegate>(this);

    /// <summary>Pins one pooled instance to the caller (single thread) until disposed: the per-row fast path.</summary>
    public DirectSession OpenSession() => new(this, Module.Pool.Rent(ExportName));

    /// <inheritdoc/>
    public override string ToString() => $"{ExportName}{Signature}";
}
