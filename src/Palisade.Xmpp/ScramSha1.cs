using System.Security.Cryptography;
using System.Text;

namespace Palisade.Xmpp;

/// <summary>
/// The client side of SASL SCRAM-SHA-1 without channel binding (RFC 5802): the password never crosses the wire, and
/// the server proves it knows the account too (its signature is checked, in constant time).
/// </summary>
internal sealed class ScramSha1
{
    /// <summary>Fewer iterations than RFC 5802 §5.1 asks for are refused; more than this would let a server burn our CPU.</summary>
    public const int MinIterations = 4096;
    public const int MaxIterations = 1_000_000;
    private readonly string _password;
    private readonly string _clientFirstBare;
    private readonly string _clientNonce;
    private byte[]? _serverSignature;

    public ScramSha1(string username, string password, string? clientNonce = null)
    {
        _password = password;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        _clientFirstBare = "n=" + username.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal) + ",r=" + _clientNonce;
    }

    /// <summary>client-first-message: no channel binding, no authorization identity.</summary>
    public string ClientFirst => "n,," + _clientFirstBare;

    /// <summary>Answers the server's challenge with client-final-message; throws when the challenge is not acceptable.</summary>
    public string ClientFinal(string serverFirst)
    {
        string? nonce = null, salt = null, iterations = null;
        foreach (var part in serverFirst.Split(','))
        {
            if (part.Length < 2 || part[1] != '=')
            {
                continue;
            }

            switch (part[0])
            {
                case 'r': nonce = part[2..]; break;
                case 's': salt = part[2..]; break;
                case 'i': iterations = part[2..]; break;
                case 'm': throw new XmppException("the server's SCRAM challenge asks for an extension this client does not know");
            }
        }

        if (nonce is null || salt is null || iterations is null || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length)
        {
            throw new XmppException("the server's SCRAM challenge is malformed or does not extend this client's nonce");
        }

        if (!int.TryParse(iterations, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count is < MinIterations or > MaxIterations)
        {
            throw new XmppException($"the server's SCRAM iteration count must be {MinIterations}–{MaxIterations}");
        }

        byte[] saltBytes;
        try
        {
            saltBytes = Convert.FromBase64String(salt);
        }
        catch (FormatException e)
        {
            throw new XmppException("the server's SCRAM salt is not base64", e);
        }

        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_password), saltBytes, count, HashAlgorithmName.SHA1, 20);
        var clientKey = HMACSHA1.HashData(salted, "Client Key"u8);
        var storedKey = SHA1.HashData(clientKey);
        var withoutProof = "c=biws,r=" + nonce;
        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirst + "," + withoutProof);
        var signature = HMACSHA1.HashData(storedKey, authMessage);
        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= signature[i];
        }

        _serverSignature = HMACSHA1.HashData(HMACSHA1.HashData(salted, "Server Key"u8), authMessage);
        return withoutProof + ",p=" + Convert.ToBase64String(clientKey);
    }

    /// <summary>True when the server's final message carries the signature only a server that knows the account can make.</summary>
    public bool VerifyServerFinal(string serverFinal)
    {
        if (_serverSignature is null || !serverFinal.StartsWith("v=", StringComparison.Ordinal))
        {
            return false;
        }

        var end = serverFinal.IndexOf(',', StringComparison.Ordinal);
        var text = end < 0 ? serverFinal[2..] : serverFinal[2..end];
        Span<byte> given = stackalloc byte[32];
        return Convert.TryFromBase64String(text, given, out var n) && n == _serverSignature.Length && CryptographicOperations.FixedTimeEquals(given[..n], _serverSignature);
    }
}
