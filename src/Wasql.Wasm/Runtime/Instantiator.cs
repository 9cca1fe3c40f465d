// Instantiation per the Wasm 2.0 spec: check import types, allocate tables/memory/globals, create the
// function objects, then run active element and data segments in order and finally the start function.
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Runtime;

internal static class Instantiator
{
    public static Instance Instantiate(Store store, Module module, Extern[] imports)
    {
        ObjectDisposedException.ThrowIf(store.IsDisposed, store);
        if (module.Engine != store.Engine) throw new LinkException("the module was compiled by a different engine than the store's");
        var m = module.Info;
        var instance = new Instance(module, store);
        var ctx = new VmContext { Exec = store.Exec, Instance = instance };

        var functions = new Function[m.FunctionTypes.Count];
        var tables = new Table[m.Tables.Count];
        var globals = new Global[m.Globals.Count];
        int fi = 0, ti = 0, gi = 0;
        Memory? memory = null;
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
                    functions[fi++] = f.BindCaller(instance);
                    break;
                case ExternKind.Table:
                    if (e is not Table t) throw Incompatible(what, "a table", e);
                    var tt = imp.Table!;
                    var actual = new Limits(t.Size, t.Type.Limits.Max);
                    if (t.Type.ElementType != tt.ElementType || !actual.IsSubtypeOf(tt.Limits))
                        throw new LinkException($"incompatible import type for {what}: expected table {tt.ElementType.Name()} {tt.Limits}, got {t.Type.ElementType.Name()} {actual}");
                    tables[ti++] = t;
                    break;
                case ExternKind.Memory:
                    if (e is not Memory mem) throw Incompatible(what, "a memory", e);
                    var ml = new Limits(mem.Pages, mem.Type.Limits.Max);
                    if (!ml.IsSubtypeOf(imp.Memory!.Limits))
                        throw new LinkException($"incompatible import type for {what}: expected memory {imp.Memory.Limits}, got {ml}");
                    memory = mem;
                    break;
                case ExternKind.Global:
                    if (e is not Global g) throw Incompatible(what, "a global", e);
                    if (g.Type != imp.Global) throw new LinkException($"incompatible import type for {what}: expected global {imp.Global}, got {g.Type}");
                    globals[gi++] = g;
                    break;
            }
        }

        var compiled = module.Compiled;
        for (int i = 0; i < compiled.Methods.Length; i++)
        {
            uint index = (uint)(m.ImportedFunctionCount + i);
            functions[index] = new Function(store, m.FunctionType(index), ctx, compiled.Methods[i].MethodHandle.GetFunctionPointer(),
                m.FunctionDisplayName(index));
        }
        ctx.Functions = functions;
        ctx.Tiers = compiled.Tiers;
        ctx.TypeIds = compiled.TypeIds;
        compiled.Tiers?.Register(functions, m.ImportedFunctionCount);

        for (int i = m.ImportedTableCount; i < m.Tables.Count; i++) tables[i] = new Table(m.Tables[i], null, store.Limits);
        ctx.Tables = tables;
        if (memory is null && m.Memories.Count > 0) memory = store.Track(new Memory(m.Memories[0], store.Limits));
        ctx.Memory = memory;
        instance.DefaultMemory = memory;

        for (int i = 0; i < m.GlobalDefs.Count; i++)
        {
            var def = m.GlobalDefs[i];
            globals[m.ImportedGlobalCount + i] = new Global(def.Type, Evaluate(def.Init, def.Type.Type, globals, functions));
        }
        ctx.Globals = globals;

        ctx.Elements = m.Elements.Select(seg => seg.Items.Select(item => Evaluate(item, seg.ElementType, globals, functions).Ref).ToArray()).ToArray();
        ctx.Data = m.Data.Select(d => d.Bytes).ToArray();

        foreach (var ex in m.Exports)
        {
            instance.AddExport(ex.Name, ex.Kind switch
            {
                ExternKind.Func => functions[ex.Index],
                ExternKind.Table => tables[ex.Index],
                ExternKind.Memory => memory!,
                _ => globals[ex.Index],
            });
        }

        for (int i = 0; i < m.Elements.Count; i++)
        {
            var seg = m.Elements[i];
            if (seg.Mode == SegmentMode.Active)
            {
                int offset = Evaluate(seg.Offset, ValType.I32, globals, functions).I32;
                VmHelpers.TableInit(offset, 0, seg.Items.Length, tables[seg.TableIndex], i, ctx);
            }
            if (seg.Mode != SegmentMode.Passive) ctx.Elements[i] = [];
        }
        for (int i = 0; i < m.Data.Count; i++)
        {
            var seg = m.Data[i];
            if (seg.Mode != SegmentMode.Active) continue;
            int offset = Evaluate(seg.Offset, ValType.I32, globals, functions).I32;
            VmHelpers.MemoryInit(offset, 0, seg.Bytes.Length, i, ctx);
            ctx.Data[i] = default;
        }

        if (m.StartFunction is uint start) functions[start].Invoke();
        return instance;
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
