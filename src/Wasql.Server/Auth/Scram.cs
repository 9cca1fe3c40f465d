// SCRAM-SHA-256 (RFC 5802, RFC 7677) server side: verifiers in Postgres' format
// (SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey) and the three-message exchange, no channel binding.
using System.Security.Cryptography;
using System.Text;

namespace Wasql.Server.Auth;

internal static class Scram
{
    public const string Mechanism = "SCRAM-SHA-256";
    public const int DefaultIterations = 4096;

    public static string CreateVerifier(string password, int iterations = DefaultIterations) =>
        Wasql.Database.Security.PasswordVerifier.Create(password, iterations);

    private static (byte[] Stored, byte[] Server) Keys(string password, byte[] salt, int iterations) =>
        Wasql.Database.Security.PasswordVerifier.Keys(password, salt, iterations);

    internal sealed record Verifier(int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey);

    public static Verifier? ParseVerifier(string? s)
    {
        if (s is null) return null;
        var parts = s.Split('$');
        if (parts.Length != 3 || parts[0] != Mechanism) return null;
        var a = parts[1].Split(':'); var b = parts[2].Split(':');
        if (a.Length != 2 || b.Length != 2 || !int.TryParse(a[0], out int it)) return null;
        try { return new Verifier(it, Convert.FromBase64String(a[1]), Convert.FromBase64String(b[0]), Convert.FromBase64String(b[1])); }
        catch (FormatException) { return null; }
    }

    /// <summary>One exchange. A null verifier (unknown user) runs with <paramref name="mock"/>'s and always fails.</summary>
    internal sealed class Exchange(Verifier? verifier, Verifier mock)
    {
        private readonly Verifier _v = verifier ?? mock;
        private readonly bool _known = verifier is not null;
        private string _clientFirstBare = "", _serverFirst = "", _nonce = "", _gs2 = "";

        /// <summary>Takes client-first-message, returns server-first-message.</summary>
        public string First(string clientFirst)
        {
            // gs2-header: "n,," or "y,," (client supports binding, we offer none); "p=" needs TLS.
            if (clientFirst.StartsWith("p=")) throw new AuthException("channel binding is not supported");
            int c1 = clientFirst.IndexOf(','), c2 = c1 < 0 ? -1 : clientFirst.IndexOf(',', c1 + 1);
            if (c2 < 0 || !(clientFirst.StartsWith("n,") || clientFirst.StartsWith("y,"))) throw new AuthException("malformed SCRAM client-first-message");
            _gs2 = clientFirst[..(c2 + 1)];
            _clientFirstBare = clientFirst[(c2 + 1)..];
            string? cnonce = null;
            foreach (var attr in _clientFirstBare.Split(','))
                if (attr.StartsWith("r=")) cnonce = attr[2..];
            if (string.IsNullOrEmpty(cnonce)) throw new AuthException("malformed SCRAM client-first-message (no nonce)");
            _nonce = cnonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
            _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_v.Salt)},i={_v.Iterations}";
            return _serverFirst;
        }

        /// <summary>Takes client-final-message; returns server-final-message, or null when the proof is wrong.</summary>
        public string? Final(string clientFinal)
        {
            int pi = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
            if (pi < 0) throw new AuthException("malformed SCRAM client-final-message");
            var withoutProof = clientFinal[..pi];
            string? cb = null, r = null;
            foreach (var attr in withoutProof.Split(','))
            {
                if (attr.StartsWith("c=")) cb = attr[2..];
                else if (attr.StartsWith("r=")) r = attr[2..];
            }
            if (cb != Convert.ToBase64String(Encoding.ASCII.GetBytes(_gs2)) || r != _nonce) throw new AuthException("SCRAM channel binding or nonce mismatch");
            byte[] proof;
            try { proof = Convert.FromBase64String(clientFinal[(pi + 3)..]); } catch (FormatException) { throw new AuthException("malformed SCRAM proof"); }
            var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
            var clientSig = HMACSHA256.HashData(_v.StoredKey, authMessage);
            if (proof.Length != clientSig.Length) return null;
            var clientKey = new byte[proof.Length];
            for (int i = 0; i < proof.Length; i++) clientKey[i] = (byte)(proof[i] ^ clientSig[i]);
            if (!_known || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), _v.StoredKey)) return null;
            return "v=" + Convert.ToBase64String(HMACSHA256.HashData(_v.ServerKey, authMessage));
        }
    }
}

internal sealed class AuthException(string message) : Exception(message);
