// The inline-C source: the SDK header (sdk/c/wasql_udf.h), the user's code (as udf.c, line 1 = the body's first line),
// and, for a function written in the natural form (one C parameter per SQL argument, with text/bytea among them), a
// generated direct-ABI export around it:
// - text arrives as a NUL-terminated `const char *`, bytea as `wasql_bytes { data, len }`; SQL NULL as a null pointer
//   (data = 0), which is the C convention for NULL; a NULL number makes the result NULL (strict in numbers);
// - a `char *` / `const char *` result is copied (up to its NUL), a `wasql_bytes` result likewise; a null pointer
//   (data = 0) is NULL. Result blocks may come from wasql_alloc, a static buffer or a literal: the wrapper copies the
//   result to where the call's scratch allocations began, so the arena stays bounded row after row.
// Functions in the raw direct-ABI form (ptr, len pairs; wasql_result) and numbers-only functions are exported as
// written, strict, as before.
using System.Text;
using System.Text.RegularExpressions;
using Wasql.Udf;

namespace Wasql.Database.Compilers;

internal static partial class CWrapper
{
    public const string FileName = "udf.c";

    public static GeneratedSource Generate(string name, IReadOnlyList<string> args, string result, string body, string header, int position)
    {
        var carriers = args.Append(result).Select(t => Functions.TypeNames.DirectCarrier(t)
            ?? throw new WasqlException(SqlStates.FeatureNotSupported, $"type {t} is not supported by LANGUAGE c (direct ABI: int2, int4, int8, float4, float8, boolean, text, bytea; decimal, date, time, timestamp[tz], interval and json as text; arrays and structs as JSON text)", position)).ToArray();
        var argTypes = carriers[..^1];
        var resultType = carriers[^1];
        int bodyLines = body.Split('\n').Length;
        var source = new StringBuilder(header).Append("\n#line 1 \"udf.c\"\n").Append(body).Append('\n');
        bool pointers = carriers.Any(c => !SqlTypes.IsNumeric(c));
        int? parameters = ParameterCount(body, name);
        if (!pointers || parameters != args.Count)
            return new GeneratedSource("c", FileName, source.ToString(), bodyLines, new WrapperShape(false, false), LinkerExport: true);

        source.Append("#line 1 \"wasql_wrapper.c\"\n");
        source.Append("static int32_t wasql__null_flag;\n");
        source.Append("static int32_t wasql__null(void) { wasql__null_flag = 1; return 0; }\n");
        source.Append("__attribute__((export_name(\"" + DirectExports.ResultNull + "\"))) int32_t wasql__result_null(void) { int32_t n = wasql__null_flag; wasql__null_flag = 0; return n; }\n");
        var ps = new List<string>();
        var call = new List<string>();
        var prologue = new StringBuilder();
        for (int i = 0; i < argTypes.Length; i++)
        {
            switch (argTypes[i])
            {
                case SqlType.Text:
                    ps.Add($"int32_t p{i}, int32_t l{i}, int32_t n{i}");
                    call.Add($"n{i} ? (const char *)0 : wasql__cstr(p{i}, l{i})");
                    break;
                case SqlType.Bytea:
                    ps.Add($"int32_t p{i}, int32_t l{i}, int32_t n{i}");
                    call.Add($"wasql__bytes_arg(p{i}, l{i}, n{i})");
                    break;
                default:
                    ps.Add($"{CType(argTypes[i])} p{i}, int32_t n{i}");
                    prologue.Append($"    if (n{i}) return {NullResult(resultType)};\n");
                    call.Add($"p{i}");
                    break;
            }
        }
        string ret = SqlTypes.IsNumeric(resultType) ? CType(resultType) : "int64_t";
        source.Append($"__attribute__((export_name(\"{name}\"))) {ret} wasql__export_{name}({string.Join(", ", ps)}) {{\n");
        source.Append(prologue);
        source.Append("    wasql__mark mark = wasql__mark_now();\n");
        string invoke = $"{name}({string.Join(", ", call)})";
        source.Append(resultType switch
        {
            SqlType.Text => $"    return wasql__text_result(mark, {invoke});\n",
            SqlType.Bytea => $"    return wasql__bytes_result(mark, {invoke});\n",
            _ => $"    {ret} r = {invoke};\n    wasql__release(mark);\n    return r;\n",
        });
        source.Append("}\n");
        return new GeneratedSource("c", FileName, source.ToString(), bodyLines,
            new WrapperShape(CalledOnNullInput: true, NullableResult: SqlTypes.IsNumeric(resultType)), LinkerExport: false);
    }

    private static string NullResult(SqlType result) => SqlTypes.IsNumeric(result) ? $"({CType(result)})wasql__null()" : "WASQL_NULL_RESULT";

    private static string CType(SqlType t) => t switch
    {
        SqlType.Int8 => "int64_t", SqlType.Float4 => "float", SqlType.Float8 => "double", _ => "int32_t",
    };

    /// <summary>The number of parameters of <c>name(...)</c>'s first declaration in the body (<c>(void)</c> is 0), or
    /// null when it is not found.</summary>
    public static int? ParameterCount(string body, string name)
    {
        var m = Regex.Match(body, @"\b" + Regex.Escape(name) + @"\s*\(([^)]*)\)");
        if (!m.Success) return null;
        var inner = m.Groups[1].Value.Trim();
        if (inner.Length == 0 || inner == "void") return 0;
        return inner.Split(',').Length;
    }
}
