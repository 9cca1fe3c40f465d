// Generates the direct-ABI wrapper around an inline `LANGUAGE rust` function (sdk/DIRECT_ABI.md). The user's body
// comes first in the file, so rustc's line numbers are the body's own; the exported wrapper follows inside the same
// module (so it may call private items), then the SDK (sdk/rust/wasql_udf.rs) at the crate root. Which conversion applies to each argument and to the result is left to
// rustc (the wasql_gen traits); from the signature's text we only take what the host must know: NULL handling and
// whether the function is a table function.
using System.Text;
using Wasql.Udf;

namespace Wasql.Database.Compilers;

/// <summary>What the host needs to know about a generated module's function (stored with its definition).</summary>
internal sealed record WrapperShape(bool CalledOnNullInput, bool NullableResult);

/// <summary>A source file ready to compile: its text, how many of its first lines are the user's, what the host must
/// know, and whether the linker exports the function by name (C in the raw form) or the generated code does.</summary>
internal sealed record GeneratedSource(string Language, string FileName, string Text, int BodyLines, WrapperShape Shape, bool LinkerExport = false);

internal static class RustWrapper
{
    public const string FileName = "udf.rs";

    private static SqlType? Carrier(string sqlType) => Wasql.Database.Functions.TypeNames.DirectCarrier(sqlType);

    public static GeneratedSource Generate(string name, IReadOnlyList<string> args, string result, int tableColumns, string body, int position)
    {
        var sig = RustSignature.Find(body, name)
            ?? throw new WasqlException(SqlStates.InvalidFunctionDefinition, $"the body of LANGUAGE rust function {name} defines no fn {name}(...)", position)
            { Hint = $"write fn {name}({string.Join(", ", args.Select((t, i) => $"a{i}: {Example(t)}"))}) -> ... {{ ... }}" };
        if (sig.Parameters.Count != args.Count)
            throw new WasqlException(SqlStates.InvalidFunctionDefinition,
                $"fn {name} takes {sig.Parameters.Count} parameter(s), but the SQL function declares {args.Count}", position);
        var carriers = args.Select(t => Carrier(t) ?? throw Unsupported(t, position)).ToArray();
        bool table = tableColumns > 0;
        if (table && !sig.IsIterator)
            throw new WasqlException(SqlStates.InvalidFunctionDefinition,
                $"a table function's fn {name} must return impl Iterator<Item = T>, not {sig.Return}", position);
        if (!table && sig.IsIterator)
            throw new WasqlException(SqlStates.InvalidFunctionDefinition,
                $"fn {name} returns an iterator: declare RETURNS TABLE (...) or RETURNS SETOF type", position);
        SqlType resultCarrier = table ? SqlType.Int4 : Carrier(result) ?? throw Unsupported(result, position);
        var shape = new WrapperShape(sig.TakesNull, !table && sig.ReturnsNull && SqlTypes.IsNumeric(resultCarrier));

        int bodyLines = body.Split('\n').Length;
        var sb = new StringBuilder();
        var kinds = args.Select((t, i) => Kind(t, carriers[i], sig.Parameters[i])).ToArray();
        sb.Append("mod user_code { ").Append(body).Append('\n');
        foreach (var d in RustStructs.Referenced(body, sig)) sb.AppendLine(RustStructs.Implement(d));
        if (table) Table(sb, name, kinds, tableColumns, sig.TakesNull, bodyLines);
        else Scalar(sb, name, kinds, resultCarrier, !table && Functions.TypeNames.IsJson(result), sig.TakesNull, bodyLines);
        sb.Append("}\n");
        sb.AppendLine(Sdk());
        return new GeneratedSource("rust", FileName, sb.ToString(), bodyLines, shape);
    }

    private static WasqlException Unsupported(string type, int position) => new(SqlStates.FeatureNotSupported,
        $"type {type} is not supported by LANGUAGE rust (int2, int4, int8, float4, float8, boolean, text, bytea; decimal, date, time, " +
        "timestamp, timestamptz, interval and json as text; arrays and structs as JSON)", position);

    private static string Example(string sqlType) => Carrier(sqlType) switch
    {
        SqlType.Int2 => "i16", SqlType.Int4 => "i32", SqlType.Int8 => "i64", SqlType.Float4 => "f32", SqlType.Float8 => "f64",
        SqlType.Boolean => "bool", SqlType.Bytea => "&[u8]", _ => "&str",
    };

    /// <summary>How one argument reaches the user's function: its carrier, and for arrays/structs the JSON path
    /// (with or without NULL, from the Rust parameter type).</summary>
    private sealed record Arg(SqlType Carrier, bool Json, bool Optional);

    private static Arg Kind(string sqlType, SqlType carrier, string rustType) =>
        new(carrier, Functions.TypeNames.IsJson(sqlType), RustSignature.IsOptionType(rustType));

    private static void Scalar(StringBuilder sb, string name, Arg[] args, SqlType result, bool jsonResult, bool nulls, int bodyLines)
    {
        string nullReturn = SqlTypes.IsNumeric(result) ? "crate::wasql_gen::null()" : "crate::wasql_abi::NULL";
        sb.AppendLine($"#[export_name = \"{name}\"]");
        sb.AppendLine($"pub extern \"C\" fn wasql_export_{name}({Params(args, nulls)}) -> {Wasm(result)} {{");
        sb.AppendLine($"    crate::wasql_gen::install_panic_hook({bodyLines});");
        Arguments(sb, args, nulls, held: false, nullReturn);
        sb.AppendLine($"    let r = {name}({Call(args)});");
        sb.AppendLine(jsonResult ? "    crate::wasql_gen::pack_text(crate::wasql_gen::IntoJsonSql::into_json_sql(r))" : result switch
        {
            SqlType.Text => "    crate::wasql_gen::pack_text(<_ as crate::wasql_gen::IntoSql<crate::wasql_gen::Text>>::into_sql(r))",
            SqlType.Bytea => "    crate::wasql_gen::pack_bytes(<_ as crate::wasql_gen::IntoSql<crate::wasql_gen::Bytes>>::into_sql(r))",
            _ => $"    match <_ as crate::wasql_gen::IntoSql<{Raw(result)}>>::into_sql(r) {{ Some(v) => v as {Wasm(result)}, None => crate::wasql_gen::null() }}",
        });
        sb.AppendLine("}");
    }

    /// <summary>NAME(args) starts the iterator (kept in a static: a cursor pins its instance), NAME__next() yields
    /// encoded rows. Text/bytes arguments are copied (held) because the iterator may borrow them after the call.</summary>
    private static void Table(StringBuilder sb, string name, Arg[] args, int columns, bool nulls, int bodyLines)
    {
        var rows = $"WASQL_ROWS_{name}";
        sb.AppendLine($"static mut {rows}: crate::wasql_gen::Rows = None;");
        sb.AppendLine($"#[export_name = \"{name}\"]");
        sb.AppendLine($"pub extern \"C\" fn wasql_export_{name}({Params(args, nulls)}) -> i32 {{");
        sb.AppendLine($"    crate::wasql_gen::install_panic_hook({bodyLines});");
        sb.AppendLine($"    unsafe {{ {rows} = None; crate::wasql_gen::release_held(); }}");
        Arguments(sb, args, nulls, held: true, "0");
        string put = columns == 1 ? "crate::wasql_gen::IntoCell::put(item, &mut row)" : $"crate::wasql_gen::IntoRow::put_row(item, &mut row, {columns})";
        sb.AppendLine($"    let it = {name}({Call(args)}).map(|item| {{ let mut row = Vec::new(); {put}; row }});");
        sb.AppendLine($"    unsafe {{ {rows} = Some(Box::new(it)); }}");
        sb.AppendLine("    0");
        sb.AppendLine("}");
        sb.AppendLine($"#[export_name = \"{name}{DirectExports.NextSuffix}\"]");
        sb.AppendLine($"pub extern \"C\" fn wasql_next_{name}() -> i64 {{ unsafe {{ crate::wasql_gen::next_row(&mut {rows}) }} }}");
    }

    private static string Params(Arg[] args, bool nulls)
    {
        var ps = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (SqlTypes.IsNumeric(args[i].Carrier)) ps.Add($"p{i}: {Wasm(args[i].Carrier)}");
            else { ps.Add($"p{i}: i32"); ps.Add($"l{i}: i32"); }
            if (nulls) ps.Add($"n{i}: i32");
        }
        return string.Join(", ", ps);
    }

    private static void Arguments(StringBuilder sb, Arg[] args, bool nulls, bool held, string nullReturn)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string flag = nulls ? $"n{i}" : "0";
            if (args[i].Json)
            {
                // Parsed into a slot the argument may borrow (&[T], &Struct) for the call.
                sb.AppendLine($"    let mut o{i} = None;");
                sb.AppendLine($"    let a{i} = match crate::wasql_gen::{(args[i].Optional ? "json_param_opt" : "json_param")}(unsafe {{ crate::wasql_gen::text_arg(p{i}, l{i}, {flag}) }}, &mut o{i}, {i + 1}) {{ Some(v) => v, None => return {nullReturn} }};");
                continue;
            }
            string raw = args[i].Carrier switch
            {
                SqlType.Text => $"unsafe {{ crate::wasql_gen::{(held ? "held_text" : "text_arg")}(p{i}, l{i}, {flag}) }}",
                SqlType.Bytea => $"unsafe {{ crate::wasql_gen::{(held ? "held_bytes" : "bytes_arg")}(p{i}, l{i}, {flag}) }}",
                SqlType.Boolean => nulls ? $"if n{i} != 0 {{ None }} else {{ Some(p{i} != 0) }}" : $"Some(p{i} != 0)",
                var t => nulls ? $"if n{i} != 0 {{ None }} else {{ Some(p{i} as {Raw(t)}) }}" : $"Some(p{i} as {Raw(t)})",
            };
            string rawType = args[i].Carrier switch
            {
                SqlType.Text => held ? "&'static str" : "&str",
                SqlType.Bytea => held ? "&'static [u8]" : "&[u8]",
                var t => Raw(t),
            };
            sb.AppendLine($"    let a{i} = match <_ as crate::wasql_gen::FromSql<{rawType}>>::from_sql({raw}) {{ Some(v) => v, None => return {nullReturn} }};");
        }
    }

    private static string Call(Arg[] args) => string.Join(", ", args.Select((_, i) => $"a{i}"));

    private static string Raw(SqlType t) => t switch
    {
        SqlType.Int2 => "i16", SqlType.Int4 => "i32", SqlType.Int8 => "i64", SqlType.Float4 => "f32", SqlType.Float8 => "f64",
        SqlType.Boolean => "bool", _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    private static string Wasm(SqlType t) => t switch
    {
        SqlType.Int8 => "i64", SqlType.Float4 => "f32", SqlType.Float8 => "f64", SqlType.Text or SqlType.Bytea => "i64", _ => "i32",
    };

    private static string Sdk()
    {
        using var s = typeof(RustWrapper).Assembly.GetManifestResourceStream("wasql_udf.rs")!;
        return new StreamReader(s).ReadToEnd();
    }
}
