// Structure-aware byte mutations of wasm binaries for the bounded fuzz test: bit flips, byte edits,
// insertions and deletions, LEB128 rewrites, section size edits, truncation, splicing from another
// module, section duplication/removal. Deterministic for a given Random.
namespace Wasql.Wasm.Tests.Fuzz;

internal static class Mutator
{
    private static readonly byte[] Interesting =
    [
        0x00, 0x01, 0x02, 0x0b, 0x0f, 0x10, 0x11, 0x1a, 0x20, 0x21, 0x40, 0x41, 0x42, 0x60, 0x6f, 0x70,
        0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0xfc, 0xfd, 0xff,
    ];

    /// <summary>Applies 1-4 random mutations to a copy of <paramref name="input"/>.</summary>
    public static byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus, Random rng, List<string> log)
    {
        var bytes = new List<byte>(input);
        int count = rng.Next(3) != 0 ? 1 : 2 + rng.Next(3);
        for (int i = 0; i < count && bytes.Count > 0; i++)
        {
            // Two thirds of the mutations edit one function body and fix up the sizes, so mutants get past the
            // decoder into validation, compilation and execution.
            log.Add(rng.Next(3) != 0 ? EditFunctionBody(bytes, corpus, rng) : Apply(rng.Next(12), bytes, corpus, rng));
        }
        return bytes.ToArray();
    }

    private static string Apply(int kind, List<byte> b, IReadOnlyList<byte[]> corpus, Random rng)
    {
        // Leave the 8-byte header alone most of the time (it only has one way to be right).
        int pos = b.Count > 8 && rng.Next(50) != 0 ? 8 + rng.Next(b.Count - 8) : rng.Next(b.Count);
        switch (kind)
        {
            case 0:
            case 1:
            {
                int bit = rng.Next(8);
                b[pos] ^= (byte)(1 << bit);
                return $"flip bit {bit} at {pos}";
            }
            case 2:
            {
                byte v = Interesting[rng.Next(Interesting.Length)];
                b[pos] = v;
                return $"set byte {pos} = 0x{v:x2}";
            }
            case 3:
            {
                byte v = rng.Next(2) == 0 ? Interesting[rng.Next(Interesting.Length)] : (byte)rng.Next(256);
                b.Insert(pos, v);
                return $"insert 0x{v:x2} at {pos}";
            }
            case 4:
            {
                int n = Math.Min(1 + rng.Next(4), b.Count - pos);
                b.RemoveRange(pos, n);
                return $"delete {n} at {pos}";
            }
            case 5:
                return EditLeb(b, pos, rng);
            case 6:
                return EditSectionSize(b, rng);
            case 7:
            {
                int keep = rng.Next(b.Count);
                b.RemoveRange(keep, b.Count - keep);
                return $"truncate to {keep}";
            }
            case 8:
            {
                var donor = corpus[rng.Next(corpus.Count)];
                if (donor.Length < 9) return "splice (skipped)";
                int from = 8 + rng.Next(donor.Length - 8);
                int len = Math.Min(1 + rng.Next(64), donor.Length - from);
                bool replace = rng.Next(2) == 0;
                if (replace) b.RemoveRange(pos, Math.Min(len, b.Count - pos));
                b.InsertRange(pos, donor.AsSpan(from, len).ToArray());
                return $"splice {len} bytes from a donor at {from} into {pos} ({(replace ? "replace" : "insert")})";
            }
            case 9:
                return DuplicateOrDropSection(b, rng);
            case 10:
            {
                // Repeat a small run (stresses counts, nesting and operand stacks).
                int n = Math.Min(1 + rng.Next(8), b.Count - pos);
                var run = b.GetRange(pos, n);
                int times = 1 + rng.Next(16);
                for (int t = 0; t < times; t++) b.InsertRange(pos, run);
                return $"repeat {n} bytes at {pos} x{times}";
            }
            default:
            {
                int other = rng.Next(b.Count);
                (b[pos], b[other]) = (b[other], b[pos]);
                return $"swap bytes {pos} and {other}";
            }
        }
    }

    /// <summary>Re-encodes the LEB128 number starting at (or after) <paramref name="pos"/>: a new value, an
    /// overlong encoding, or an edge value.</summary>
    private static string EditLeb(List<byte> b, int pos, Random rng)
    {
        // Start at a byte boundary that ends a previous LEB (so pos begins one).
        while (pos > 0 && (b[pos - 1] & 0x80) != 0) pos--;
        int end = pos;
        ulong value = 0;
        int shift = 0;
        while (end < b.Count && end - pos < 10)
        {
            value |= (ulong)(b[end] & 0x7f) << shift;
            shift += 7;
            if ((b[end++] & 0x80) == 0) break;
        }
        ulong[] edges = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, ulong.MaxValue];
        ulong nv = rng.Next(4) switch
        {
            0 => edges[rng.Next(edges.Length)],
            1 => value + (ulong)(rng.Next(9) - 4),
            2 => value * 2 + 1,
            _ => (ulong)rng.Next(1 << rng.Next(1, 31)),
        };
        int minLen = rng.Next(3) == 0 ? rng.Next(1, 11) : 1;   // sometimes padded (overlong)
        var enc = new List<byte>();
        ulong v = nv;
        do
        {
            byte by = (byte)(v & 0x7f);
            v >>= 7;
            if (v != 0 || enc.Count + 1 < minLen) by |= 0x80;
            enc.Add(by);
        } while (v != 0 || enc.Count < minLen);
        b.RemoveRange(pos, end - pos);
        b.InsertRange(pos, enc);
        return $"leb at {pos}: {value} -> {nv} ({enc.Count} bytes)";
    }

    private readonly record struct Section(int Start, int SizePos, int SizeLen, int PayloadStart, uint Size, byte Id);

    /// <summary>The module's section headers (as far as they parse).</summary>
    private static List<Section> Sections(List<byte> b)
    {
        var list = new List<Section>();
        int p = 8;
        while (p < b.Count)
        {
            int start = p;
            byte id = b[p++];
            int sizePos = p;
            uint size = 0;
            int shift = 0;
            while (p < b.Count && shift < 35)
            {
                byte by = b[p++];
                size |= (uint)(by & 0x7f) << shift;
                shift += 7;
                if ((by & 0x80) == 0) break;
            }
            list.Add(new Section(start, sizePos, p - sizePos, p, size, id));
            if ((long)p + size > b.Count) break;
            p += (int)size;
        }
        return list;
    }

    private static string EditSectionSize(List<byte> b, Random rng)
    {
        var secs = Sections(b);
        if (secs.Count == 0) return "section size (no sections)";
        var s = secs[rng.Next(secs.Count)];
        long nv = rng.Next(3) switch
        {
            0 => (long)s.Size + rng.Next(-3, 4),
            1 => rng.Next(2) == 0 ? 0 : uint.MaxValue,
            _ => rng.Next((int)Math.Clamp(2L * s.Size, 1, int.MaxValue)),
        };
        uint size = (uint)Math.Clamp(nv, 0, uint.MaxValue);
        var enc = new List<byte>();
        uint v = size;
        do
        {
            byte by = (byte)(v & 0x7f);
            v >>= 7;
            if (v != 0) by |= 0x80;
            enc.Add(by);
        } while (v != 0);
        b.RemoveRange(s.SizePos, s.SizeLen);
        b.InsertRange(s.SizePos, enc);
        return $"section {s.Id} at {s.Start}: size {s.Size} -> {size}";
    }

    /// <summary>Instruction bytes worth inserting: control, parametric, variable, memory, constant, numeric,
    /// reference and 0xFC-prefixed opcodes, plus small immediates.</summary>
    private static byte RandomOpcode(Random rng) => rng.Next(8) switch
    {
        0 => (byte)rng.Next(0x00, 0x12),
        1 => (byte)rng.Next(0x1a, 0x27),
        2 => (byte)rng.Next(0x28, 0x41),
        3 => (byte)rng.Next(0x41, 0x45),
        4 => (byte)rng.Next(0x45, 0xc5),
        5 => (byte)rng.Next(0xd0, 0xd3),
        6 => 0xfc,
        _ => (byte)rng.Next(0, 20),
    };

    /// <summary>Mutates inside one function body of the code section and re-encodes the body and section sizes.</summary>
    private static string EditFunctionBody(List<byte> b, IReadOnlyList<byte[]> corpus, Random rng)
    {
        var code = Sections(b).FirstOrDefault(s => s.Id == 10 && (long)s.PayloadStart + s.Size <= b.Count);
        if (code == default) return Apply(rng.Next(12), b, corpus, rng);
        int p = code.PayloadStart;
        uint count = ReadLeb(b, ref p);
        int end = code.PayloadStart + (int)code.Size;
        var bodies = new List<(int SizePos, int SizeLen, int Start, int Length)>();
        for (uint i = 0; i < count && p < end; i++)
        {
            int sizePos = p;
            uint size = ReadLeb(b, ref p);
            if ((long)p + size > end) break;
            bodies.Add((sizePos, p - sizePos, p, (int)size));
            p += (int)size;
        }
        if (bodies.Count == 0) return Apply(rng.Next(12), b, corpus, rng);
        var body = bodies[rng.Next(bodies.Count)];
        var bytes = b.GetRange(body.Start, body.Length);
        string what;
        // Skip the local declarations most of the time: edit instructions.
        int codeStart = 0;
        if (rng.Next(10) != 0)
        {
            uint groups = ReadLeb(bytes, ref codeStart);
            for (uint g = 0; g < groups && codeStart < bytes.Count; g++)
            {
                ReadLeb(bytes, ref codeStart);
                codeStart++;
            }
            codeStart = Math.Min(codeStart, bytes.Count);
        }
        int pos = bytes.Count <= codeStart ? codeStart : codeStart + rng.Next(bytes.Count - codeStart);
        switch (rng.Next(8))
        {
            case 6:
            case 7:
            {
                // Swap a numeric operator for another (no immediates either way), keeping the body decodable.
                var numeric = Enumerable.Range(codeStart, bytes.Count - codeStart).Where(i => bytes[i] is >= 0x45 and <= 0xc4).ToList();
                if (numeric.Count == 0) goto default;
                pos = numeric[rng.Next(numeric.Count)];
                byte old = bytes[pos];
                bytes[pos] = (byte)rng.Next(0x45, 0xc5);
                what = $"operator 0x{old:x2} at {pos} -> 0x{bytes[pos]:x2}";
                break;
            }
            case 0:
                if (pos >= bytes.Count) goto default;
                bytes[pos] = RandomOpcode(rng);
                what = $"replace byte {pos} with 0x{bytes[pos]:x2}";
                break;
            case 1:
                if (pos >= bytes.Count) goto default;
                int n = Math.Min(1 + rng.Next(3), bytes.Count - pos);
                bytes.RemoveRange(pos, n);
                what = $"delete {n} bytes at {pos}";
                break;
            case 2:
            {
                var donor = corpus[rng.Next(corpus.Count)];
                int from = rng.Next(donor.Length);
                int len = Math.Min(1 + rng.Next(24), donor.Length - from);
                bytes.InsertRange(pos, donor.AsSpan(from, len).ToArray());
                what = $"insert {len} donor bytes at {pos}";
                break;
            }
            case 3:
                if (pos >= bytes.Count) goto default;
                bytes[pos] ^= (byte)(1 << rng.Next(8));
                what = $"flip a bit of byte {pos}";
                break;
            default:
            {
                int k = 1 + rng.Next(3);
                for (int i = 0; i < k; i++) bytes.Insert(pos, RandomOpcode(rng));
                what = $"insert {k} opcode bytes at {pos}";
                break;
            }
        }
        // Replace the body, then its size, then the section size (later positions first).
        b.RemoveRange(body.Start, body.Length);
        b.InsertRange(body.Start, bytes);
        b.RemoveRange(body.SizePos, body.SizeLen);
        var bodySize = Leb((uint)bytes.Count);
        b.InsertRange(body.SizePos, bodySize);
        long newSection = code.Size + (bytes.Count - body.Length) + (bodySize.Count - body.SizeLen);
        b.RemoveRange(code.SizePos, code.SizeLen);
        b.InsertRange(code.SizePos, Leb((uint)newSection));
        return $"function body {bodies.IndexOf(body)}: {what}";
    }

    private static uint ReadLeb(List<byte> b, ref int p)
    {
        uint v = 0;
        int shift = 0;
        while (p < b.Count && shift < 35)
        {
            byte by = b[p++];
            v |= (uint)(by & 0x7f) << shift;
            shift += 7;
            if ((by & 0x80) == 0) break;
        }
        return v;
    }

    private static List<byte> Leb(uint v)
    {
        var enc = new List<byte>();
        do
        {
            byte by = (byte)(v & 0x7f);
            v >>= 7;
            if (v != 0) by |= 0x80;
            enc.Add(by);
        } while (v != 0);
        return enc;
    }

    private static string DuplicateOrDropSection(List<byte> b, Random rng)
    {
        var secs = Sections(b).Where(s => (long)s.PayloadStart + s.Size <= b.Count).ToList();
        if (secs.Count == 0) return "section dup/drop (no sections)";
        var s = secs[rng.Next(secs.Count)];
        int len = s.PayloadStart - s.Start + (int)s.Size;
        if (rng.Next(2) == 0)
        {
            b.RemoveRange(s.Start, len);
            return $"drop section {s.Id} at {s.Start}";
        }
        var copy = b.GetRange(s.Start, len);
        var target = secs[rng.Next(secs.Count)];
        b.InsertRange(target.Start, copy);
        return $"copy section {s.Id} from {s.Start} to {target.Start}";
    }
}
