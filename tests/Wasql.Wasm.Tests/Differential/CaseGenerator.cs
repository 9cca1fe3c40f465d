// Inputs for the differential test: for every exported function, calls on edge-case values of each
// parameter type (zero, ±1, INT_MIN/MAX, NaN, ±inf, subnormals, conversion boundaries, memory-end
// addresses, float bit patterns for the *_bits exports) and seeded random values. Deterministic.
namespace Wasql.Wasm.Tests.Differential;

/// <summary>One call (Function set) or one memory dump (Function null).</summary>
internal sealed record Case(string? Function, Value[] Args, ValType[] ResultTypes, int MemOffset = 0, int MemLength = 0)
{
    public static Case Call(Module module, string name, params Value[] args)
    {
        var type = (FuncType)module.Exports.Single(e => e.Name == name && e.Kind == ExternKind.Func).Type;
        return new Case(name, args, type.Results);
    }

    public static Case Dump(int offset, int length) => new(null, [], [], offset, length);
}

internal static class CaseGenerator
{
    private static readonly long[] I32Edges =
    [
        0, 1, -1, 2, 3, 7, 12, 18, 42, 100, 255, 256, 1000, -1000, 65535, 65536,
        0x12345678, int.MinValue, int.MaxValue, int.MinValue + 1, -2, 31, 32, 33,
        // f32 bit patterns (for *_bits exports): quiet/signalling NaNs with payloads, ±inf, 1.0, 2.5, 2^31, subnormal
        0x7fc00000, 0x7f800001, unchecked((int)0xffc00000), 0x7fa00000, 0x7fc0dead, 0x7f800000, unchecked((int)0xff800000),
        0x3f800000, 0x40200000, 0x4f000000, unchecked((int)0xcf000001), 0x3effffff,
    ];

    private static readonly long[] I64Edges =
    [
        0, 1, -1, 2, 7, 31, 32, 33, 63, 64, 65, 127, -1000, 1000000007,
        long.MinValue, long.MaxValue, long.MinValue + 1, 0x123456789abcdef0, 1L << 32, (1L << 32) - 1, unchecked((long)0x8000000000000001),
        // f64 bit patterns (for *_bits exports)
        0x7ff8000000000000, 0x7ff0000000000001, unchecked((long)0xfff8000000000000), 0x7ff4000000000000, 0x7ff8dead00000000L,
        0x7ff0000000000000, unchecked((long)0xfff0000000000000), 0x3ff0000000000000, unchecked((long)0x8000000000000000),
        0x4004000000000000, 0x41e0000000000000, 0x43e0000000000000, unchecked((long)0xc3e0000000000001), 0x3fdfffffffffffff,
    ];

    /// <summary>The positive canonical NaN (double.NaN is negative on x64 .NET).</summary>
    private static readonly double CanonicalNaN = BitConverter.Int64BitsToDouble(0x7ff8000000000000);

    private static readonly double[] FloatEdges =
    [
        0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.7, -0.75, CanonicalNaN, double.PositiveInfinity, double.NegativeInfinity,
        1e10, -1e10, 2147483647.0, 2147483647.9, 2147483648.0, -2147483648.0, -2147483648.9, -2147483649.0, 4294967295.0,
        4294967296.0, 9223372036854775807.0, -9223372036854775808.0, 18446744073709551616.0, 1e300, -1e-300,
        double.Epsilon, 0.49999999999999994, float.MaxValue, float.Epsilon, 16777217.0, 100.0, 0.1,
    ];

    public static List<Case> ForModule(Module module, int seed)
    {
        var rng = new Random(seed);
        uint memEnd = module.Info.Memories.Count > 0 ? module.Info.Memories[0].Limits.Min * (uint)Memory.PageSize : 0;
        var cases = new List<Case>();
        foreach (var export in module.Exports.Where(e => e.Kind == ExternKind.Func).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var type = (FuncType)export.Type;
            var p = type.Params;
            var pools = p.Select(t => Pool(t, memEnd, rng)).ToArray();
            IEnumerable<Value[]> argLists = p.Length switch
            {
                0 => [[]],
                1 => pools[0].Select(v => new[] { v }),
                // Core edges crossed with each other, then random picks from the full pools.
                2 => Cross(pools[0].Take(16), pools[1].Take(16)).Concat(Sample(pools, 120, rng)),
                _ => Sample(pools, 300, rng),
            };
            foreach (var args in argLists) cases.Add(new Case(export.Name, args, type.Results));
        }
        return cases;
    }

    private static IEnumerable<Value[]> Cross(IEnumerable<Value> a, IEnumerable<Value> b) =>
        from x in a from y in b select new[] { x, y };

    private static IEnumerable<Value[]> Sample(Value[][] pools, int count, Random rng)
    {
        for (int i = 0; i < count; i++) yield return pools.Select(pool => pool[rng.Next(pool.Length)]).ToArray();
    }

    private static Value[] Pool(ValType t, uint memEnd, Random rng)
    {
        var values = new List<Value>();
        switch (t)
        {
            case ValType.I32:
                values.AddRange(I32Edges.Select(v => Value.FromI32((int)v)));
                if (memEnd > 0)
                    foreach (uint d in new uint[] { 1, 2, 4, 8, 4000, 0 }) values.Add(Value.FromI32((int)(memEnd - d)));
                for (int i = 0; i < 10; i++) values.Add(Value.FromI32(rng.Next(i < 5 ? 5000 : int.MaxValue) * (i % 2 == 0 ? 1 : -1)));
                break;
            case ValType.I64:
                values.AddRange(I64Edges.Select(Value.FromI64));
                for (int i = 0; i < 10; i++) values.Add(Value.FromI64(rng.NextInt64() * (i % 2 == 0 ? 1 : -1)));
                break;
            case ValType.F32:
                values.AddRange(FloatEdges.Select(d => double.IsNaN(d) ? Value.FromF32Bits(0x7fc00000) : Value.FromF32((float)d)));
                for (int i = 0; i < 8; i++) values.Add(Value.FromF32((float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 12)))));
                break;
            case ValType.F64:
                values.AddRange(FloatEdges.Select(Value.FromF64));
                for (int i = 0; i < 8; i++) values.Add(Value.FromF64((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 20))));
                break;
            default:
                throw new NotSupportedException($"parameter type {t.Name()}");
        }
        return values.ToArray();
    }

    /// <summary>A seed from a name that is the same in every process (string.GetHashCode is randomized).</summary>
    public static int StableSeed(string name)
    {
        uint h = 2166136261;
        foreach (char c in name) h = (h ^ c) * 16777619;
        return (int)(h & 0x7fffffff);
    }

}
