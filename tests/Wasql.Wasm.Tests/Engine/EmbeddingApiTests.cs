// The embedding API end to end: typed and untyped calls, host functions with the caller's memory,
// multi-value, globals, tables and traps with wasm backtraces.
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class EmbeddingApiTests
{
    private static (Store Store, Linker Linker, Instance Instance) Load(string wat, Action<Store, Linker>? define = null, EngineConfig? config = null)
    {
        var engine = new Wasm.Engine(config);
        var store = new Store(engine);
        var linker = new Linker(engine);
        define?.Invoke(store, linker);
        var module = Module.Compile(engine, WatTool.Assemble(wat, debugNames: true));
        return (store, linker, linker.Instantiate(store, module));
    }

    [Fact]
    public void InspectDescribesAModuleWithoutCompilingIt()
    {
        var bytes = WatTool.Assemble("""
            (module $m
              (import "env" "log" (func $log (param i32)))
              (import "env" "mem" (memory 1 4))
              (global $g (mut i64) (i64.const 0))
              (table 2 funcref)
              (func $start (call $log (i32.const 1)))
              (func (export "pair") (result i32 i64) (i32.const 1) (i64.extend8_s (i64.const 2)))
              (export "g" (global $g))
              (start $start))
            """, debugNames: true);
        var m = Module.Inspect(bytes);
        Assert.Equal("m", m.Name);
        Assert.Equal((2, 1, 1, 1), (m.DefinedFunctions, m.ImportedFunctions, m.Globals, m.Tables));
        Assert.Equal(WasmFeatures.MutableGlobals | WasmFeatures.MultiValue | WasmFeatures.SignExtension, m.Features);
        Assert.Equal(1, m.ImportedMemories);
        Assert.Equal(new Limits(1, 4), Assert.Single(m.Memories).Limits);
        Assert.Equal(["env::log", "env::mem"], m.Imports.Select(i => $"{i.Module}::{i.Name}"));
        Assert.Equal(["pair:Func", "g:Global"], m.Exports.Select(e => $"{e.Name}:{e.Kind}"));
        Assert.Equal("start", m.StartFunction);
        Assert.Contains(m.CustomSections, c => c.Name == "name" && c.Size > 0);
        Assert.Throws<InvalidModuleException>(() => Module.Inspect(WatTool.Assemble("(module (func (result i32) (i64.const 1)))", check: false)));
        Assert.Throws<MalformedModuleException>(() => Module.Inspect([0, 0x61, 0x73]));
    }

    [Fact]
    public void TypedDelegateCallsExport()
    {
        var (_, _, inst) = Load("""
            (module (func (export "gcd") (param i32 i32) (result i32)
              (block (loop
                (br_if 1 (i32.eqz (local.get 1)))
                (local.get 1)
                (local.set 1 (i32.rem_u (local.get 0) (local.get 1)))
                (local.set 0)
                (br 0)))
              (local.get 0)))
            """);
        var gcd = inst.GetFunction<Func<int, int, int>>("gcd");
        Assert.Equal(6, gcd(48, 18));
        Assert.Equal(1, gcd(17, 5));
        Assert.Equal(7, gcd(7, 0));
    }

    [Fact]
    public void BackgroundPrecompilationRacesSafelyWithCalls()
    {
        var sb = new System.Text.StringBuilder("(module");
        for (int i = 0; i < 200; i++)
            sb.Append($" (func (export \"f{i}\") (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const {i})) (i32.const 1)))");
        sb.Append(')');
        var (_, _, inst) = Load(sb.ToString(), config: new EngineConfig { PrecompileInBackground = true });
        for (int round = 0; round < 3; round++)
            for (int i = 0; i < 200; i++)
                Assert.Equal(7 * i + 1, inst.GetFunction<Func<int, int>>($"f{i}")(7));
    }

    [Fact]
    public void UntypedInvokeChecksArguments()
    {
        var (_, _, inst) = Load("""(module (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1))))""");
        var add = inst.GetFunction("add")!;
        Assert.Equal(5L, add.Invoke(Value.FromI64(2), Value.FromI64(3))[0].I64);
        Assert.Throws<ArgumentException>(() => add.Invoke(Value.FromI32(2), Value.FromI64(3)));
        Assert.Throws<ArgumentException>(() => add.Invoke(Value.FromI64(2)));
        Assert.Throws<ArgumentException>(() => inst.GetFunction<Func<int, int, int>>("add"));
    }

    [Fact]
    public void HostFunctionSeesCallerMemory()
    {
        string? seen = null;
        var (_, _, inst) = Load("""
            (module
              (import "env" "log" (func $log (param i32 i32)))
              (memory 1)
              (data (i32.const 16) "hello, host")
              (func (export "run") (call $log (i32.const 16) (i32.const 11))))
            """, (store, linker) => linker.DefineFunction(store, "env", "log",
            (Action<Caller, int, int>)((caller, ptr, len) => seen = caller.GetMemory()!.ReadString(ptr, len))));
        inst.GetFunction<Action>("run")();
        Assert.Equal("hello, host", seen);
    }

    [Fact]
    public void MultiValueThroughHostAndGuest()
    {
        var (_, _, inst) = Load("""
            (module
              (import "env" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
              (import "env" "swap" (func $swap (param i64 f64) (result f64 i64)))
              (func $pair (param i32 i32) (result i32 i32) (call $divmod (local.get 0) (local.get 1)))
              (func (export "combine") (param i32 i32) (result i32)
                (call $pair (local.get 0) (local.get 1))
                (i32.mul (i32.const 1000))
                (i32.add))
              (func (export "swapped") (result i64) (local i64)
                (call $swap (i64.const 7) (f64.const 2.5)) (local.set 0) (drop) (local.get 0))
              (func (export "three") (result i32 i64 f32) (i32.const 1) (i64.const 2) (f32.const 3)))
            """, (store, linker) =>
        {
            linker.DefineFunction(store, "env", "divmod", (Func<int, int, (int, int)>)((a, b) => (a / b, a % b)));
            linker.DefineFunction(store, "env", "swap", new FuncType([ValType.I64, ValType.F64], [ValType.F64, ValType.I64]),
                (caller, args, results) =>
                {
                    results[0] = Value.FromF64(args[1].F64);
                    results[1] = Value.FromI64(args[0].I64);
                });
        });
        // divmod(47, 5) = (9, 2); 9 + 2 * 1000
        Assert.Equal(2009, inst.GetFunction<Func<int, int, int>>("combine")(47, 5));
        Assert.Equal(7L, inst.GetFunction<Func<long>>("swapped")());
        var three = inst.GetFunction("three")!.Invoke();
        Assert.Equal([Value.FromI32(1), Value.FromI64(2), Value.FromF32(3)], three);
    }

    [Fact]
    public void GlobalsTablesAndMemoryAreShared()
    {
        var engine = new Wasm.Engine();
        var store = new Store(engine);
        var linker = new Linker(engine);
        var counter = Global.Create(store, new GlobalType(ValType.I32, true), Value.FromI32(41));
        var memory = Memory.Create(store, new MemoryType(new Limits(1, 4)));
        linker.Define("env", "counter", counter).Define("env", "memory", memory);
        var inst = linker.Instantiate(store, Module.Compile(engine, WatTool.Assemble("""
            (module
              (import "env" "counter" (global $c (mut i32)))
              (import "env" "memory" (memory 1 4))
              (table (export "t") 2 funcref)
              (func $f (result i32) (i32.const 99))
              (elem (i32.const 1) $f)
              (func (export "bump") (result i32)
                (global.set $c (i32.add (global.get $c) (i32.const 1)))
                (i32.store (i32.const 8) (global.get $c))
                (memory.grow (i32.const 1))))
            """)));
        Assert.Equal(1, inst.GetFunction<Func<int>>("bump")());
        Assert.Equal(42, counter.Value.I32);
        Assert.Equal(42, memory.ReadInt32(8));
        Assert.Equal(2u, memory.Pages);
        var t = inst.GetTable("t")!;
        Assert.Null(t.Get(0));
        Assert.Equal(99, ((Function)t.Get(1)!).Invoke()[0].I32);
    }

    [Fact]
    public void TrapCarriesCodeAndWasmBacktrace()
    {
        var (_, _, inst) = Load("""
            (module
              (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
              (func $middle (param i32) (result i32) (call $inner (local.get 0)))
              (func (export "outer") (param i32) (result i32) (call $middle (local.get 0))))
            """);
        var outer = inst.GetFunction<Func<int, int>>("outer");
        var trap = Assert.Throws<TrapException>(() => outer(0));
        Assert.Equal(TrapCode.IntegerDivideByZero, trap.Code);
        // By default small functions may be inlined, merging their frames; the chain still ends at the export.
        Assert.Equal("outer", trap.Backtrace[^1]); // no name section entry: the export name
        Assert.Equal(1, outer(1)); // the instance stays usable
    }

    [Fact]
    public void DeepRecursionBacktracesAreCapped()
    {
        var (_, _, inst) = Load("""
            (module (func $down (export "down") (param i32) (result i32)
              (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
            """);
        var trap = Assert.Throws<TrapException>(() => inst.GetFunction<Func<int, int>>("down")(0));
        Assert.Equal(TrapCode.StackExhausted, trap.Code);
        Assert.True(trap.Backtrace.Count <= 1000, $"{trap.Backtrace.Count} frames kept");
        var printed = trap.ToString().Split(Environment.NewLine);
        Assert.True(printed.Length <= TrapException.PrintedFrames + 3, $"{printed.Length} lines printed");
        Assert.Matches(@"^  \.\.\. \d+ more frames$", printed[^1]);
    }

    [Fact]
    public void PreciseBacktracesListEveryFrame()
    {
        var (_, _, inst) = Load("""
            (module
              (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
              (func $middle (param i32) (result i32) (call $inner (local.get 0)))
              (func (export "outer") (param i32) (result i32) (call $middle (local.get 0))))
            """, config: new EngineConfig { PreciseBacktraces = true });
        var trap = Assert.Throws<TrapException>(() => inst.GetFunction<Func<int, int>>("outer")(0));
        Assert.Equal(["inner", "middle", "outer"], trap.Backtrace.Select(f => f.TrimStart('$')).ToArray());
        Assert.Contains("wasm backtrace:", trap.ToString());
    }

    [Fact]
    public void HostExceptionsBecomeHostErrorTrapsWithTheOriginalInside()
    {
        var (_, _, inst) = Load("""
            (module (import "env" "fail" (func $fail))
              (func $middle (call $fail))
              (func (export "run") (call $middle)))
            """, (store, linker) => linker.DefineFunction(store, "env", "fail", (Action)(() => throw new InvalidOperationException("boom"))));
        foreach (var call in new Action[] { () => inst.GetFunction<Action>("run")(), () => inst.GetFunction("run")!.Invoke() })
        {
            var e = Assert.Throws<TrapException>(call);
            Assert.Equal(TrapCode.HostError, e.Code);
            var inner = Assert.IsType<InvalidOperationException>(e.InnerException);
            Assert.Equal("boom", inner.Message);
            Assert.Contains("boom", e.Message);
            Assert.Equal("run", e.Backtrace[^1]); // no name section: the export name stands in
        }
    }

    [Fact]
    public void HostErrorsCrossNestedGuestCallsOnce()
    {
        // guest -> host -> guest -> host(throws): the inner boundary wraps it; the outer one keeps that trap as it is.
        Instance? self = null;
        var (_, _, inst) = Load("""
            (module (import "env" "reenter" (func $reenter)) (import "env" "fail" (func $fail))
              (func (export "inner") (call $fail))
              (func (export "run") (call $reenter)))
            """, (store, linker) =>
        {
            linker.DefineFunction(store, "env", "reenter", (Action)(() => self!.GetFunction<Action>("inner")()));
            linker.DefineFunction(store, "env", "fail", (Action)(() => throw new FormatException("deep")));
        });
        self = inst;
        var e = Assert.Throws<TrapException>(() => inst.GetFunction<Action>("run")());
        Assert.Equal(TrapCode.HostError, e.Code);
        Assert.IsType<FormatException>(e.InnerException);
    }

    [Fact]
    public void HostFunctionsOfOneStoreDoNotLinkIntoAnother()
    {
        var engine = new Wasm.Engine();
        var storeA = new Store(engine);
        var linker = new Linker(engine);
        linker.DefineFunction(storeA, "env", "f", (Action)(() => { }));
        var module = Module.Compile(engine, WatTool.Assemble("(module (import \"env\" \"f\" (func)))"));
        linker.Instantiate(storeA, module);
        var e = Assert.Throws<LinkException>(() => linker.Instantiate(new Store(engine), module));
        Assert.Contains("another store", e.Message);
    }

    [Fact]
    public void MemoryWritesMatchReadsAndBadPointersAreClearErrors()
    {
        var memory = Memory.Create(new Store(new Wasm.Engine()), new MemoryType(new Limits(1, null)));
        memory.WriteSingle(8, 1.5f);
        memory.WriteDouble(16, -2.25);
        int n = memory.WriteString(32, "héllo");
        Assert.Equal((1.5f, -2.25, 6, "héllo"), (memory.ReadSingle(8), memory.ReadDouble(16), n, memory.ReadString(32, n)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => memory.ReadString(Memory.PageSize - 2, 10));
        Assert.Contains("outside the memory", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.WriteString(Memory.PageSize - 1, "ab"));
    }

    [Fact]
    public void ABadGuestPointerInAHostFunctionTrapsTheGuest()
    {
        var (_, _, inst) = Load("""
            (module (import "env" "log" (func $log (param i32 i32))) (memory 1)
              (func (export "run") (call $log (i32.const 65530) (i32.const 100))))
            """, (store, linker) => linker.DefineFunction(store, "env", "log",
            (Action<Caller, int, int>)((caller, ptr, len) => caller.GetMemory()!.ReadString(ptr, len))));
        var trap = Assert.Throws<TrapException>(() => inst.GetFunction<Action>("run")());
        Assert.Equal(TrapCode.HostError, trap.Code);
        Assert.IsType<ArgumentOutOfRangeException>(trap.InnerException);
    }

    [Fact]
    public void MissingAndMismatchedImportsAreLinkErrors()
    {
        var engine = new Wasm.Engine();
        var store = new Store(engine);
        var linker = new Linker(engine);
        var module = Module.Compile(engine, WatTool.Assemble("""(module (import "env" "f" (func (param i32))))"""));
        var missing = Assert.Throws<LinkException>(() => linker.Instantiate(store, module));
        Assert.Contains("env::f", missing.Message);
        linker.DefineFunction(store, "env", "f", (Action<long>)(_ => { }));
        var mismatch = Assert.Throws<LinkException>(() => linker.Instantiate(store, module));
        Assert.Contains("incompatible import type", mismatch.Message);
    }
}
