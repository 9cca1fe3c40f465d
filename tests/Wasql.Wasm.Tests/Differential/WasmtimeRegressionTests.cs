// Divergences from wasmtime found by WasmtimeOracleTests, reduced to one instruction sequence each and run in both
// engines (wasmtime is the expected side, never a hand-written value).
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Differential;

public class WasmtimeRegressionTests
{
    private static object? RunWasmtime(byte[] wasm)
    {
        using var engine = new Wasmtime.Engine();
        using var module = Wasmtime.Module.FromBytes(engine, "m", wasm);
        using var store = new Wasmtime.Store(engine);
        using var linker = new Wasmtime.Linker(engine);
        return linker.Instantiate(store, module).GetFunction("f")!.Invoke();
    }

    private static Value RunWasql(byte[] wasm)
    {
        var engine = new Wasm.Engine();
        using var store = new Store(engine);
        return new Linker(engine).Instantiate(store, Module.Compile(engine, wasm)).GetFunction("f")!.Invoke()[0];
    }

    /// <summary>RyuJIT folded a reinterpret of a narrow load into a full-width float load (reading bytes past the
    /// load's width): `i32.load16_s` + `f32.reinterpret_i32` returned 0xbe1f277f instead of 0x0000277f.</summary>
    [Theory]
    [InlineData("i32.load8_s", "f32")]
    [InlineData("i32.load8_u", "f32")]
    [InlineData("i32.load16_s", "f32")]
    [InlineData("i32.load16_u", "f32")]
    [InlineData("i64.load8_s", "f64")]
    [InlineData("i64.load16_s", "f64")]
    [InlineData("i64.load32_s", "f64")]
    [InlineData("i64.load32_u", "f64")]
    public void ReinterpretOfANarrowLoadReadsOnlyItsBytes(string load, string floatType)
    {
        string intType = floatType == "f32" ? "i32" : "i64";
        foreach (var via in new[] { "", $"local.tee 0" })
        {
            var wasm = WatTool.Assemble($"""
                (module (memory 1) (data (i32.const 22) "\7f\a7\1f\be\11\22\33\44\55\66\77\88")
                  (func (export "f") (result {floatType}) (local {intType})
                    i32.const 0
                    {load} offset=22 align=1
                    {via}
                    {floatType}.reinterpret_{intType}))
                """);
            long expected = RunWasmtime(wasm) switch
            {
                float f => BitConverter.SingleToInt32Bits(f),
                double d => BitConverter.DoubleToInt64Bits(d),
                var o => throw new InvalidOperationException($"unexpected {o}"),
            };
            var ours = RunWasql(wasm);
            long actual = floatType == "f32" ? BitConverter.SingleToInt32Bits(ours.F32) : ours.I64;
            Assert.True(expected == actual, $"{load} {via}: wasmtime {expected:x}, wasql {actual:x}");
        }
    }

    /// <summary>RyuJIT reused the flags of a rotate by a constant (rol/ror/rorx do not set ZF) for the branch on its
    /// result: `if (i32.rotl (i32.load 26) 20)` was taken with zeroed memory.</summary>
    [Theory]
    [InlineData("i32", "rotl", 20)]
    [InlineData("i32", "rotr", 12)]
    [InlineData("i32", "rotl", 32)]
    [InlineData("i64", "rotl", 20)]
    [InlineData("i64", "rotr", 63)]
    public void BranchOnARotateByAConstantSeesItsResult(string type, string op, int count)
    {
        foreach (var (setup, operand) in new[]
                 {
                     ("", $"i32.const 26 {type}.load align=1"), // zeroed memory
                     ($"local.get 0 i32.eqz if i32.const 5 return end", $"{type}.const 0"),
                     ($"local.get 0 i32.eqz if i32.const 5 return end", $"local.get 1"), // a zero local, after a compare
                 })
        {
            var wasm = WatTool.Assemble($"""
                (module (memory 1)
                  (func (export "f") (result i32) (local i32 {type})
                    i32.const 1
                    local.set 0
                    {setup}
                    {operand}
                    {type}.const {count}
                    {type}.{op}
                    {(type == "i64" ? "i64.const 0 i64.ne" : "")}
                    if
                      i32.const 99
                      return
                    end
                    i32.const 1))
                """);
            var expected = RunWasmtime(wasm);
            Assert.True(Equals(expected, RunWasql(wasm).I32), $"{op} {count} of `{operand}`: wasmtime {expected}, wasql {RunWasql(wasm).I32}");
        }
    }
}
