// Modules that must be rejected: each validation rule with the spec's message fragment, the location
// details of error messages, and malformed instruction streams (which the validator is first to read).
using Wasql.Wasm.Binary;
using Wasql.Wasm.Validation;

namespace Wasql.Wasm.Tests.Validation;

public sealed class InvalidModuleTests
{
    private static string Invalid(string wat, bool debugNames = false)
    {
        return Invalid(WatTool.Assemble(wat, check: false, debugNames: debugNames));
    }

    private static string Invalid(byte[] bytes)
    {
        var e = Assert.Throws<InvalidModuleException>(() => ModuleValidator.Validate(ModuleDecoder.Decode(bytes)));
        return e.Message;
    }

    private static string Malformed(byte[] bytes)
    {
        var e = Assert.Throws<MalformedModuleException>(() => ModuleValidator.Validate(ModuleDecoder.Decode(bytes)));
        return e.Message;
    }

    [Theory]
    [InlineData("(module (func (result i32) (i64.const 1)))", "type mismatch")]
    [InlineData("(module (func (i32.add (i32.const 1) (f32.const 2)) (drop)))", "type mismatch")]
    [InlineData("(module (func (i32.const 1)))", "type mismatch")]
    [InlineData("(module (func (result i32) (block (result i32) (nop))))", "type mismatch")]
    [InlineData("(module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 1)))))", "type mismatch")]
    [InlineData("(module (func (param funcref) (drop (select (local.get 0) (local.get 0) (i32.const 1)))))", "type mismatch")]
    [InlineData("(module (func (drop (ref.is_null (i32.const 1)))))", "type mismatch")]
    [InlineData("(module (func (local.get 0) (drop)))", "unknown local")]
    [InlineData("(module (func (br 1)))", "unknown label")]
    [InlineData("(module (func (call 5)))", "unknown function")]
    [InlineData("(module (func (drop (global.get 0))))", "unknown global")]
    [InlineData("(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))", "global is immutable")]
    [InlineData("(module (func (drop (i32.load (i32.const 0)))))", "unknown memory")]
    [InlineData("(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))", "alignment must not be larger than natural")]
    [InlineData("(module (func (drop (table.size 0))))", "unknown table")]
    [InlineData("(module (table 1 funcref) (func (elem.drop 0)))", "unknown elem segment")]
    [InlineData("(module (memory 1) (data \"\") (func (data.drop 1)))", "unknown data segment")]
    [InlineData("(module (func $f) (func (drop (ref.func $f))))", "undeclared function reference")]
    [InlineData("(module (func (result i32) (select (result i32 i32) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1))))", "invalid result arity")]
    [InlineData("(module (table 1 externref) (type $t (func)) (func (call_indirect (type $t) (i32.const 0))))", "type mismatch")]
    [InlineData("(module (table $a 1 funcref) (table $b 1 externref) (func (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))))", "type mismatch")]
    public void FunctionBodyRules(string wat, string expected) => Assert.Contains(expected, Invalid(wat));

    [Theory]
    [InlineData("(module (memory 1) (memory 1))", "multiple memories")]
    [InlineData("(module (import \"a\" \"m\" (memory 1)) (memory 1))", "multiple memories")]
    [InlineData("(module (memory 65537))", "memory size must be at most 65536 pages (4GiB)")]
    [InlineData("(module (memory 2 1))", "size minimum must not be greater than maximum")]
    [InlineData("(module (table 2 1 funcref))", "size minimum must not be greater than maximum")]
    [InlineData("(module (func) (export \"a\" (func 0)) (export \"a\" (func 0)))", "duplicate export name")]
    [InlineData("(module (export \"a\" (func 3)))", "unknown function")]
    [InlineData("(module (export \"a\" (memory 0)))", "unknown memory")]
    [InlineData("(module (func (param i32)) (start 0))", "start function")]
    [InlineData("(module (start 2))", "unknown function")]
    [InlineData("(module (global i32 (i64.const 0)))", "type mismatch")]
    [InlineData("(module (global i32 (i32.const 0) (i32.const 1)))", "type mismatch")]
    [InlineData("(module (global i32 (i32.add (i32.const 0) (i32.const 1))))", "constant expression required")]
    [InlineData("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))", "unknown global")]
    [InlineData("(module (import \"a\" \"g\" (global (mut i32))) (global i32 (global.get 0)))", "constant expression required")]
    [InlineData("(module (memory 1) (data (i64.const 0) \"a\"))", "type mismatch")]
    [InlineData("(module (data (i32.const 0) \"a\"))", "unknown memory")]
    [InlineData("(module (table 1 externref) (func $f) (elem (i32.const 0) func $f))", "type mismatch")]
    [InlineData("(module (elem (i32.const 0) func))", "unknown table")]
    [InlineData("(module (table 1 funcref) (elem (table 0) (i32.const 0) funcref (ref.null extern)))", "type mismatch")]
    public void ModuleLevelRules(string wat, string expected) => Assert.Contains(expected, Invalid(wat));

    [Fact]
    public void BlockTypeIndexOutOfRange() =>
        Assert.Contains("unknown type 3", Invalid(BinaryModules.OneFunction([0x00, 0x02, 0x03, 0x0B, 0x0B])));

    [Fact]
    public void TypeMismatchNamesFunctionOffsetAndInstruction()
    {
        var message = Invalid("(module (func) (func $fib (result i32) (i32.add (i32.const 1) (f64.const 2))))", debugNames: true);
        Assert.Contains("type mismatch in func[1] \"fib\" at 0x", message);
        Assert.Contains("I32Add", message);
        Assert.Contains("expected i32, found f64", message);
    }

    [Fact]
    public void SimdLaneIndexOutOfRange()
    {
        var message = Invalid("(module (func (param v128) (result i32) (i32x4.extract_lane 4 (local.get 0))))");
        Assert.Contains("invalid lane index", message);
    }

    [Fact]
    public void IllegalOpcode() =>
        Assert.Contains("illegal opcode", Malformed(BinaryModules.OneFunction([0x00, 0xFF, 0x0B])));

    [Fact]
    public void IllegalPrefixedOpcode() =>
        Assert.Contains("illegal opcode", Malformed(BinaryModules.OneFunction([0x00, 0xFC, 0x12, 0x0B])));

    [Fact]
    public void MemorySizeReservedByteMustBeZero() =>
        Assert.Contains("zero byte expected", Malformed(BinaryModules.OneFunction([0x00, 0x3F, 0x01, 0x1A, 0x0B], memory: true)));

    [Fact]
    public void MemoryCopyReservedBytesMustBeZero() =>
        Assert.Contains("zero byte expected", Malformed(BinaryModules.OneFunction(
            [0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0A, 0x00, 0x01, 0x0B], memory: true)));

    [Fact]
    public void MemoryInitNeedsDataCountSection() =>
        Assert.Contains("data count section required", Malformed(BinaryModules.OneFunction(
            [0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B], memory: true)));

    [Fact]
    public void DataDropNeedsDataCountSection() =>
        Assert.Contains("data count section required", Malformed(BinaryModules.OneFunction([0x00, 0xFC, 0x09, 0x00, 0x0B])));

    [Fact]
    public void DataDropWithDataCountValidates() =>
        ModuleValidator.Validate(ModuleDecoder.Decode(BinaryModules.OneFunction([0x00, 0xFC, 0x09, 0x00, 0x0B], dataCount: 1)));

    [Fact]
    public void BodyEndingInsideABlock() =>
        Assert.Contains("END opcode expected", Malformed(BinaryModules.OneFunction([0x00, 0x02, 0x40, 0x0B])));

    [Fact]
    public void TruncatedImmediate() =>
        Assert.Contains("unexpected end", Malformed(BinaryModules.OneFunction([0x00, 0x44, 0x00, 0x00, 0x0B])));

    [Fact]
    public void OperatorsAfterFinalEnd() =>
        Assert.Contains("section size mismatch", Malformed(BinaryModules.OneFunction([0x00, 0x0B, 0x01, 0x0B])));

    [Fact]
    public void ElseWithoutIf() =>
        Assert.Contains("illegal opcode", Malformed(BinaryModules.OneFunction([0x00, 0x05, 0x0B])));

    [Fact]
    public void MalformedBodyWinsOverEarlierInvalidBody()
    {
        // Function 0 is ill-typed, but the (later) memory.size with a non-zero reserved byte is a decoding error.
        var bytes = WatTool.Assemble("""
            (module (memory 1)
              (func (i32.const 1))
              (func (drop (memory.size))))
            """, check: false);
        int at = bytes.AsSpan().IndexOf([(byte)0x3F, (byte)0x00, (byte)0x1A]);
        Assert.True(at > 0);
        bytes[at + 1] = 0x01;
        Assert.Contains("zero byte expected", Malformed(bytes));
    }
}
