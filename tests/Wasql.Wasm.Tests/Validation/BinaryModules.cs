// Test helper: hand-assembled binaries for the cases wat2wasm cannot produce (malformed instruction
// streams, a missing data count section, huge nesting).
namespace Wasql.Wasm.Tests.Validation;

internal static class BinaryModules
{
    /// <summary>A module with one function of type [] -> [] whose body (locals + code, without the size
    /// prefix) is <paramref name="body"/>; optionally one memory of one page and a data count section.</summary>
    public static byte[] OneFunction(byte[] body, bool memory = false, uint? dataCount = null)
    {
        var m = new List<byte> { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00 };
        Section(m, 1, [0x01, 0x60, 0x00, 0x00]);
        Section(m, 3, [0x01, 0x00]);
        if (memory) Section(m, 5, [0x01, 0x00, 0x01]);
        if (dataCount is uint dc) Section(m, 12, Leb(dc));
        var code = new List<byte> { 0x01 };
        code.AddRange(Leb((uint)body.Length));
        code.AddRange(body);
        Section(m, 10, [.. code]);
        if (dataCount is uint n && n > 0)
        {
            var data = new List<byte>();
            data.AddRange(Leb(n));
            for (uint i = 0; i < n; i++) data.AddRange([0x01, 0x00]); // passive, empty
            Section(m, 11, [.. data]);
        }
        return [.. m];
    }

    public static void Section(List<byte> m, byte id, byte[] content)
    {
        m.Add(id);
        m.AddRange(Leb((uint)content.Length));
        m.AddRange(content);
    }

    public static byte[] Leb(uint v)
    {
        var b = new List<byte>();
        do
        {
            byte x = (byte)(v & 0x7F);
            v >>= 7;
            if (v != 0) x |= 0x80;
            b.Add(x);
        } while (v != 0);
        return [.. b];
    }
}
