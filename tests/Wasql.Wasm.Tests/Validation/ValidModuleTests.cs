// Modules that must validate: one per instruction family, multi-value blocks, the polymorphic stack of
// unreachable code, v128 as a value type, and hostile nesting depth (no recursion per level).
using Wasql.Wasm.Binary;
using Wasql.Wasm.Validation;

namespace Wasql.Wasm.Tests.Validation;

public sealed class ValidModuleTests
{
    private static void AssertValid(string wat) => ModuleValidator.Validate(ModuleDecoder.Decode(WatTool.Assemble(wat)));

    [Fact]
    public void IntegerArithmeticAndComparisons() => AssertValid("""
        (module
          (func (param i32 i32 i64 i64) (result i32)
            (drop (i32.add (local.get 0) (local.get 1)))
            (drop (i32.rotr (i32.clz (local.get 0)) (i32.popcnt (local.get 1))))
            (drop (i32.rem_u (i32.div_s (local.get 0) (local.get 1)) (i32.const 3)))
            (drop (i64.shr_s (i64.mul (local.get 2) (local.get 3)) (i64.ctz (local.get 2))))
            (drop (i64.lt_u (local.get 2) (local.get 3)))
            (drop (i64.eqz (local.get 2)))
            (i32.and (i32.eqz (local.get 0)) (i32.ge_s (local.get 0) (local.get 1)))))
        """);

    [Fact]
    public void FloatArithmeticConversionsAndSignExtension() => AssertValid("""
        (module
          (func (param f32 f64) (result f64)
            (drop (f32.copysign (f32.sqrt (local.get 0)) (f32.nearest (local.get 0))))
            (drop (f64.le (local.get 1) (f64.max (local.get 1) (local.get 1))))
            (drop (i32.trunc_f32_s (local.get 0)))
            (drop (i64.trunc_sat_f64_u (local.get 1)))
            (drop (i32.trunc_sat_f32_s (local.get 0)))
            (drop (f32.demote_f64 (local.get 1)))
            (drop (i64.reinterpret_f64 (local.get 1)))
            (drop (i64.extend32_s (i64.extend_i32_u (i32.extend8_s (i32.wrap_i64 (i64.const 7))))))
            (f64.add (f64.promote_f32 (local.get 0)) (f64.convert_i64_s (i64.const 1)))))
        """);

    [Fact]
    public void MultiValueBlocksLoopsAndIfs() => AssertValid("""
        (module
          (type $pair (func (param i32 i32) (result i32 i32)))
          (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
          (func (result i32)
            (i32.const 1) (i32.const 2)
            (block (type $pair) (call $swap))
            (loop (param i32 i32) (result i32) (i32.add))
            (i32.const 5)
            (if (param i32) (result i32) (i32.const 1) (then (i32.const 2) (i32.add)) (else (i32.const 3) (i32.sub)))
            (block (param i32) (result i32 i64) (i64.const 4) (br 0))
            (drop)
            (i32.const 0) (i32.const 0)
            (block (param i32 i32) (result i32 i32) (br_table 0 0 (i32.const 0)))
            (drop) (drop) (drop)))
        """);

    [Fact]
    public void BranchesCarryValues() => AssertValid("""
        (module
          (func (param i32) (result i32)
            (block $outer (result i32)
              (block $inner (result i32)
                (br_if $outer (i32.const 1) (local.get 0))
                (drop)
                (br_table $inner $outer $inner (i32.const 2) (local.get 0)))
              (i32.const 1) (i32.add))
            (return)))
        """);

    [Fact]
    public void UnreachableCodeIsPolymorphic() => AssertValid("""
        (module
          (func (result i32) (unreachable))
          (func (result i32) (unreachable) (i32.add))
          (func (result f64) (br 0 (f64.const 1)) (i32.const 1) (drop) (f64.const 0))
          (func (result i32) (return (i32.const 1)) (select))
          (func (unreachable) (select) (drop))
          (func (result i32) (unreachable) (ref.is_null))
          (func (param i32) (result i32)
            (block (result i32) (br_table 0 0 (i32.const 1) (local.get 0)) (i64.const 3) (drop)))
          (func (result i64 f32) (unreachable) (i64.const 1) (f32.const 2)))
        """);

    [Fact]
    public void MemoryAndBulkMemory() => AssertValid("""
        (module
          (memory 1 2)
          (data $d "hello")
          (func (param i32)
            (i64.store32 offset=4 align=4 (local.get 0) (i64.load16_u align=2 (local.get 0)))
            (f64.store (local.get 0) (f64.load offset=8 (local.get 0)))
            (drop (memory.grow (memory.size)))
            (memory.init $d (local.get 0) (i32.const 0) (i32.const 5))
            (memory.copy (local.get 0) (i32.const 0) (i32.const 5))
            (memory.fill (local.get 0) (i32.const 0) (i32.const 5))
            (data.drop $d)))
        """);

    [Fact]
    public void ReferenceTypesAndTables() => AssertValid("""
        (module
          (table $f 2 funcref)
          (table $e 1 10 externref)
          (elem $seg funcref (ref.func $g) (ref.null func))
          (elem declare func $h)
          (func $g)
          (func $h)
          (func (param externref) (result i32)
            (table.set $e (i32.const 0) (local.get 0))
            (drop (table.get $f (i32.const 0)))
            (drop (table.grow $e (ref.null extern) (i32.const 1)))
            (table.fill $f (i32.const 0) (ref.func $h) (i32.const 1))
            (table.copy $f $f (i32.const 0) (i32.const 1) (i32.const 1))
            (table.init $f $seg (i32.const 0) (i32.const 0) (i32.const 2))
            (elem.drop $seg)
            (drop (select (result externref) (local.get 0) (ref.null extern) (i32.const 1)))
            (call_indirect $f (i32.const 0))
            (i32.add (table.size $e) (ref.is_null (local.get 0)))))
        """);

    [Fact]
    public void GlobalsAndConstantExpressions() => AssertValid("""
        (module
          (import "env" "base" (global $base i32))
          (global $g (mut i64) (i64.const 3))
          (global $r funcref (ref.func $f))
          (global $c i32 (global.get $base))
          (table 4 funcref)
          (memory 1)
          (elem (global.get $base) func $f)
          (data (global.get $base) "x")
          (func $f (global.set $g (i64.add (global.get $g) (i64.extend_i32_s (global.get $c)))))
          (func (result funcref) (ref.func $f))
          (start $f)
          (export "f" (func $f)))
        """);

    [Fact]
    public void V128IsAcceptedAsAValueType() => AssertValid("""
        (module
          (global $v (mut v128) (v128.const i64x2 1 2))
          (func (param v128) (result v128) (local v128)
            (local.set 1 (local.get 0))
            (global.set $v (local.get 1))
            (select (local.get 0) (global.get $v) (i32.const 0))))
        """);

    [Fact]
    public void DeeplyNestedBlocksDoNotRecurse()
    {
        const int depth = 200_000;
        var body = new List<byte> { 0x00 }; // no locals
        for (int i = 0; i < depth; i++) body.AddRange([0x02, 0x40]);
        for (int i = 0; i < depth; i++) body.Add(0x0B);
        body.Add(0x0B);
        ModuleValidator.Validate(ModuleDecoder.Decode(BinaryModules.OneFunction([.. body])));
    }
}
