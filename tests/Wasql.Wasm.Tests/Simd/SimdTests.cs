// SIMD (v128) beyond the spec suite: v128 through the embedding API (typed and untyped calls, host
// functions, globals), under function splitting, at memory bounds, a few lane rules checked by value,
// and a C kernel compiled with -msimd128 against V8.
using System.Runtime.Intrinsics;
using Wasql.Wasm.Tests.Differential;
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Simd;

using Engine = Wasql.Wasm.Engine;

public class SimdTests
{
    private const string ApiModule = """
        (module
          (import "host" "twice" (func $twice (param v128) (result v128)))
          (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
          (memory (export "mem") 1)
          (func (export "mix") (param $a v128) (param $b v128) (param $k i32) (result v128)
            (local $t v128)
            (local.set $t (i32x4.add (local.get $a) (global.get $g)))
            (global.set $g (local.get $b))
            (block $out (result v128)
              (br_if $out (call $twice (local.get $t)) (i32.eqz (local.get $k)))
              (drop)
              (select (local.get $a) (local.get $b) (i32.and (local.get $k) (i32.const 1)))))
          (func (export "sum") (param $p i32) (param $n i32) (result i32)
            (local $acc v128)
            (block $done
              (loop $next
                (br_if $done (i32.eqz (local.get $n)))
                (local.set $acc (i32x4.add (local.get $acc) (v128.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $next)))
            (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
                     (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
          (func (export "load_at") (param $p i32) (result v128) (v128.load offset=1 (local.get $p)))
          (func (export "load_lane_at") (param $p i32) (result v128)
            (v128.load64_lane 1 (local.get $p) (v128.const i64x2 7 7)))
          (func (export "store_lane_at") (param $p i32) (param $v v128) (v128.store32_lane 3 (local.get $p) (local.get $v))))
        """;

    private static Instance Instantiate(byte[] wasm, int splitBudget = 12_000)
    {
        var engine = new Engine(new EngineConfig { FunctionSplitBudget = splitBudget });
        var store = new Store(engine);
        var linker = new Linker(engine);
        linker.DefineFunction(store, "host", "twice", (Func<Vector128<byte>, Vector128<byte>>)(v => (v.AsInt32() * 2).AsByte()));
        return linker.Instantiate(store, Module.Compile(engine, wasm));
    }

    [Theory]
    [InlineData(12_000)]
    [InlineData(10)]
    public void V128CrossesParamsResultsGlobalsAndHostCalls(int splitBudget)
    {
        var inst = Instantiate(WatTool.Assemble(ApiModule), splitBudget);
        var mix = inst.GetFunction<Func<Vector128<byte>, Vector128<byte>, int, Vector128<byte>>>("mix");
        var a = Vector128.Create(10, 20, 30, 40).AsByte();
        var b = Vector128.Create(-1, -2, -3, -4).AsByte();

        // k = 0: (a + g) doubled by the host, through a branch with a v128 value; g becomes b.
        Assert.Equal(Vector128.Create(22, 44, 66, 88), mix(a, b, 0).AsInt32());
        Assert.Equal(Value.FromV128(b.AsInt64()[0], b.AsInt64()[1]).ToString(), inst.GetGlobal("g")!.Value.ToString());
        // k odd / even: select between the v128 params.
        Assert.Equal(a, mix(a, b, 1));
        Assert.Equal(b, mix(a, b, 2));

        // The untyped path: Value.FromV128 in, Value out.
        var results = inst.GetFunction("mix")!.Invoke(Value.FromV128(a.AsInt64()[0], a.AsInt64()[1]),
            Value.FromV128(b.AsInt64()[0], b.AsInt64()[1]), Value.FromI32(0));
        var expected = ((a.AsInt32() + b.AsInt32()) * 2).AsInt64();
        Assert.Equal(Value.FromV128(expected[0], expected[1]).ToString(), results[0].ToString());
    }

    [Theory]
    [InlineData(12_000)]
    [InlineData(10)]
    public void V128LoopOverMemory(int splitBudget)
    {
        var inst = Instantiate(WatTool.Assemble(ApiModule), splitBudget);
        var span = inst.GetMemory("mem")!.Span;
        for (int i = 0; i < 400; i++) BitConverter.TryWriteBytes(span[(i * 4)..], i * 3 - 7);
        int expected = Enumerable.Range(0, 400).Sum(i => i * 3 - 7);
        Assert.Equal(expected, inst.GetFunction<Func<int, int, int>>("sum")(0, 100));
    }

    [Fact]
    public void V128AccessesAreBoundsChecked()
    {
        var inst = Instantiate(WatTool.Assemble(ApiModule));
        var load = inst.GetFunction<Func<int, Vector128<byte>>>("load_at");
        var loadLane = inst.GetFunction<Func<int, Vector128<byte>>>("load_lane_at");
        var storeLane = inst.GetFunction<Action<int, Vector128<byte>>>("store_lane_at");
        var span = inst.GetMemory("mem")!.Span;
        span[65535] = 0xAB;
        span[65528] = 0x11;

        Assert.Equal(0xAB, load(65535 - 16).GetElement(15)); // offset 1: the last 16 bytes
        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => load(65535 - 15)).Code);
        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => load(-1)).Code);
        Assert.Equal(Vector128.Create(7L, span[65528] | (0xABL << 56)), loadLane(65528).AsInt64());
        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => loadLane(65529)).Code);
        storeLane(65532, Vector128.Create(1, 2, 3, 0x7EADBEEF).AsByte());
        Assert.Equal(0x7EADBEEF, BitConverter.ToInt32(inst.GetMemory("mem")!.Span[65532..]));
        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => storeLane(65533, default)).Code);
    }

    private static Vector128<byte> Unary(string op, Vector128<byte> x)
    {
        var wasm = WatTool.Assemble($"(module (func (export \"f\") (param v128) (result v128) ({op} (local.get 0))))");
        return Instantiate(wasm).GetFunction<Func<Vector128<byte>, Vector128<byte>>>("f")(x);
    }

    private static Vector128<byte> Binary(string op, Vector128<byte> x, Vector128<byte> y)
    {
        var wasm = WatTool.Assemble($"(module (func (export \"f\") (param v128 v128) (result v128) ({op} (local.get 0) (local.get 1))))");
        return Instantiate(wasm).GetFunction<Func<Vector128<byte>, Vector128<byte>, Vector128<byte>>>("f")(x, y);
    }

    [Fact]
    public void LaneRules()
    {
        // min/max order the zeros and propagate NaN; pmin/pmax are b < a ? b : a and a < b ? b : a.
        var z = Vector128.Create(-0f, 0f, float.NaN, 1f).AsByte();
        var w = Vector128.Create(0f, -0f, 1f, float.NaN).AsByte();
        var min = Binary("f32x4.min", z, w).AsUInt32();
        Assert.Equal(new uint[] { 0x8000_0000, 0x8000_0000 }, new[] { min[0], min[1] });
        Assert.True(float.IsNaN(min.AsSingle()[2]) && float.IsNaN(min.AsSingle()[3]));
        var max = Binary("f32x4.max", z, w).AsUInt32();
        Assert.Equal(new uint[] { 0, 0 }, new[] { max[0], max[1] });
        var pmin = Binary("f32x4.pmin", z, w).AsUInt32();
        Assert.Equal(new uint[] { 0x8000_0000, 0 }, new[] { pmin[0], pmin[1] }); // neither zero is less: a
        Assert.Equal(float.NaN, Binary("f32x4.pmin", z, w).AsSingle()[2]); // b=1 < NaN is false: a
        Assert.Equal(1f, Binary("f32x4.pmin", z, w).AsSingle()[3]); // NaN < 1 is false: a

        // nearest is round-half-even; trunc_sat saturates and maps NaN to 0.
        Assert.Equal(Vector128.Create(2f, 2f, -2f, 4f), Unary("f32x4.nearest", Vector128.Create(1.5f, 2.5f, -2.5f, 3.5f).AsByte()).AsSingle());
        Assert.Equal(Vector128.Create(0, int.MaxValue, int.MinValue, -3),
            Unary("i32x4.trunc_sat_f32x4_s", Vector128.Create(float.NaN, 3e9f, -3e9f, -3.9f).AsByte()).AsInt32());
        Assert.Equal(Vector128.Create(0u, 3_000_000_000u, 0u, uint.MaxValue),
            Unary("i32x4.trunc_sat_f32x4_u", Vector128.Create(float.NaN, 3e9f, -3e9f, 5e9f).AsByte()).AsUInt32());
        Assert.Equal(Vector128.Create(4294967296f, 2147483648f, 1f, 16777216f),
            Unary("f32x4.convert_i32x4_u", Vector128.Create(uint.MaxValue, 0x8000_0000u, 1u, 16777217u).AsByte()).AsSingle());

        // Integer corner cases: abs(MIN) stays MIN, swizzle out of range gives 0, q15mulr saturates.
        Assert.Equal(0x80, Unary("i8x16.abs", Vector128.Create((byte)0x80)).GetElement(5));
        var swz = Binary("i8x16.swizzle", Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) + Vector128.Create((byte)100),
            Vector128.Create((byte)15, 16, 17, 0x80, 0xFF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255));
        Assert.Equal(Vector128.Create((byte)115, 0, 0, 0, 0, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 0), swz);
        Assert.Equal(short.MaxValue, Binary("i16x8.q15mulr_sat_s", Vector128.Create(short.MinValue).AsByte(), Vector128.Create(short.MinValue).AsByte()).AsInt16()[3]);
        Assert.Equal(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 8, 7, 0, 4, 4, 4, 4, 4),
            Unary("i8x16.popcnt", Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 0xFF, 0xFE, 0, 0x0F, 0xF0, 0x3C, 0xC3, 0x55)));
    }

    /// <summary>x*1, x/1, x-0 and x+(-0) with a constant operand must still quiet a signalling NaN lane
    /// (wasm requires an arithmetic NaN), so the JIT must not fold them to x.</summary>
    [Theory]
    [InlineData("f32x4.mul", "f32x4 1 1 1 1")]
    [InlineData("f32x4.div", "f32x4 1 1 1 1")]
    [InlineData("f32x4.sub", "f32x4 0 0 0 0")]
    [InlineData("f32x4.add", "f32x4 -0 -0 -0 -0")]
    [InlineData("f64x2.mul", "f64x2 1 1")]
    [InlineData("f64x2.sub", "f64x2 0 0")]
    [InlineData("f64x2.add", "f64x2 -0 -0")]
    [InlineData("f32x4.min", "f32x4 1 1 1 1")]
    public void IdentityWithConstantQuietsSignallingNaN(string op, string constant)
    {
        var wasm = WatTool.Assemble($"(module (func (export \"f\") (param v128) (result v128) ({op} (local.get 0) (v128.const {constant}))))");
        var f = Instantiate(wasm).GetFunction<Func<Vector128<byte>, Vector128<byte>>>("f");
        if (op.StartsWith("f32", StringComparison.Ordinal))
            Assert.Equal(0x7FC0_0000u, f(Vector128.Create(0x7F80_0001u).AsByte()).AsUInt32()[0] & 0x7FC0_0000u);
        else
            Assert.Equal(0x7FF8_0000_0000_0000ul, f(Vector128.Create(0x7FF0_0000_0000_0001ul).AsByte()).AsUInt64()[1] & 0x7FF8_0000_0000_0000ul);
    }

    /// <summary>bench/simd/kernels.c compiled with -msimd128 gives V8's checksum for every kernel.</summary>
    [Fact]
    public void CKernelWithSimd128MatchesV8()
    {
        string src = Path.GetFullPath(Path.Combine(Toolchain.SourceDir, "..", "..", "..", "bench", "simd", "kernels.c"));
        string wasmPath = Path.Combine(Directory.CreateTempSubdirectory("wasql-simd-").FullName, "simd.wasm");
        Toolchain.Run("clang-14", [.. Toolchain.ClangFlags, "-msimd128", src, "-o", wasmPath],
            "Install clang-14 and lld-14 (apt-get install clang-14 lld-14).");
        string[] kernels = ["dot_i16_bench", "dot_f32_bench", "hist16_bench", "brighten_bench"];
        string script = """
            const { instance } = await WebAssembly.instantiate(require('fs').readFileSync(process.argv[1]), {});
            for (const k of process.argv.slice(2)) console.log(instance.exports[k](9).toString());
            """;
        // -e code is CommonJS unless told otherwise; wrap the await.
        script = "(async () => {" + script + "})().catch(e => { console.error(e); process.exit(1); });";
        var v8 = Toolchain.Run("node", ["-e", script, wasmPath, .. kernels], "Install node (apt-get install nodejs).")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var engine = new Engine();
        var inst = new Linker(engine).Instantiate(new Store(engine), Module.Compile(engine, File.ReadAllBytes(wasmPath)));
        var ours = kernels.Select(k => inst.GetFunction<Func<int, long>>(k)(9).ToString()).ToArray();
        Assert.Equal(v8, ours);
    }
}
