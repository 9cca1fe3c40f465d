// The post-MVP features a module uses (Module.Inspect, `wasql inspect`).
namespace Wasql.Wasm;

/// <summary>Post-MVP WebAssembly features; <see cref="None"/> is MVP only.</summary>
[Flags]
public enum WasmFeatures
{
    None = 0,
    MutableGlobals = 1 << 0,
    SignExtension = 1 << 1,
    NonTrappingFloatToInt = 1 << 2,
    MultiValue = 1 << 3,
    BulkMemory = 1 << 4,
    ReferenceTypes = 1 << 5,
    Simd = 1 << 6,
}
