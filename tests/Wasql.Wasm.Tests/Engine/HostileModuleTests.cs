// Modules shaped to hurt the compiler: very deep block nesting, huge functions, many locals.
using System.Text;
using Wasql.Wasm.Tests.Validation;

namespace Wasql.Wasm.Tests.Engine;

public class HostileModuleTests
{
    /// <summary>Builds a binary module with one exported function "f" of type [] -> [i32] and the given body.</summary>
    internal static byte[] ModuleWithBody(byte[] body, int i32Locals = 0)
    {
        var code = new List<byte>();
        if (i32Locals > 0) { code.Add(1); code.AddRange(BinaryModules.Leb((uint)i32Locals)); code.Add(0x7F); }
        else code.Add(0);
        code.AddRange(body);
        var m = new List<byte> { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0 };
        BinaryModules.Section(m, 1, [1, 0x60, 0, 1, 0x7F]);
        BinaryModules.Section(m, 3, [1, 0]);
        BinaryModules.Section(m, 7, [1, 1, (byte)'f', 0, 0]);
        var codeSec = new List<byte> { 1 };
        codeSec.AddRange(BinaryModules.Leb((uint)code.Count));
        codeSec.AddRange(code);
        BinaryModules.Section(m, 10, codeSec.ToArray());
        return m.ToArray();
    }

    private static int Run(byte[] module)
    {
        var engine = new Wasm.Engine();
        var store = new Store(engine);
        var inst = new Linker(engine).Instantiate(store, Module.Compile(engine, module));
        return inst.GetFunction<Func<int>>("f")();
    }

    [Fact]
    public void DeeplyNestedBlocksCompileAndRun()
    {
        const int depth = 100_000;
        var body = new List<byte>();
        for (int i = 0; i < depth; i++) body.AddRange([0x02, 0x40]); // block
        for (int i = 0; i < depth; i++) body.Add(0x0B);
        body.AddRange([0x41, 0x2A, 0x0B]); // i32.const 42, end
        int result = 0;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = Run(ModuleWithBody(body.ToArray())); }
            catch (Exception e) { error = e; }
        }, 16 * 1024 * 1024);
        t.Start();
        t.Join();
        Assert.Null(error);
        Assert.Equal(42, result);
    }

    [Fact]
    public void HugeStraightLineFunctionRuns()
    {
        // local0 = local0 * 31 + i, 40,000 times: far past RyuJIT's MinOpts thresholds if emitted naively.
        var body = new List<byte>();
        int expected = 0;
        for (int i = 0; i < 40_000; i++)
        {
            body.AddRange([0x20, 0x00, 0x41, 0x1F, 0x6C, 0x41]); // local.get 0, i32.const 31, i32.mul, i32.const
            body.AddRange(SLeb(i % 1000));
            body.AddRange([0x6A, 0x21, 0x00]); // i32.add, local.set 0
            expected = unchecked(expected * 31 + i % 1000);
        }
        body.AddRange([0x20, 0x00, 0x0B]);
        Assert.Equal(expected, Run(ModuleWithBody(body.ToArray(), i32Locals: 1)));
    }

    [Fact]
    public void ManyLocalsAreZeroInitialised()
    {
        var wat = new StringBuilder("(module (func (export \"f\") (result i32) (local");
        for (int i = 0; i < 3000; i++) wat.Append(" i64");
        wat.Append(") (local.set 2999 (i64.const 5)) (i32.wrap_i64 (i64.add (local.get 2999) (local.get 1500)))))");
        var engine = new Wasm.Engine();
        var store = new Store(engine);
        var inst = new Linker(engine).Instantiate(store, Module.Compile(engine, WatTool.Assemble(wat.ToString())));
        Assert.Equal(5, inst.GetFunction<Func<int>>("f")());
    }

    [Fact]
    public void TooManyLocalsIsRejectedNotCrashed()
    {
        var body = new List<byte> { 1 };
        body.AddRange(BinaryModules.Leb(uint.MaxValue));
        body.Add(0x7F);
        body.AddRange([0x41, 0x00, 0x0B]);
        var m = ModuleWithBody([]);
        // Patch: rebuild with a raw locals declaration of 2^32-1 locals.
        var raw = new List<byte> { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7F, 3, 2, 1, 0 };
        raw.Add(10);
        var sec = new List<byte> { 1 };
        sec.AddRange(BinaryModules.Leb((uint)body.Count));
        sec.AddRange(body);
        raw.AddRange(BinaryModules.Leb((uint)sec.Count));
        raw.AddRange(sec);
        Assert.NotEmpty(m);
        var e = Assert.ThrowsAny<WasmException>(() => Module.Compile(new Wasm.Engine(), raw.ToArray()));
        Assert.Contains("too many locals", e.Message);
    }

    private static byte[] SLeb(int v)
    {
        var b = new List<byte>();
        while (true)
        {
            byte x = (byte)(v & 0x7F);
            v >>= 7;
            bool done = (v == 0 && (x & 0x40) == 0) || (v == -1 && (x & 0x40) != 0);
            if (!done) x |= 0x80;
            b.Add(x);
            if (done) return b.ToArray();
        }
    }
}
