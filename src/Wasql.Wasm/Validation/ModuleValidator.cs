// Entry point of validation and the module-level rules: type indices, imports, limits, the single
// memory, globals, element and data segments, start function and exports. Function bodies are then
// checked by FunctionValidator against the ValidationContext built here.
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Validation;

internal static class ModuleValidator
{
    /// <summary>Largest memory in 64 KiB pages (4 GiB).</summary>
    public const uint MaxMemoryPages = 65536;

    /// <summary>Validates a decoded module; throws on the first error.</summary>
    /// <exception cref="InvalidModuleException">the module does not validate</exception>
    /// <exception cref="MalformedModuleException">a function body's instruction stream is malformed</exception>
    public static void Validate(ModuleInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        try
        {
            var context = ValidateModuleLevel(info);
            var functions = new FunctionValidator(context);
            for (int i = 0; i < info.Bodies.Count; i++)
                functions.Validate(info.ImportedFunctionCount + i, info.Bodies[i]);
        }
        catch (InvalidModuleException)
        {
            // The spec decodes everything before validating: a malformed body anywhere takes precedence.
            BodyScanner.ThrowIfAnyMalformed(info);
            throw;
        }
    }

    private static ValidationContext ValidateModuleLevel(ModuleInfo info)
    {
        // Function signatures (imported and defined).
        var funcTypes = new FuncType[info.FunctionTypes.Count];
        for (int i = 0; i < funcTypes.Length; i++)
        {
            uint ti = info.FunctionTypes[i];
            if (ti >= (uint)info.Types.Count)
                throw new InvalidModuleException($"unknown type {ti}: func[{i}] names a type index out of range ({info.Types.Count} types)");
            funcTypes[i] = info.Types[(int)ti];
        }

        for (int i = 0; i < info.Tables.Count; i++)
            CheckLimits(info.Tables[i].Limits, uint.MaxValue, $"table {i}", "");
        if (info.Memories.Count > 1)
            throw new InvalidModuleException($"multiple memories: the module has {info.Memories.Count} (imported or defined), at most one is allowed");
        for (int i = 0; i < info.Memories.Count; i++)
            CheckLimits(info.Memories[i].Limits, MaxMemoryPages, $"memory {i}", "memory size must be at most 65536 pages (4GiB)");

        var declared = new bool[funcTypes.Length];

        for (int i = 0; i < info.GlobalDefs.Count; i++)
        {
            var def = info.GlobalDefs[i];
            int index = info.ImportedGlobalCount + i;
            ConstExprRules.Check(info, def.Init, def.Type.Type, $"the initialiser of global {index}");
            Declare(declared, def.Init);
        }

        for (int i = 0; i < info.Elements.Count; i++)
        {
            var seg = info.Elements[i];
            string where = $"element segment {i}";
            if (seg.Mode == SegmentMode.Active)
            {
                if (seg.TableIndex >= (uint)info.Tables.Count)
                    throw new InvalidModuleException($"unknown table {seg.TableIndex} in {where}");
                ConstExprRules.Check(info, seg.Offset, ValType.I32, $"the offset of {where}");
                var tableType = info.Tables[(int)seg.TableIndex].ElementType;
                if (tableType != seg.ElementType)
                    throw new InvalidModuleException(
                        $"type mismatch in {where}: segment of {seg.ElementType.Name()} for table {seg.TableIndex} of {tableType.Name()}");
            }
            for (int k = 0; k < seg.Items.Length; k++)
            {
                ConstExprRules.Check(info, seg.Items[k], seg.ElementType, $"item {k} of {where}");
                Declare(declared, seg.Items[k]);
            }
        }

        for (int i = 0; i < info.Data.Count; i++)
        {
            var seg = info.Data[i];
            if (seg.Mode != SegmentMode.Active) continue;
            if (seg.MemoryIndex >= (uint)info.Memories.Count)
                throw new InvalidModuleException($"unknown memory {seg.MemoryIndex} in data segment {i}");
            ConstExprRules.Check(info, seg.Offset, ValType.I32, $"the offset of data segment {i}");
        }

        if (info.StartFunction is uint start)
        {
            if (start >= (uint)funcTypes.Length)
                throw new InvalidModuleException($"unknown function {start}: the start function does not exist");
            var t = funcTypes[start];
            if (t.Params.Length != 0 || t.Results.Length != 0)
                throw new InvalidModuleException($"start function {start} must have type [] -> [], it has {t}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var export in info.Exports)
        {
            if (!names.Add(export.Name))
                throw new InvalidModuleException($"duplicate export name \"{export.Name}\"");
            (int count, string what) = export.Kind switch
            {
                ExternKind.Func => (funcTypes.Length, "function"),
                ExternKind.Table => (info.Tables.Count, "table"),
                ExternKind.Memory => (info.Memories.Count, "memory"),
                _ => (info.Globals.Count, "global"),
            };
            if (export.Index >= (uint)count)
                throw new InvalidModuleException($"unknown {what} {export.Index} in export \"{export.Name}\"");
            if (export.Kind == ExternKind.Func) declared[export.Index] = true;
        }

        return new ValidationContext(info, funcTypes, declared);
    }

    private static void Declare(bool[] declared, in ConstExpr e)
    {
        if (e.Kind == ConstKind.RefFunc && e.Index < (uint)declared.Length) declared[e.Index] = true;
    }

    private static void CheckLimits(Limits limits, uint maxAllowed, string what, string tooLargeMessage)
    {
        if (limits.Min > maxAllowed || limits.Max > maxAllowed)
            throw new InvalidModuleException($"{tooLargeMessage}: {what} has limits {limits}");
        if (limits.Max is uint max && limits.Min > max)
            throw new InvalidModuleException($"size minimum must not be greater than maximum: {what} has limits {limits}");
    }
}
