// Bounded, seeded mutation fuzzing of valid IPC files and streams, as a hostile guest could return them: every mutated
// input must either read completely through ArrowIpc (every value touched) or fail with ArrowFormatException. Deterministic: fixed seed
// and a fixed number of iterations (WASQL_FUZZ_SEED / WASQL_FUZZ_ITERATIONS override both for longer local runs).

namespace Wasql.Arrow.Tests;

public class FuzzTests
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("WASQL_FUZZ_ITERATIONS"), out var n) ? n : 4000;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("WASQL_FUZZ_SEED"), out var s) ? s : 20240611;

    [Fact]
    public void MutatedFilesAndStreamsFailCleanly()
    {
        var all = SampleBatches.AllTypesBatch();
        var nested = SampleBatches.Build(SampleBatches.AllTypes().Where(c => c.Name is "list_struct" or "map" or "struct" or "fsl_f64").ToList());
        var seeds = new (byte[] Bytes, bool File)[]
        {
            (ArrowIpc.WriteFile(all), true),
            (ArrowIpc.WriteStream(all), false),
            (ArrowIpc.WriteFile(nested), true),
            (ArrowIpc.WriteStream(all.Slice(1, 2)), false),
            // written by apache-arrow JS 21 (interop/write.mjs): adds a dictionary-encoded column
            (File.ReadAllBytes(Path.Combine(Interop.NodeRunner.RepoRoot, "tests/Wasql.Arrow.Tests/data/js_all_types.arrow")), true),
            (File.ReadAllBytes(Path.Combine(Interop.NodeRunner.RepoRoot, "tests/Wasql.Arrow.Tests/data/js_all_types.arrows")), false),
        };
        var random = new Random(Seed);
        int ok = 0, rejected = 0;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var (seed, isFile) = seeds[iteration % seeds.Length];
            var input = Mutate(seed, random);
            try
            {
                if (isFile) foreach (var batch in ArrowIpc.ReadFileBatches(input)) MalformedInputTests.ReadEverything(batch);
                else foreach (var batch in ArrowIpc.ReadStream(input)) MalformedInputTests.ReadEverything(batch);
                ok++;
            }
            catch (ArrowFormatException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {iteration} ({(isFile ? "file" : "stream")}, {input.Length} bytes): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        Console.WriteLine($"fuzz seed {Seed}: {ok} mutations read, {rejected} rejected");
        Assert.True(rejected > Iterations / 10, $"only {rejected} of {Iterations} mutations were rejected");
        Assert.True(ok > 0, "no mutation survived: the mutations are too destructive to test reading");
    }

    private static readonly int[] Interesting = [0, 1, -1, 7, 8, 255, 0x7FFFFFFF, int.MinValue, 0x10000, 4096];

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(6))
            {
                case 0: // flip a bit
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // random byte
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 2: // interesting 32-bit value at an aligned position
                {
                    int at = random.Next(bytes.Length / 4) * 4;
                    BitConverter.GetBytes(Interesting[random.Next(Interesting.Length)]).AsSpan(0, Math.Min(4, bytes.Length - at)).CopyTo(bytes.AsSpan(at));
                    break;
                }
                case 3: // small delta on a 32-bit value (offsets, lengths)
                {
                    int at = random.Next(bytes.Length / 4) * 4;
                    if (at + 4 <= bytes.Length)
                        BitConverter.GetBytes(BitConverter.ToInt32(bytes, at) + random.Next(-9, 10)).CopyTo(bytes, at);
                    break;
                }
                case 4: // truncate
                    bytes = bytes[..random.Next(bytes.Length)];
                    if (bytes.Length == 0) return bytes;
                    break;
                default: // copy a chunk over another place
                {
                    int len = random.Next(1, 32), from = random.Next(bytes.Length), to = random.Next(bytes.Length);
                    len = Math.Min(len, Math.Min(bytes.Length - from, bytes.Length - to));
                    bytes.AsSpan(from, len).ToArray().CopyTo(bytes.AsSpan(to));
                    break;
                }
            }
        }
        return bytes;
    }
}
