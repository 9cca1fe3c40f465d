// The options of a direct-ABI function beyond its types, kept in the definition's options (WITH (...) for LANGUAGE
// wasm; written by the generated wrappers of LANGUAGE rust): how NULL arguments and results travel (sdk/DIRECT_ABI.md).
using System.Text.Json;
using Wasql.Database.Compilers;

namespace Wasql.Database.Functions;

internal static class DirectOptions
{
    /// <summary><c>null_input = 'call'</c>: the function is called on NULL input, each argument with a NULL flag.</summary>
    public const string NullInput = "null_input";
    /// <summary><c>null_result = 'flag'</c>: a numeric result may be NULL (the host asks <c>wasql_result_null</c>).</summary>
    public const string NullResult = "null_result";
    public const string Call = "call", Flag = "flag";

    public static void Write(Dictionary<string, string> options, WrapperShape shape)
    {
        options.Remove(NullInput);
        options.Remove(NullResult);
        if (shape.CalledOnNullInput) options[NullInput] = Call;
        if (shape.NullableResult) options[NullResult] = Flag;
    }

    /// <summary>Reads the flags from a stored options JSON object (null: none). Malformed JSON or an unknown value is
    /// a WasqlException, which the registry turns into the function's load error.</summary>
    public static WrapperShape Read(string? json)
    {
        if (string.IsNullOrEmpty(json)) return new WrapperShape(false, false);
        Dictionary<string, string>? map;
        try { map = JsonSerializer.Deserialize<Dictionary<string, string>>(json); }
        catch (JsonException e) { throw new WasqlException(SqlStates.DataCorrupted, $"function options are not a JSON object of strings: {e.Message}"); }
        map = new Dictionary<string, string>(map ?? [], StringComparer.OrdinalIgnoreCase);
        return new WrapperShape(IsOn(map, NullInput, Call, "strict"), IsOn(map, NullResult, Flag, "none"));
    }

    private static bool IsOn(Dictionary<string, string> map, string key, string on, string off)
    {
        if (!map.TryGetValue(key, out var v)) return false;
        if (v.Equals(on, StringComparison.OrdinalIgnoreCase)) return true;
        if (v.Equals(off, StringComparison.OrdinalIgnoreCase)) return false;
        throw new WasqlException(SqlStates.InvalidParameterValue, $"option {key} must be '{on}' or '{off}', not '{v}'");
    }
}
