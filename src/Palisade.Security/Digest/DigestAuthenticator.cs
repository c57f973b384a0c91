using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Palisade.Security.Digest;

/// <summary>Why a Digest response was or was not accepted.</summary>
public enum DigestOutcome
{
    /// <summary>The response proves knowledge of the password, with a fresh nonce and nonce-count.</summary>
    Accepted,

    /// <summary>The header is not a Digest response this server can check (missing fields, no qop, unknown algorithm).</summary>
    Malformed,

    /// <summary>The nonce was ours but expired: challenge again with <c>stale=true</c>.</summary>
    Stale,

    /// <summary>Wrong password, unknown user, wrong realm, forged nonce or a nonce issued to another device.</summary>
    Rejected,

    /// <summary>A valid response seen before (same nonce, same or lower nonce-count).</summary>
    Replayed,
}

/// <summary>The outcome of <see cref="DigestAuthenticator.Verify"/>.</summary>
public sealed record DigestResult(DigestOutcome Outcome, string? Username, DigestAlgorithm Algorithm)
{
    /// <summary>True when the client proved its identity.</summary>
    public bool IsAccepted => Outcome == DigestOutcome.Accepted;
}

/// <summary>
/// Server side of HTTP Digest (RFC 7616 with qop=auth; MD5 and SHA-256). Responses without qop (RFC 2069) are
/// refused: they carry no nonce-count and could be replayed. Passwords are never needed, only HA1 values.
/// </summary>
public sealed class DigestAuthenticator
{
    private readonly NonceService _nonces;
    private readonly ReplayGuard _replays;

    /// <summary>Creates the authenticator for <paramref name="realm"/>.</summary>
    public DigestAuthenticator(string realm, NonceService nonces, ReplayGuard replays)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(realm);
        if (realm.Contains('"', StringComparison.Ordinal) || realm.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException("A realm may not contain quotes or backslashes.", nameof(realm));
        }

        Realm = realm;
        _nonces = nonces ?? throw new ArgumentNullException(nameof(nonces));
        _replays = replays ?? throw new ArgumentNullException(nameof(replays));
    }

    /// <summary>The protection space named in challenges and part of every HA1.</summary>
    public string Realm { get; }

    /// <summary>
    /// Offer and accept SHA-256 only. Off by default because many deployed CPEs speak only MD5; on, an MD5 response
    /// is refused even with the right password, so a downgrade to the weaker hash gains an attacker nothing.
    /// </summary>
    public bool Sha256Only { get; init; }

    /// <summary>
    /// The <c>WWW-Authenticate</c> values to send, strongest first: one SHA-256 and one MD5 challenge sharing a
    /// nonce bound to <paramref name="binding"/>.
    /// </summary>
    public IReadOnlyList<string> Challenges(string binding, bool stale)
    {
        var nonce = _nonces.Issue(binding);
        var staleText = stale ? ", stale=true" : string.Empty;
        if (Sha256Only)
        {
            return [$"Digest realm={AuthParameters.Quote(Realm)}, qop=\"auth\", algorithm=SHA-256, nonce=\"{nonce}\"{staleText}"];
        }

        return
        [
            $"Digest realm={AuthParameters.Quote(Realm)}, qop=\"auth\", algorithm=SHA-256, nonce=\"{nonce}\"{staleText}",
            $"Digest realm={AuthParameters.Quote(Realm)}, qop=\"auth\", algorithm=MD5, nonce=\"{nonce}\"{staleText}",
        ];
    }

    /// <summary>
    /// Checks a Digest <c>Authorization</c> header. <paramref name="ha1"/> returns the stored HA1 for a user name
    /// and algorithm, or null when there is none. A response is recorded against replay only once it is accepted.
    /// </summary>
    public DigestResult Verify(AuthParameters credentials, string method, string requestPath, string binding, Func<string, DigestAlgorithm, byte[]?> ha1)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(ha1);
        var username = credentials["username"];
        if (!credentials.Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase)
            || !DigestAlgorithms.TryParse(credentials["algorithm"], out var algorithm))
        {
            return new(DigestOutcome.Malformed, username, DigestAlgorithm.Md5);
        }

        if (Sha256Only && algorithm != DigestAlgorithm.Sha256)
        {
            return new(DigestOutcome.Rejected, username, algorithm);
        }

        var nonce = credentials["nonce"];
        var uri = credentials["uri"];
        var response = credentials["response"];
        var nc = credentials["nc"];
        var cnonce = credentials["cnonce"];
        if (string.IsNullOrEmpty(username) || nonce is null || uri is null || response is null || cnonce is null || cnonce.Length == 0
            || credentials["qop"] is not { } qop || !qop.Equals("auth", StringComparison.OrdinalIgnoreCase)
            || nc is null || nc.Length != 8 || !uint.TryParse(nc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var count))
        {
            return new(DigestOutcome.Malformed, username, algorithm);
        }

        if (credentials["realm"] != Realm || !UriMatches(uri, requestPath))
        {
            return new(DigestOutcome.Rejected, username, algorithm);
        }

        switch (_nonces.Check(nonce, binding))
        {
            case NonceCheck.Invalid:
                return new(DigestOutcome.Rejected, username, algorithm);
            case NonceCheck.Stale:
                return new(DigestOutcome.Stale, username, algorithm);
        }

        var stored = ha1(username, algorithm);
        if (stored is null)
        {
            return new(DigestOutcome.Rejected, username, algorithm);
        }

        var expected = DigestMath.Response(algorithm, stored, nonce, nc, cnonce, method, uri);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(response.ToLowerInvariant())))
        {
            return new(DigestOutcome.Rejected, username, algorithm);
        }

        return _replays.TryUse(nonce, count, _nonces.ExpiresAt(nonce))
            ? new(DigestOutcome.Accepted, username, algorithm)
            : new(DigestOutcome.Replayed, username, algorithm);
    }

    // Clients send the request-target as they wrote it: a path, or (some CPEs) the absolute URL.
    private static bool UriMatches(string uri, string requestPath)
    {
        if (uri == requestPath)
        {
            return true;
        }

        return Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.PathAndQuery == requestPath;
    }
}
