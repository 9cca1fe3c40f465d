// The SQL types of the direct ABI and how each maps to wasm values and CLR types (see sdk/DIRECT_ABI.md).
namespace Wasql.Udf;

/// <summary>SQL types a direct-ABI function can declare for its arguments and result.</summary>
public enum SqlType
{
    /// <summary>16-bit integer: wasm i32 (low 16 bits, sign-extended); CLR short.</summary>
    Int2,
    /// <summary>32-bit integer: wasm i32; CLR int.</summary>
    Int4,
    /// <summary>64-bit integer: wasm i64; CLR long.</summary>
    Int8,
    /// <summary>32-bit float: wasm f32; CLR float.</summary>
    Float4,
    /// <summary>64-bit float: wasm f64; CLR double.</summary>
    Float8,
    /// <summary>Boolean: wasm i32 (0 = false, anything else = true); CLR bool.</summary>
    Boolean,
    /// <summary>UTF-8 text: argument (i32 ptr, i32 len); result packed i64 (ptr &lt;&lt; 32 | len); CLR string.</summary>
    Text,
    /// <summary>Bytes: like Text without the UTF-8 requirement; CLR byte[].</summary>
    Bytea,
}

/// <summary>Parsing and mapping helpers for <see cref="SqlType"/>.</summary>
public static class SqlTypes
{
    /// <summary>Parses a SQL type name: int2/smallint, int4/int/integer, int8/bigint, float4/real,
    /// float8/double/double precision, boolean/bool, text/varchar/character varying/string, bytea/blob/binary (case-insensitive).</summary>
    public static SqlType Parse(string name) =>
        TryParse(name, out var t) ? t : throw new UdfException(UdfErrorKind.Signature, null, $"unknown SQL type '{name}'");

    /// <summary>Like <see cref="Parse"/>, returning false for an unknown name.</summary>
    public static bool TryParse(string name, out SqlType type)
    {
        string n = string.Join(' ', (name ?? "").Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        int paren = n.IndexOf('(');
        if (paren > 0) n = n[..paren].Trim(); // varchar(20)
        SqlType? t = n switch
        {
            "int2" or "smallint" or "int16" => SqlType.Int2,
            "int4" or "int" or "integer" or "int32" => SqlType.Int4,
            "int8" or "bigint" or "int64" => SqlType.Int8,
            "float4" or "real" or "float32" => SqlType.Float4,
            "float8" or "double" or "double precision" or "float" or "float64" => SqlType.Float8,
            "boolean" or "bool" => SqlType.Boolean,
            "text" or "varchar" or "character varying" or "string" or "char" or "character" => SqlType.Text,
            "bytea" or "blob" or "binary" or "varbinary" or "bytes" => SqlType.Bytea,
            _ => null,
        };
        type = t.GetValueOrDefault();
        return t.HasValue;
    }

    /// <summary>The CLR type of values of <paramref name="type"/> (short, int, long, float, double, bool, string, byte[]).</summary>
    public static Type ClrType(SqlType type) => type switch
    {
        SqlType.Int2 => typeof(short),
        SqlType.Int4 => typeof(int),
        SqlType.Int8 => typeof(long),
        SqlType.Float4 => typeof(float),
        SqlType.Float8 => typeof(double),
        SqlType.Boolean => typeof(bool),
        SqlType.Text => typeof(string),
        _ => typeof(byte[]),
    };

    /// <summary>True for the types passed as one wasm number (all but Text and Bytea).</summary>
    public static bool IsNumeric(SqlType type) => type is not (SqlType.Text or SqlType.Bytea);

    /// <summary>The canonical lower-case name (int2, int4, int8, float4, float8, boolean, text, bytea).</summary>
    public static string Name(SqlType type) => type.ToString().ToLowerInvariant();
}

/// <summary>The declared SQL signature of a direct-ABI export.</summary>
public sealed class DirectSignature
{
    /// <summary>Creates a signature.</summary>
    /// <param name="arguments">Argument types in order.</param>
    /// <param name="result">The result type.</param>
    /// <param name="calledOnNullInput">False (default, "strict"): a NULL argument makes the result NULL without
    /// calling the function. True: the function is called on NULL input too; every argument then takes one more
    /// wasm i32 after its value, 1 for NULL (the value is then 0, or ptr = len = 0), see sdk/DIRECT_ABI.md.</param>
    /// <param name="nullableResult">True: after each call the host asks the export <c>wasql_result_null</c> whether a
    /// numeric result is NULL (text/bytea results carry NULL in-band either way).</param>
    public DirectSignature(IReadOnlyList<SqlType> arguments, SqlType result, bool calledOnNullInput = false, bool nullableResult = false)
    {
        Arguments = arguments.ToArray();
        Result = result;
        CalledOnNullInput = calledOnNullInput;
        NullableResult = nullableResult && SqlTypes.IsNumeric(result);
    }

    /// <summary>Argument types in order.</summary>
    public IReadOnlyList<SqlType> Arguments { get; }
    /// <summary>Result type.</summary>
    public SqlType Result { get; }
    /// <summary>See the constructor.</summary>
    public bool CalledOnNullInput { get; }
    /// <summary>See the constructor (only ever true for a numeric result).</summary>
    public bool NullableResult { get; }
    /// <summary>True for the plain per-row shape (strict, result never NULL out of band): typed delegates fit it.</summary>
    public bool IsPlain => !CalledOnNullInput && !NullableResult;
    /// <summary>True when every argument and the result are numeric (a typed delegate is then available).</summary>
    public bool IsNumeric => Arguments.All(SqlTypes.IsNumeric) && SqlTypes.IsNumeric(Result);

    /// <summary>Parses <c>(int4, int4) -> int4</c> (SQL type names as in <see cref="SqlTypes.Parse"/>).</summary>
    public static DirectSignature Parse(string text)
    {
        int arrow = text.LastIndexOf("->", StringComparison.Ordinal);
        int open = text.IndexOf('('), close = arrow < 0 ? -1 : text.LastIndexOf(')', arrow);
        if (arrow < 0 || open < 0 || close < open)
            throw new UdfException(UdfErrorKind.Signature, null, $"cannot parse signature '{text}' (expected '(t1, t2) -> t')");
        var inner = text[(open + 1)..close].Trim();
        var args = inner.Length == 0 ? [] : inner.Split(',').Select(s => SqlTypes.Parse(s)).ToArray();
        return new DirectSignature(args, SqlTypes.Parse(text[(arrow + 2)..]));
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"({string.Join(", ", Arguments.Select(SqlTypes.Name))}) -> {SqlTypes.Name(Result)}";
}

/// <summary>Export names of the optional parts of the direct ABI (sdk/DIRECT_ABI.md).</summary>
public static class DirectExports
{
    /// <summary><c>() -> i32</c>: nonzero when the numeric result of the call that just returned is NULL.</summary>
    public const string ResultNull = "wasql_result_null";
    /// <summary><c>() -> i64</c>: the guest's message for the trap that just happened (packed ptr &lt;&lt; 32 | len, 0 for none).</summary>
    public const string LastError = "wasql_error";
    /// <summary>Suffix of a table function's row export: <c>NAME__next() -> i64</c> (packed row, -1 at the end).</summary>
    public const string NextSuffix = "__next";
}
