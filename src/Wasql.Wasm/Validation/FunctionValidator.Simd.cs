// SIMD (0xFD-prefixed) instruction validation. Not implemented yet: every SIMD opcode is rejected.
// This is the single place to add the v128 operator rules (decode immediates, pop/push via the stack
// helpers of FunctionValidator.Stacks.cs); v128 as a value type is already accepted everywhere else.
using Wasql.Wasm.Binary;

namespace Wasql.Wasm.Validation;

internal sealed partial class FunctionValidator
{
    private void ValidateSimd(ref WasmReader r, int subOpcode) =>
        throw Fail($"SIMD instructions are not supported yet (0xfd {subOpcode})");
}
