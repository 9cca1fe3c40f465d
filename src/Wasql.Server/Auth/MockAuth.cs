// What an unknown user sees during SCRAM: a salt and iteration count indistinguishable from a real user's,
// so the server-first-message does not tell which user names exist (Postgres' mock authentication).
// Invariant: for one server secret, the same name always gets the same salt (a second attempt must not
// differ from the first, as a real user's stored salt would not), and the salt reveals nothing about the
// secret (HMAC-SHA-256). The keys are random: the proof can never match, so authentication always fails.
using System.Security.Cryptography;
using System.Text;

namespace Wasql.Server.Auth;

internal sealed class MockAuth(byte[] secret)
{
    private const int SaltLength = 16;                 // the length Scram.CreateVerifier uses
    private const int KeyLength = 32;                  // SHA-256

    /// <summary>A per-process secret: fake salts are stable while the server runs.</summary>
    public static MockAuth CreateRandom() => new(RandomNumberGenerator.GetBytes(32));

    public Scram.Verifier VerifierFor(string user)
    {
        var salt = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("scram-salt\0" + user))[..SaltLength];
        return new Scram.Verifier(Scram.DefaultIterations, salt, RandomNumberGenerator.GetBytes(KeyLength), RandomNumberGenerator.GetBytes(KeyLength));
    }
}
