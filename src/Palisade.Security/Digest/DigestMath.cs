namespace Palisade.Security.Digest;

/// <summary>
/// The arithmetic of HTTP Digest (RFC 7616 §3.4.1, qop=auth), shared by the server that checks a response and
/// the client that computes one, so that both sides are the same code.
/// </summary>
public static class DigestMath
{
    /// <summary>HA1 = H(username:realm:password): what a server stores instead of the password.</summary>
    public static byte[] Ha1(DigestAlgorithm algorithm, string username, string realm, string password)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(password);
        return DigestAlgorithms.Hash(algorithm, System.Text.Encoding.UTF8.GetBytes($"{username}:{realm}:{password}"));
    }

    /// <summary>The <c>response</c> value for qop=auth: H(HA1:nonce:nc:cnonce:qop:H(method:uri)).</summary>
    public static string Response(DigestAlgorithm algorithm, ReadOnlySpan<byte> ha1, string nonce, string nc, string cnonce, string method, string uri)
    {
        var ha2 = DigestAlgorithms.HashHex(algorithm, $"{method}:{uri}");
        return DigestAlgorithms.HashHex(algorithm, $"{Convert.ToHexStringLower(ha1)}:{nonce}:{nc}:{cnonce}:auth:{ha2}");
    }
}
