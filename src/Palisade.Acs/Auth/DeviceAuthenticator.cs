using System.Security.Cryptography;
using System.Text;
using Palisade.Acs.Devices;
using Palisade.Acs.Identity;
using Palisade.Acs.Sessions;
using Palisade.Security.Digest;
using Palisade.Security.Pki;

namespace Palisade.Acs.Auth;

/// <summary>
/// Decides whether an Inform comes from the device it names. In order: a client certificate (already chained to
/// a trusted CA by the TLS layer) whose subject CN is the device identity; HTTP Digest against the device's stored
/// HA1; the bootstrap credential for a device that has not been enrolled yet; Basic, only over TLS and only when
/// allowed. An enrolled device can never use the bootstrap credential again.
/// </summary>
public sealed class DeviceAuthenticator
{
    private readonly AuthenticationOptions _options;
    private readonly DigestAuthenticator _digest;
    private readonly byte[]? _bootstrapMd5;
    private readonly byte[]? _bootstrapSha256;

    /// <summary>Creates the authenticator.</summary>
    public DeviceAuthenticator(AuthenticationOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Replays = new ReplayGuard(time);
        _digest = new DigestAuthenticator(options.Realm, options.NonceKey is { } key ? new NonceService(key, time, options.NonceLifetime) : new NonceService(time, options.NonceLifetime), Replays) { Sha256Only = options.RequireSha256 };
        if (options.Bootstrap is { } bootstrap)
        {
            _bootstrapMd5 = DigestMath.Ha1(DigestAlgorithm.Md5, bootstrap.Username, options.Realm, bootstrap.Password);
            _bootstrapSha256 = DigestMath.Ha1(DigestAlgorithm.Sha256, bootstrap.Username, options.Realm, bootstrap.Password);
        }
    }

    /// <summary>The Digest realm.</summary>
    public string Realm => _options.Realm;

    /// <summary>Used nonces; the host sweeps it periodically.</summary>
    public ReplayGuard Replays { get; }

    /// <summary>The <c>WWW-Authenticate</c> values for a 401 to <paramref name="id"/>.</summary>
    public IReadOnlyList<string> Challenges(DeviceId id, bool stale) => _digest.Challenges(id.ToString(), stale);

    /// <summary>The credentials to store once a device has accepted <paramref name="username"/>/<paramref name="password"/>.</summary>
    public DeviceCredentials CredentialsFor(string username, string password) => CredentialsFor(_options.Realm, username, password);

    /// <summary>The credentials to store once a device has accepted <paramref name="username"/>/<paramref name="password"/> in <paramref name="realm"/>.</summary>
    public static DeviceCredentials CredentialsFor(string realm, string username, string password) => new(
        username,
        DigestMath.Ha1(DigestAlgorithm.Md5, username, realm, password),
        DigestMath.Ha1(DigestAlgorithm.Sha256, username, realm, password),
        Enrolled: true,
        CertificateThumbprint: null);

    /// <summary>Checks the credentials of an Inform from <paramref name="id"/> (<paramref name="known"/> is its stored record, if any).</summary>
    public AuthDecision Authenticate(DeviceId id, Device? known, CwmpHttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(request);
        var credentials = known?.Credentials ?? DeviceCredentials.None;
        var enrolled = credentials.Enrolled;

        if (request.Connection.ClientCertificate is { } certificate)
        {
            var name = Certificates.CommonName(certificate);
            if (name != id.ToString())
            {
                return new(AuthVerdict.Forbidden, null, false, false, $"client certificate is for '{Clip(name)}', not this device");
            }

            var binding = CertificateBinding.Of(certificate);
            if (credentials.CertificateThumbprint is { } pinned && !pinned.Equals(binding, StringComparison.OrdinalIgnoreCase))
            {
                return new(AuthVerdict.Forbidden, null, false, false, "client certificate has another key than the one bound to this device") { ClaimConflict = true };
            }

            return new(AuthVerdict.Accepted, AuthMethods.ClientCertificate, false, false, "client certificate") { CertificateBinding = binding };
        }

        if (credentials.CertificateThumbprint is not null)
        {
            // Bound to a certificate: nothing weaker admits the id again until an operator readmits it.
            return new(AuthVerdict.Forbidden, null, false, false, "this device is bound to its client certificate; other methods are refused until an operator readmits it")
            {
                ClaimConflict = request.Authorization is not null,
            };
        }

        var header = request.Authorization;
        if (header is null)
        {
            return AuthDecision.Challenge("no credentials");
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Basic(header, enrolled, credentials, request.Connection.IsTls);
        }

        if (!AuthParameters.TryParse(header, out var digest))
        {
            return AuthDecision.Challenge("unreadable Authorization header");
        }

        var usedBootstrap = false;
        var usedPrevious = false;
        var result = _digest.Verify(digest, request.Method, request.Path, id.ToString(), (user, algorithm) =>
        {
            if (enrolled)
            {
                if (user == credentials.Username)
                {
                    return algorithm == DigestAlgorithm.Md5 ? credentials.Ha1Md5 : credentials.Ha1Sha256;
                }

                // A credential change the device applies only at its next boot: its old credential, for it alone.
                if (credentials.Previous is { } previous && user == previous.Username)
                {
                    usedPrevious = true;
                    return algorithm == DigestAlgorithm.Md5 ? previous.Ha1Md5 : previous.Ha1Sha256;
                }

                return null;
            }

            if (_options.Bootstrap is { } bootstrap && user == bootstrap.Username)
            {
                usedBootstrap = true;
                return algorithm == DigestAlgorithm.Md5 ? _bootstrapMd5 : _bootstrapSha256;
            }

            return null;
        });

        var method = result.Algorithm == DigestAlgorithm.Md5 ? AuthMethods.DigestMd5 : AuthMethods.DigestSha256;
        return result.Outcome switch
        {
            DigestOutcome.Accepted when usedBootstrap => new(AuthVerdict.Accepted, AuthMethods.Bootstrap, true, false, "bootstrap credential"),
            DigestOutcome.Accepted when usedPrevious => new(AuthVerdict.Accepted, _options.Bootstrap is { } b && result.Username == b.Username ? AuthMethods.Bootstrap : method, false, false, "previous credential, until the device uses its new one") { UsedPreviousCredential = true },
            DigestOutcome.Accepted => new(AuthVerdict.Accepted, method, false, false, "digest"),
            DigestOutcome.Stale => AuthDecision.Challenge("expired nonce", stale: true),
            DigestOutcome.Replayed => AuthDecision.Challenge("replayed digest response"),
            DigestOutcome.Malformed => AuthDecision.Challenge("digest response without qop=auth or with missing fields"),
            _ when enrolled && _options.Bootstrap is { } b && result.Username == b.Username => AuthDecision.Challenge("bootstrap credential used by an enrolled device") with { ClaimConflict = true },
            _ => AuthDecision.Challenge("wrong digest credentials"),
        };
    }

    private AuthDecision Basic(string header, bool enrolled, DeviceCredentials credentials, bool tls)
    {
        if (!_options.AllowBasic || !tls)
        {
            return AuthDecision.Challenge(tls ? "Basic authentication is not allowed" : "Basic authentication over plaintext is refused");
        }

        if (!BasicCredentials.TryParse(header, out var user, out var password))
        {
            return AuthDecision.Challenge("unreadable Basic credentials");
        }

        if (enrolled)
        {
            var ha1 = DigestMath.Ha1(DigestAlgorithm.Sha256, user, _options.Realm, password);
            if (user == credentials.Username && credentials.Ha1Sha256 is { } stored && CryptographicOperations.FixedTimeEquals(ha1, stored))
            {
                return new(AuthVerdict.Accepted, AuthMethods.Basic, false, false, "basic");
            }

            return credentials.Previous is { } previous && user == previous.Username && CryptographicOperations.FixedTimeEquals(ha1, previous.Ha1Sha256)
                ? new(AuthVerdict.Accepted, AuthMethods.Basic, false, false, "basic, previous credential") { UsedPreviousCredential = true }
                : AuthDecision.Challenge("wrong basic credentials");
        }

        if (_options.Bootstrap is { } bootstrap
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user + ":" + password), Encoding.UTF8.GetBytes(bootstrap.Username + ":" + bootstrap.Password)))
        {
            // Recorded as Basic, the scheme it used: the posture's basic-auth item counts it (enrolled = false says
            // it came on the bootstrap credential).
            return new(AuthVerdict.Accepted, AuthMethods.Basic, true, false, "bootstrap credential (basic)");
        }

        return AuthDecision.Challenge("wrong basic credentials");
    }

    private static string Clip(string? text) => Palisade.Cwmp.ClientText.Shorten(text, 64);
}
