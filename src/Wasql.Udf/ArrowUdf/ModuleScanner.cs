// Load-time inspection of a module: finds ARROWUDF_VERSION_M_N, checks the exports the ABI requires, decodes
// every arrowudt_/arrowudf_ symbol into UdfTypes and ArrowUdfFunctions, and validates imports by instantiating once.
using Wasql.Wasm;

namespace Wasql.Udf.ArrowUdf;

internal static class ModuleScanner
{
    private static readonly string[] s_required = ["alloc", "dealloc", "record_batch_iterator_next", "record_batch_iterator_drop"];

    public static void Scan(UdfModule module, List<ArrowUdfFunction> functions)
    {
        var exports = module.Compiled.Exports;
        Version? version = null;
        foreach (var e in exports)
        {
            if (!e.Name.StartsWith("ARROWUDF_VERSION_", StringComparison.Ordinal)) continue;
            var parts = e.Name["ARROWUDF_VERSION_".Length..].Split('_');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int major) || !int.TryParse(parts[1], out int minor))
                throw Invalid(module, $"malformed version export '{e.Name}'");
            version = new Version(major, minor);
        }
        bool hasSymbols = exports.Any(e => e.Name.StartsWith(SymbolDecoder.FunctionPrefix, StringComparison.Ordinal));
        if (version is null)
        {
            if (hasSymbols) throw Invalid(module, "exports arrowudf_ functions but no ARROWUDF_VERSION_* global");
            return;
        }
        if (version.Major < 1 || version.Major > 3)
            throw Invalid(module, $"unsupported arrow-udf ABI version {version} (supported: 1.x to 3.x)");
        module.ArrowUdfVersion = version;

        var byName = exports.ToDictionary(e => e.Name, e => e, StringComparer.Ordinal);
        if (!byName.TryGetValue("memory", out var mem) || mem.Kind != ExternKind.Memory)
            throw Invalid(module, "missing export 'memory'");
        CheckFunc(module, byName, "alloc", [ValType.I32, ValType.I32], [ValType.I32]);
        CheckFunc(module, byName, "dealloc", [ValType.I32, ValType.I32, ValType.I32], []);
        CheckFunc(module, byName, "record_batch_iterator_next", [ValType.I32, ValType.I32], []);
        CheckFunc(module, byName, "record_batch_iterator_drop", [ValType.I32], []);
        _ = s_required;

        // Struct types first (ABI 2+); they may refer to each other, so resolve until no progress.
        var structs = new Dictionary<string, UdfType>(StringComparer.Ordinal);
        var pending = new List<(string Export, string Name, string Body)>();
        foreach (var e in exports)
        {
            if (!e.Name.StartsWith(SymbolDecoder.StructPrefix, StringComparison.Ordinal)) continue;
            string? text = SymbolDecoder.DecodeText(e.Name[SymbolDecoder.StructPrefix.Length..]);
            int eq = text?.IndexOf('=') ?? -1;
            if (text is null || eq <= 0) throw Invalid(module, $"cannot decode struct symbol '{e.Name}'");
            pending.Add((e.Name, text[..eq], text[(eq + 1)..]));
        }
        while (pending.Count > 0)
        {
            int before = pending.Count;
            for (int i = pending.Count - 1; i >= 0; i--)
            {
                var (_, name, body) = pending[i];
                var fields = new List<(string, UdfType)>();
                bool ok = true;
                foreach (var part in SymbolDecoder.SplitTopLevel(body))
                {
                    int colon = part.IndexOf(':');
                    var t = colon > 0 ? TryParse(part[(colon + 1)..], version.Major, structs) : null;
                    if (t is null) { ok = false; break; }
                    fields.Add((part[..colon], t));
                }
                if (!ok) continue;
                structs[name] = TypeVocabulary.Struct("struct " + name, name, fields);
                pending.RemoveAt(i);
            }
            if (pending.Count == before)
                throw Invalid(module, $"cannot resolve struct type '{pending[0].Name}={pending[0].Body}' (symbol {pending[0].Export})");
        }
        module.StructTypes = structs;

        foreach (var e in exports)
        {
            if (!e.Name.StartsWith(SymbolDecoder.FunctionPrefix, StringComparison.Ordinal)) continue;
            string? text = SymbolDecoder.DecodeText(e.Name[SymbolDecoder.FunctionPrefix.Length..]);
            var parsed = text is null ? null : SymbolDecoder.ParseFunction(text);
            if (parsed is not { } p) throw Invalid(module, $"cannot decode function symbol '{e.Name}'{(text is null ? "" : $" ('{text}')")}");
            if (e.Type is not FuncType ft || !ft.Params.SequenceEqual([ValType.I32, ValType.I32, ValType.I32]) || !ft.Results.SequenceEqual([ValType.I32]))
                throw Invalid(module, $"function symbol '{text}' must have type (i32, i32, i32) -> i32");
            var args = new List<UdfType>();
            foreach (var a in p.Args)
                args.Add(TryParse(a, version.Major, structs) ?? throw Invalid(module, $"unknown type '{a}' in '{text}' (ABI {version})"));
            var ret = TryParse(p.Return, version.Major, structs) ?? throw Invalid(module, $"unknown type '{p.Return}' in '{text}' (ABI {version})");
            functions.Add(new ArrowUdfFunction(module, e.Name, text!, p.Name, args, ret, p.Table ? UdfFunctionKind.Table : UdfFunctionKind.Scalar));
        }
    }

    private static UdfType? TryParse(string name, int major, IReadOnlyDictionary<string, UdfType> structs)
    {
        try { return TypeVocabulary.Parse(name, major, structs); }
        catch (FormatException) { return null; }
    }

    private static void CheckFunc(UdfModule module, Dictionary<string, ExportDescriptor> byName, string name, ValType[] ps, ValType[] rs)
    {
        if (!byName.TryGetValue(name, out var e) || e.Type is not FuncType ft)
            throw Invalid(module, $"missing function export '{name}'");
        if (!ft.Params.SequenceEqual(ps) || !ft.Results.SequenceEqual(rs))
            throw Invalid(module, $"export '{name}' has type {ft}, expected ({string.Join(", ", ps.Select(p => p.Name()))}) -> ({string.Join(", ", rs.Select(p => p.Name()))})");
    }

    private static UdfException Invalid(UdfModule module, string message) =>
        new(UdfErrorKind.InvalidModule, null, $"module '{module.Name}': {message}");
}
