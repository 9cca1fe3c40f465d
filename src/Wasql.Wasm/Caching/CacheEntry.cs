// The file format of one module cache entry, as pure functions over bytes.
//
//   "WASQLMC1" | HMAC-SHA256(secret, body) (32 bytes) | body
//   body = key (32 bytes) | image count (int32 LE) | { image length (int32 LE) | image bytes }*
//
// Invariant: TryDecode returns images only when the MAC over the body verifies under the secret and the body names the
// expected key. Whoever can write the cache directory but does not hold the secret therefore cannot make the engine
// load code of their own (nor the code of another module, or of another engine configuration, under this key), and a
// truncated or flipped file fails the MAC the same way: it is ignored, and the caller compiles and rewrites the entry.
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Wasql.Wasm.Caching;

internal static class CacheEntry
{
    private static ReadOnlySpan<byte> Magic => "WASQLMC1"u8;
    private const int MacBytes = HMACSHA256.HashSizeInBytes;
    public const int KeyBytes = SHA256.HashSizeInBytes;
    private const int HeaderBytes = 8 + MacBytes;
    /// <summary>More images than any plan produces: a decoded count past it is malformed.</summary>
    private const int MaxImages = 16;

    public static byte[] Encode(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> key, IReadOnlyList<byte[]> images)
    {
        if (key.Length != KeyBytes) throw new ArgumentException("cache keys are SHA-256 digests", nameof(key));
        long length = HeaderBytes + KeyBytes + 4 + images.Sum(i => 4L + i.Length);
        if (length > int.MaxValue) throw new ArgumentException("cache entry too large", nameof(images));
        var file = new byte[length];
        Magic.CopyTo(file);
        var body = file.AsSpan(HeaderBytes);
        key.CopyTo(body);
        int at = KeyBytes;
        BinaryPrimitives.WriteInt32LittleEndian(body[at..], images.Count);
        at += 4;
        foreach (var image in images)
        {
            BinaryPrimitives.WriteInt32LittleEndian(body[at..], image.Length);
            image.CopyTo(body[(at + 4)..]);
            at += 4 + image.Length;
        }
        HMACSHA256.HashData(secret, body, file.AsSpan(Magic.Length, MacBytes));
        return file;
    }

    /// <summary>The images of an authentic entry for <paramref name="key"/>, else null (never throws on bad input).</summary>
    public static byte[][]? TryDecode(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> key, ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderBytes + KeyBytes + 4 || !file[..Magic.Length].SequenceEqual(Magic)) return null;
        var body = file[HeaderBytes..];
        Span<byte> mac = stackalloc byte[MacBytes];
        HMACSHA256.HashData(secret, body, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, file.Slice(Magic.Length, MacBytes))) return null;
        if (!body[..KeyBytes].SequenceEqual(key)) return null;
        // Authentic from here on; the bounds checks below only guard against our own bugs.
        int at = KeyBytes;
        int count = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
        at += 4;
        if (count < 1 || count > MaxImages) return null;
        var images = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            if (body.Length - at < 4) return null;
            int length = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
            at += 4;
            if (length < 0 || length > body.Length - at) return null;
            images[i] = body.Slice(at, length).ToArray();
            at += length;
        }
        return at == body.Length ? images : null;
    }
}
