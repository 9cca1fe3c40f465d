// How modules are stored: Brotli-compressed bytes (System.IO.Compression) identified by the SHA-256 of the
// uncompressed module, which is checked again on every load so a damaged row is detected, not executed.
using System.IO.Compression;
using System.Security.Cryptography;

namespace Wasql.Database.Catalog;

/// <summary>Stores modules Brotli-compressed with their SHA-256 (shared by the function and plugin catalogs).</summary>
public static class ModuleCodec
{
    /// <summary>The codec name stored next to a module.</summary>
    public const string Name = "br";

    /// <summary>The lower-case hex SHA-256 of <paramref name="data"/>.</summary>
    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Brotli-compresses a module.</summary>
    public static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var br = new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true))
            br.Write(data);
        return output.ToArray();
    }

    /// <summary>Decompresses and verifies; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static byte[] Decompress(byte[] stored, string codec, long size, string sha256)
    {
        if (codec != Name) throw new InvalidDataException($"unknown module codec '{codec}'");
        byte[] data;
        try
        {
            using var input = new BrotliStream(new MemoryStream(stored), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            data = output.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException)
        {
            throw new InvalidDataException("stored module is corrupt (cannot decompress)");
        }
        if (data.LongLength != size || Sha256Hex(data) != sha256)
            throw new InvalidDataException("stored module is corrupt (sha256 mismatch)");
        return data;
    }
}
