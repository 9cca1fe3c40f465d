// `wasql inspect module.wasm`: imports, exports, features used and memory limits of a module.
using Wasql.Wasm;
using Wasql.Wasm.Binary;
using Wasql.Wasm.Validation;

namespace Wasql.Cli.Commands;

internal static class InspectCommand
{
    public static int Run(string[] args)
    {
        if (args.Length != 1) throw new UsageException("usage: wasql inspect module.wasm");
        var path = args[0];
        if (!File.Exists(path)) throw new UsageException($"no such file: {path}");
        var bytes = File.ReadAllBytes(path);
        Wasql.Wasm.Model.ModuleInfo m;
        try
        {
            m = ModuleDecoder.Decode(bytes);
            ModuleValidator.Validate(m);
        }
        catch (WasmException e)
        {
            Console.Error.WriteLine($"wasql: {path}: {e.Message}");
            return 1;
        }

        var o = Console.Out;
        o.WriteLine($"module: {path} ({bytes.Length:N0} bytes){(m.ModuleName is { } n ? $", name \"{n}\"" : "")}");
        o.WriteLine($"functions: {m.DefinedFunctionCount} defined, {m.ImportedFunctionCount} imported; types: {m.Types.Count}; globals: {m.Globals.Count}; tables: {m.Tables.Count}");
        var features = FeatureScanner.Scan(m);
        o.WriteLine($"features: {(features == WasmFeatures.None ? "MVP only" : "MVP + " + features.ToString().ToLowerInvariant())}");
        foreach (var mem in m.Memories)
            o.WriteLine($"memory: min {mem.Limits.Min} pages ({(long)mem.Limits.Min * 64} KiB), max {(mem.Limits.Max is uint max ? $"{max} pages ({(long)max * 64} KiB)" : "none")}{(m.ImportedMemoryCount > 0 ? " (imported)" : "")}");

        o.WriteLine($"imports ({m.Imports.Count}):");
        foreach (var i in m.Imports)
            o.WriteLine($"  {i.Module}::{i.Name}  {Describe(i.Kind, i.Kind == ExternKind.Func ? m.Types[(int)i.TypeIndex] : i.Table ?? (object?)i.Memory ?? i.Global)}");
        o.WriteLine($"exports ({m.Exports.Count}):");
        foreach (var e in m.Exports)
        {
            object type = e.Kind switch
            {
                ExternKind.Func => m.FunctionType(e.Index),
                ExternKind.Table => m.Tables[(int)e.Index],
                ExternKind.Memory => m.Memories[(int)e.Index],
                _ => m.Globals[(int)e.Index],
            };
            o.WriteLine($"  {e.Name}  {Describe(e.Kind, type)}");
        }
        if (m.StartFunction is uint s) o.WriteLine($"start: {m.FunctionDisplayName(s)}");
        var customs = m.CustomSections.Select(c => $"{c.Name} ({c.Bytes.Length} bytes)").ToList();
        if (customs.Count > 0) o.WriteLine($"custom sections: {string.Join(", ", customs)}");
        return 0;
    }

    private static string Describe(ExternKind kind, object? type) => kind switch
    {
        ExternKind.Func => $"func {type}",
        ExternKind.Table => type is TableType t ? $"table {t.ElementType.Name()} {t.Limits}" : "table",
        ExternKind.Memory => type is MemoryType mt ? $"memory {mt.Limits}" : "memory",
        _ => $"global {type}",
    };
}
