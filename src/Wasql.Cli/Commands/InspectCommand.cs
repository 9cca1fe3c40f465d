// `wasql inspect module.wasm`: imports, exports, features used and memory limits of a module.
using Wasql.Wasm;

namespace Wasql.Cli.Commands;

internal static class InspectCommand
{
    public static int Run(string[] args)
    {
        if (args.Length != 1) throw new UsageException("usage: wasql inspect module.wasm");
        var path = args[0];
        if (!File.Exists(path)) throw new UsageException($"no such file: {path}");
        var bytes = File.ReadAllBytes(path);
        ModuleMetadata m;
        try
        {
            m = Module.Inspect(bytes);
        }
        catch (WasmException e)
        {
            Console.Error.WriteLine($"wasql: {path}: {e.Message}");
            return 1;
        }

        var o = Console.Out;
        o.WriteLine($"module: {path} ({bytes.Length:N0} bytes){(m.Name is { } n ? $", name \"{n}\"" : "")}");
        o.WriteLine($"functions: {m.DefinedFunctions} defined, {m.ImportedFunctions} imported; types: {m.Types}; globals: {m.Globals}; tables: {m.Tables}");
        var features = m.Features;
        o.WriteLine($"features: {(features == WasmFeatures.None ? "MVP only" : "MVP + " + features.ToString().ToLowerInvariant())}");
        foreach (var mem in m.Memories)
            o.WriteLine($"memory: min {mem.Limits.Min} pages ({(long)mem.Limits.Min * 64} KiB), max {(mem.Limits.Max is uint max ? $"{max} pages ({(long)max * 64} KiB)" : "none")}{(m.ImportedMemories > 0 ? " (imported)" : "")}");

        o.WriteLine($"imports ({m.Imports.Count}):");
        foreach (var i in m.Imports)
            o.WriteLine($"  {i.Module}::{i.Name}  {Describe(i.Kind, i.Type)}");
        o.WriteLine($"exports ({m.Exports.Count}):");
        foreach (var e in m.Exports)
            o.WriteLine($"  {e.Name}  {Describe(e.Kind, e.Type)}");
        if (m.StartFunction is { } start) o.WriteLine($"start: {start}");
        var customs = m.CustomSections.Select(c => $"{c.Name} ({c.Size} bytes)").ToList();
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
