// Test helpers: where shared/ is, the Databend arrow-udf fixture, temp database files, and small wasm modules.
namespace Wasql.Database.Tests;

internal static class Fixtures
{
    public static string Shared => Wasql.Tests.Shared.TestPaths.Shared;

    public static string GcdFixturePath => Wasql.Tests.Shared.TestPaths.ArrowUdfFixture("databend_gcd.wasm");
    public static string GcdFixtureBase64 { get; } = Convert.ToBase64String(File.ReadAllBytes(GcdFixturePath));

    public static string TempDb() => Path.Combine(Path.GetTempPath(), $"wasql-test-{Guid.NewGuid():N}.db");

    public static void DeleteDb(string path)
    {
        foreach (var p in new[] { path, path + "-wal", path + "-shm" })
            try { File.Delete(p); } catch (IOException) { }
    }

    /// <summary>A hand-assembled module exporting <c>gcd(i64,i64)->i64</c>, <c>add(i32,i32)->i32</c>,
    /// <c>div(i32,i32)->i32</c> (traps on 0) and <c>half(f64)->f64</c>.</summary>
    public static byte[] DirectModule { get; } = BuildDirectModule();

    private static byte[] BuildDirectModule()
    {
        // Written in wat-like form, assembled by hand into the binary format.
        var types = new List<byte[]>
        {
            new byte[] { 0x60, 2, 0x7e, 0x7e, 1, 0x7e },   // (i64,i64)->i64
            new byte[] { 0x60, 2, 0x7f, 0x7f, 1, 0x7f },   // (i32,i32)->i32
            new byte[] { 0x60, 1, 0x7c, 1, 0x7c },         // (f64)->f64
        };
        // gcd: loop { if b == 0 return a; t = a % b; a = b; b = t }
        var gcd = new byte[]
        {
            1, 1, 0x7e,                      // one local i64 (t)
            0x02, 0x40,                      // block
            0x03, 0x40,                      //  loop
            0x20, 1, 0x50, 0x0d, 1,          //   local.get b; i64.eqz; br_if 1
            0x20, 0, 0x20, 1, 0x81, 0x21, 2, //   t = a rem_s b
            0x20, 1, 0x21, 0,                //   a = b
            0x20, 2, 0x21, 1,                //   b = t
            0x0c, 0,                         //   br 0
            0x0b, 0x0b,                      //  end loop, end block
            0x20, 0,                         // local.get a
            0x0b,
        };
        var add = new byte[] { 0, 0x20, 0, 0x20, 1, 0x6a, 0x0b };
        var div = new byte[] { 0, 0x20, 0, 0x20, 1, 0x6d, 0x0b };
        var half = new byte[] { 0, 0x20, 0, 0x44, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0xa2, 0x0b };
        var bodies = new[] { gcd, add, div, half };
        var funcTypes = new byte[] { 0, 1, 1, 2 };
        var names = new[] { "gcd", "add", "div", "half" };

        var m = new List<byte> { 0, 0x61, 0x73, 0x6d, 1, 0, 0, 0 };
        void Section(byte id, List<byte> content) { m.Add(id); Leb(m, content.Count); m.AddRange(content); }
        var t = new List<byte>(); Leb(t, types.Count); foreach (var x in types) t.AddRange(x); Section(1, t);
        var f = new List<byte>(); Leb(f, funcTypes.Length); f.AddRange(funcTypes); Section(3, f);
        Section(5, [1, 0, 1]);   // memory 0: min 1 page
        var e = new List<byte>(); Leb(e, names.Length + 1);
        Leb(e, 6); e.AddRange("memory"u8.ToArray()); e.Add(2); e.Add(0);
        for (int i = 0; i < names.Length; i++) { Leb(e, names[i].Length); e.AddRange(System.Text.Encoding.ASCII.GetBytes(names[i])); e.Add(0); Leb(e, i); }
        Section(7, e);
        var c = new List<byte>(); Leb(c, bodies.Length);
        foreach (var b in bodies) { Leb(c, b.Length); c.AddRange(b); }
        Section(10, c);
        return m.ToArray();
    }

    private static void Leb(List<byte> o, int v)
    {
        uint u = (uint)v;
        do { byte b = (byte)(u & 0x7f); u >>= 7; if (u != 0) b |= 0x80; o.Add(b); } while (u != 0);
    }

    public static string DirectBase64 => Convert.ToBase64String(DirectModule);
}
