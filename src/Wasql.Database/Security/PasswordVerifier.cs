// Password verifiers in PostgreSQL's SCRAM-SHA-256 format (SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey,
// RFC 5802 / RFC 7677): what CREATE USER ... PASSWORD stores, and what the server's SCRAM exchange checks against.
using System.Security.Cryptography;
using System.Text;

namespace Wasql.Database.Security;

public static class PasswordVerifier
{
    public const string Mechanism = "SCRAM-SHA-256";
    public const int DefaultIterations = 4096;
    private const int SaltBytes = 16;

    /// <summary>A new verifier for <paramref name="password"/> with a random salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var (stored, server) = Keys(password, salt, iterations);
        return $"{Mechanism}${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(stored)}:{Convert.ToBase64String(server)}";
    }

    /// <summary>StoredKey and ServerKey of a password (SASLprep approximated by NFKC normalization).</summary>
    public static (byte[] Stored, byte[] Server) Keys(string password, byte[] salt, int iterations)
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        return (SHA256.HashData(clientKey), HMACSHA256.HashData(salted, "Server Key"u8));
    }
}
