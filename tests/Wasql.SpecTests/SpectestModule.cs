// The `spectest` host module the suite imports: print functions that print nothing, the four 666
// globals, a 10..20 funcref table and a 1..2 page memory. Created once per file, in that file's store.
using Wasql.Wasm;

namespace Wasql.SpecTests;

public static class SpectestModule
{
    public const string Name = "spectest";

    /// <summary>Defines every spectest export in <paramref name="linker"/>, owned by <paramref name="store"/>.</summary>
    public static void Define(Linker linker, Store store)
    {
        void Print(string name, params ValType[] parameters) =>
            linker.Define(Name, name, Function.Create(store, new FuncType(parameters, []), static (_, _, _) => { }, $"{Name}::{name}"));

        Print("print");
        Print("print_i32", ValType.I32);
        Print("print_i64", ValType.I64);
        Print("print_f32", ValType.F32);
        Print("print_f64", ValType.F64);
        Print("print_i32_f32", ValType.I32, ValType.F32);
        Print("print_f64_f64", ValType.F64, ValType.F64);

        linker.Define(Name, "global_i32", Global.Create(store, new GlobalType(ValType.I32, false), Value.FromI32(666)));
        linker.Define(Name, "global_i64", Global.Create(store, new GlobalType(ValType.I64, false), Value.FromI64(666)));
        linker.Define(Name, "global_f32", Global.Create(store, new GlobalType(ValType.F32, false), Value.FromF32(666.6f)));
        linker.Define(Name, "global_f64", Global.Create(store, new GlobalType(ValType.F64, false), Value.FromF64(666.6)));

        linker.Define(Name, "table", Table.Create(store, new TableType(ValType.FuncRef, new Limits(10, 20))));
        linker.Define(Name, "memory", Memory.Create(store, new MemoryType(new Limits(1, 2))));
    }
}
