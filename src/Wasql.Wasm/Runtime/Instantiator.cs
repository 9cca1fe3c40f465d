// Instantiation per the Wasm 2.0 spec: check import types, allocate tables/memory/globals, create the
// function objects, then run active element and data segments in order and finally the start function.
using Wasql.Wasm.Model;
using Wasql.Wasm.Vm;

namespace Wasql.Wasm.Runtime;

internal static class Instantiator
{
    /// <summary>The instance being built: its index spaces, filled phase by phase (imports first, as in the spec).</summary>
    private sealed class Spaces(ModuleInfo m)
    {
        public readonly Function[] Functions = new Function[m.FunctionTypes.Count];
        public readonly Table[] Tables = new Table[m.Tables.Count];
        public readonly Global[] Globals = new Global[m.Globals.Count];
        public Memory? Memory;
    }

    public static Instance Instantiate(Store store, Module module, Extern[] imports)
    {
        ObjectDisposedException.ThrowIf(store.IsDisposed, store);
        ObjectDisposedException.ThrowIf(module.IsDisposed, module);
        if (module.Engine != store.Engine) throw new LinkException("the module was compiled by a different engine than the store's");
        var m = module.Info;
        var instance = new Instance(module, store);
        var ctx = new VmContext { Exec = store.Exec, Instance = instance };
        var spaces = new Spaces(m);

        CheckImports(m, store, instance, imports, spaces);
        AllocateFunctions(module, store, ctx, spaces);
        AllocateTables(m, store, ctx, spaces);
        AllocateMemory(m, store, instance, ctx, spaces);
        AllocateGlobals(m, ctx, spaces);
        ctx.Elements = m.Elements.Select(seg => seg.Items.Select(item => Evaluate(item, seg.ElementType, spaces.Globals, spaces.Functions).Ref).ToArray()).ToArray();
        ctx.Data = m.Data.Select(d => d.Bytes).ToArray();
        AddExports(m, instance, spaces);
        InitializeTables(m, ctx, spaces);
        InitializeMemory(m, ctx, spaces);
        if (m.StartFunction is uint start) spaces.Functions[start].Invoke();
        return instance;
    }

    /// <summary>Checks each import against the module's declared type and puts it first in its index space.</summary>
    private static void CheckImports(ModuleInfo m, Store store, Instance instance, Extern[] imports, Spaces spaces)
    {
        int fi = 0, ti = 0, gi = 0;
        for (int i = 0; i < imports.Length; i++)
        {
            var imp = m.Imports[i];
            var e = imports[i];
            string what = $"{imp.Module}::{imp.Name}";
            switch (imp.Kind)
            {
                case ExternKind.Func:
                    var expected = m.Types[(int)imp.TypeIndex];
                    if (e is not Function f) throw Incompatible(what, "a function", e);
                    if (!f.Type.Equals(expected)) throw new LinkException($"incompatible import type for {what}: expected function {expected}, got {f.Type}");
                    // A function runs against its own store's limits, fuel and data: it cannot serve another store.
                    if (f.Store != store)
                        throw new LinkException($"import {what}: the function belongs to another store (define host functions on the store you instantiate into)");
                    spaces.Functions[fi++] = f.BindCaller(instance);
                    break;
                case ExternKind.Table:
                    if (e is not Table t) throw Incompatible(what, "a table", e);
                    var tt = imp.Table!;
                    var actual = new Limits(t.Size, t.Type.Limits.Max);
                    if (t.Type.ElementType != tt.ElementType || !actual.IsSubtypeOf(tt.Limits))
                        throw new LinkException($"incompatible import type for {what}: expected table {tt.ElementType.Name()} {tt.Limits}, got {t.Type.ElementType.Name()} {actual}");
                    spaces.Tables[ti++] = t;
                    break;
                case ExternKind.Memory:
                    if (e is not Memory mem) throw Incompatible(what, "a memory", e);
                    var ml = new Limits(mem.Pages, mem.Type.Limits.Max);
                    if (!ml.IsSubtypeOf(imp.Memory!.Limits))
                        throw new LinkException($"incompatible import type for {what}: expected memory {imp.Memory.Limits}, got {ml}");
                    spaces.Memory = mem;
                    break;
                case ExternKind.Global:
                    if (e is not Global g) throw Incompatible(what, "a global", e);
                    if (g.Type != imp.Global) throw new LinkException($"incompatible import type for {what}: expected global {imp.Global}, got {g.Type}");
                    spaces.Globals[gi++] = g;
                    break;
            }
        }
    }

    /// <summary>A Function object per defined function, over its compiled code; a tiered module's instances switch to
    /// optimized code as it appears.</summary>
    private static void AllocateFunctions(Module module, Store store, VmContext ctx, Spaces spaces)
    {
        var m = module.Info;
        var compiled = module.Compiled;
        for (int i = 0; i < compiled.Methods.Length; i++)
        {
            uint index = (uint)(m.ImportedFunctionCount + i);
            spaces.Functions[index] = new Function(store, m.FunctionType(index), ctx, compiled.Methods[i].MethodHandle.GetFunctionPointer(),
                m.FunctionDisplayName(index));
        }
        ctx.Functions = spaces.Functions;
        ctx.Tiers = compiled.Tiers;
        ctx.TypeIds = compiled.TypeIds;
        compiled.Tiers?.Register(spaces.Functions, m.ImportedFunctionCount);
    }

    private static void AllocateTables(ModuleInfo m, Store store, VmContext ctx, Spaces spaces)
    {
        for (int i = m.ImportedTableCount; i < m.Tables.Count; i++) spaces.Tables[i] = new Table(m.Tables[i], null, store.Limits);
        ctx.Tables = spaces.Tables;
    }

    private static void AllocateMemory(ModuleInfo m, Store store, Instance instance, VmContext ctx, Spaces spaces)
    {
        if (spaces.Memory is null && m.Memories.Count > 0) spaces.Memory = store.Track(new Memory(m.Memories[0], store.Limits));
        ctx.Memory = spaces.Memory;
        instance.DefaultMemory = spaces.Memory;
    }

    /// <summary>Defined globals, in order (an initializer may read an imported global).</summary>
    private static void AllocateGlobals(ModuleInfo m, VmContext ctx, Spaces spaces)
    {
        for (int i = 0; i < m.GlobalDefs.Count; i++)
        {
            var def = m.GlobalDefs[i];
            spaces.Globals[m.ImportedGlobalCount + i] = new Global(def.Type, Evaluate(def.Init, def.Type.Type, spaces.Globals, spaces.Functions));
        }
        ctx.Globals = spaces.Globals;
    }

    private static void AddExports(ModuleInfo m, Instance instance, Spaces spaces)
    {
        foreach (var ex in m.Exports)
        {
            instance.AddExport(ex.Name, ex.Kind switch
            {
                ExternKind.Func => spaces.Functions[ex.Index],
                ExternKind.Table => spaces.Tables[ex.Index],
                ExternKind.Memory => spaces.Memory!,
                _ => spaces.Globals[ex.Index],
            });
        }
    }

    /// <summary>Active element segments in order (a failing one traps, leaving earlier ones applied, per the spec);
    /// active and declarative segments are dropped afterwards.</summary>
    private static void InitializeTables(ModuleInfo m, VmContext ctx, Spaces spaces)
    {
        for (int i = 0; i < m.Elements.Count; i++)
        {
            var seg = m.Elements[i];
            if (seg.Mode == SegmentMode.Active)
            {
                int offset = Evaluate(seg.Offset, ValType.I32, spaces.Globals, spaces.Functions).I32;
                VmHelpers.TableInit(offset, 0, seg.Items.Length, spaces.Tables[seg.TableIndex], i, ctx);
            }
            if (seg.Mode != SegmentMode.Passive) ctx.Elements[i] = [];
        }
    }

    /// <summary>Active data segments in order, each dropped once copied.</summary>
    private static void InitializeMemory(ModuleInfo m, VmContext ctx, Spaces spaces)
    {
        for (int i = 0; i < m.Data.Count; i++)
        {
            var seg = m.Data[i];
            if (seg.Mode != SegmentMode.Active) continue;
            int offset = Evaluate(seg.Offset, ValType.I32, spaces.Globals, spaces.Functions).I32;
            VmHelpers.MemoryInit(offset, 0, seg.Bytes.Length, i, ctx);
            ctx.Data[i] = default;
        }
    }

    private static LinkException Incompatible(string what, string expected, Extern got) =>
        new($"incompatible import type for {what}: expected {expected}, got a {got.Kind.ToString().ToLowerInvariant()}");

    private static Value Evaluate(ConstExpr e, ValType type, Global[] globals, Function[] functions) => e.Kind switch
    {
        ConstKind.I32 => Value.FromI32((int)e.Bits),
        ConstKind.I64 => Value.FromI64(e.Bits),
        ConstKind.F32 => Value.FromF32Bits((uint)e.Bits),
        ConstKind.F64 => Value.FromF64Bits((ulong)e.Bits),
        ConstKind.V128 => Value.FromV128(e.Bits, (long)e.BitsHigh),
        ConstKind.RefNull => Value.Null(e.RefType),
        ConstKind.RefFunc => Value.FromFuncRef(functions[e.Index]),
        ConstKind.GlobalGet => globals[e.Index].Value,
        _ => throw new InvalidModuleException("constant expression required"),
    };
}
