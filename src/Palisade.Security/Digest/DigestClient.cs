using System.Globalization;
using System.Security.Cryptography;

namespace Palisade.Security.Digest;

/// <summary>
/// Client side of HTTP Digest: answers a challenge for a user name and password, counting nonce uses so that
/// every request carries a fresh nonce-count. Used by the CPE agent towards the ACS and by the ACS towards a CPE's
/// connection-request endpoint.
/// </summary>
public sealed class DigestClient
{
    private readonly string _username;
    private readonly string _password;
    private string? _nonce;
    private uint _count;

    /// <summary>Creates a client for one set of credentials.</summary>
    public DigestClient(string username, string password)
    {
        _username = username ?? throw new ArgumentNullException(nameof(username));
        _password = password ?? throw new ArgumentNullException(nameof(password));
    }

    /// <summary>
    /// Picks the strongest Digest challenge among <c>WWW-Authenticate</c> values (SHA-256 over MD5), or null when
    /// none is a usable Digest challenge with qop=auth.
    /// </summary>
    public static AuthParameters? PickChallenge(IEnumerable<string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        AuthParameters? best = null;
        foreach (var header in headers)
        {
            if (!AuthParameters.TryParse(header, out var challenge)
                || !challenge.Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase)
                || challenge["nonce"] is null || challenge["realm"] is null
                || !DigestAlgorithms.TryParse(challenge["algorithm"], out var algorithm)
                || !(challenge["qop"] ?? string.Empty).Split(',').Any(q => q.Trim().Equals("auth", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (best is null || algorithm == DigestAlgorithm.Sha256)
            {
                best = challenge;
            }
        }

        return best;
    }

    /// <summary>The <c>Authorization</c> header value answering <paramref name="challenge"/> for a request.</summary>
    public string Authorize(AuthParameters challenge, string method, string uri)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var realm = challenge["realm"] ?? throw new ArgumentException("The challenge has no realm.", nameof(challenge));
        var nonce = challenge["nonce"] ?? throw new ArgumentException("The challenge has no nonce.", nameof(challenge));
        if (!DigestAlgorithms.TryParse(challenge["algorithm"], out var algorithm))
        {
            throw new ArgumentException("The challenge names an unsupported algorithm.", nameof(challenge));
        }

        if (nonce != _nonce)
        {
            _nonce = nonce;
            _count = 0;
        }

        var nc = (++_count).ToString("x8", CultureInfo.InvariantCulture);
        var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var ha1 = DigestMath.Ha1(algorithm, _username, realm, _password);
        var response = DigestMath.Response(algorithm, ha1, nonce, nc, cnonce, method, uri);
        var opaque = challenge["opaque"] is { } o ? $", opaque={AuthParameters.Quote(o)}" : string.Empty;
        return $"Digest username={AuthParameters.Quote(_username)}, realm={AuthParameters.Quote(realm)}, nonce={AuthParameters.Quote(nonce)}, "
            + $"uri={AuthParameters.Quote(uri)}, algorithm={DigestAlgorithms.Token(algorithm)}, qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\"{opaque}";
    }
}
